"""A build cleans up on every exit path, and the site folder is never missing."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from support import make_project

from generator.forking import BESIDE_PREFIX, private_folder, sweep_stale_folders
from generator.site import docs
from generator.site.docs import recover_site, staging_prefix

TEMPORARY = (".site.building-", BESIDE_PREFIX, ".site.previous")


def leftovers(root: Path) -> list[str]:
    return sorted(path.name for path in root.iterdir() if path.name.startswith(TEMPORARY))


def site_with(root: Path, text: str) -> Path:
    site = root / "site"
    site.mkdir()
    (site / "index.html").write_text(text, "utf-8")
    return site


def killed_in_child(action: Callable[[], None]) -> None:
    """Run `action` in a forked child that is killed (SIGKILL) at the point the action
    chooses, or right after it; wait until the child is gone."""
    child = os.fork()
    if child == 0:
        try:
            action()
        finally:
            os.kill(os.getpid(), signal.SIGKILL)
    _, status = os.waitpid(child, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def test_a_kill_right_after_the_swap_leaves_the_new_site(tmp_path: Path) -> None:
    site = site_with(tmp_path, "old")

    def swap() -> None:
        staging = private_folder(staging_prefix(site), tmp_path)
        (staging / "index.html").write_text("new", "utf-8")
        docs._swap_in(staging, site)  # killed before the old site is removed

    killed_in_child(swap)
    assert (site / "index.html").read_text("utf-8") == "new"
    assert len(leftovers(tmp_path)) == 1  # the old site, in the dead build's folder
    recover_site(site)
    assert leftovers(tmp_path) == []
    assert (site / "index.html").read_text("utf-8") == "new"


def test_a_kill_between_two_renames_is_undone_at_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where folders cannot trade places in one step, a kill between the renames is the one
    # moment without a site folder: the next build puts the previous one back first.
    site = site_with(tmp_path, "old")
    monkeypatch.setattr(docs, "_exchange", lambda first, second: False)
    monkeypatch.setattr(docs, "_between_the_renames", lambda: os.kill(os.getpid(), 9))

    def swap() -> None:
        staging = private_folder(staging_prefix(site), tmp_path)
        (staging / "index.html").write_text("new", "utf-8")
        docs._swap_in(staging, site)

    killed_in_child(swap)
    assert not site.exists()
    recover_site(site)
    assert (site / "index.html").read_text("utf-8") == "old"
    assert leftovers(tmp_path) == []


def test_sigterm_between_two_renames_waits_for_the_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = site_with(tmp_path, "old")
    staging = private_folder(staging_prefix(site), tmp_path)
    (staging / "index.html").write_text("new", "utf-8")
    monkeypatch.setattr(docs, "_exchange", lambda first, second: False)
    monkeypatch.setattr(docs, "_between_the_renames", lambda: os.kill(os.getpid(), 15))
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    # Another thread may be the one the signal reaches: holding must not depend on which.
    other = threading.Thread(target=time.sleep, args=(2,))
    other.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            docs._swap_in(staging, site)
    finally:
        signal.signal(signal.SIGTERM, previous)
        other.join()
    assert (site / "index.html").read_text("utf-8") == "new"


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def test_the_folders_of_a_living_process_are_kept(tmp_path: Path) -> None:
    mine = private_folder(BESIDE_PREFIX, tmp_path)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        theirs = tmp_path / f"{BESIDE_PREFIX}{sleeper.pid}-abc"
        theirs.mkdir()
        assert sweep_stale_folders(tmp_path, (BESIDE_PREFIX,)) == []
    finally:
        sleeper.kill()
        sleeper.wait()
    assert sweep_stale_folders(tmp_path, (BESIDE_PREFIX,)) == [theirs]
    assert mine.is_dir()


# --- a real build, stopped ------------------------------------------------------------------


def processes_in(root: Path) -> list[int]:
    """Processes whose working folder is under `root`: the build, its fork, its Pagefind."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cwd = os.readlink(entry / "cwd")
            except OSError:
                continue
            if cwd == str(root) or cwd.startswith(f"{root}/"):
                found.append(int(entry.name))
    return found


def start_build(root: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", "from generator.cli import main; main()", "build"]
    build = subprocess.Popen(
        command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while not any(path.name.startswith(BESIDE_PREFIX) for path in root.iterdir()):
        assert build.poll() is None, build.communicate()
        assert time.monotonic() < deadline, "the build never forked its job"
        time.sleep(0.01)
    return build


def wait_until_gone(root: Path) -> list[int]:
    deadline = time.monotonic() + 30
    while processes_in(root) and time.monotonic() < deadline:
        time.sleep(0.05)
    return processes_in(root)


LATER = [0.0, 0.2, 0.6, 1.5]  # seconds after the fork: mid-MkDocs, mid-Pagefind, at the end


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("later", LATER)
def test_sigterm_stops_the_build_its_fork_and_pagefind_and_removes_every_folder(
    tmp_path: Path, later: float
) -> None:
    root = make_project(tmp_path / "project")
    site_with(root, "previous")
    build = start_build(root)
    time.sleep(later)
    build.send_signal(signal.SIGTERM)
    _, errors = build.communicate(timeout=60)
    assert "Traceback" not in errors
    assert wait_until_gone(root) == []
    assert leftovers(root) == []
    index = (root / "site" / "index.html").read_text("utf-8")
    if index == "previous":
        assert build.returncode == 1, errors
        assert "Interrupted: no half-built site was put in place." in errors
    else:  # the new site was in place already: a whole one
        assert "</html>" in index


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("later", LATER)
def test_after_kill_9_the_fork_ends_and_the_next_start_sweeps_up(
    tmp_path: Path, later: float
) -> None:
    root = make_project(tmp_path / "project")
    site_with(root, "previous")
    build = start_build(root)
    time.sleep(later)
    build.kill()
    build.communicate(timeout=60)
    assert wait_until_gone(root) == []
    recover_site(root / "site")
    assert leftovers(root) == []
    assert (root / "site" / "index.html").is_file()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serving(address: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://{address}/", timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.parametrize("later", [0.0, 3.5])  # serving; indexing search in the background
def test_sigterm_stops_the_preview_and_removes_its_folders(tmp_path: Path, later: float) -> None:
    root = make_project(tmp_path / "project")
    temp = tmp_path / "tmp"
    temp.mkdir()
    address = f"127.0.0.1:{free_port()}"
    command = [sys.executable, "-c", "from generator.cli import main; main()", "serve"]
    preview = subprocess.Popen(
        [*command, "--dev-addr", address],
        cwd=root,
        env={**os.environ, "TMPDIR": str(temp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not serving(address):
        assert preview.poll() is None, preview.communicate()
        assert time.monotonic() < deadline, "the preview never served"
        time.sleep(0.1)
    time.sleep(later)
    preview.send_signal(signal.SIGTERM)
    _, errors = preview.communicate(timeout=90)
    assert preview.returncode == 0
    assert "Traceback" not in errors
    assert sorted(path.name for path in temp.iterdir()) == []
