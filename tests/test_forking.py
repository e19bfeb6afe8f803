"""The forked job beside MkDocs: its output joins the site, its failures fail the build with
a message, and a failed build leaves no process or folder behind."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from generator.errors import BuildError
from generator.forking import ForkedJob, merge_tree


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the forked child: fork even if the suite runs other threads."""
    monkeypatch.setattr("generator.forking.fork_is_safe", lambda: True)


def write_exports(out: Path, scratch: Path) -> None:
    (out / "api").mkdir()
    (out / "api" / "communities.json").write_text("[]", "utf-8")
    (out / "feed.xml").write_text("<feed/>", "utf-8")
    (scratch / "temporary").write_text("not for the site", "utf-8")


@pytest.mark.usefixtures("forking")
def test_the_output_is_merged_into_the_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "api").mkdir(parents=True)
    (site / "api" / "index.html").write_text("built by MkDocs", "utf-8")
    with ForkedJob(write_exports, work_dir=tmp_path) as job:
        job.merge_into(site)
    assert (site / "api" / "index.html").read_text("utf-8") == "built by MkDocs"
    assert (site / "api" / "communities.json").read_text("utf-8") == "[]"
    assert (site / "feed.xml").is_file()
    assert not (site / "temporary").exists()
    assert not list(tmp_path.glob(".biglist-beside-*"))


def fail_clearly(out: Path, scratch: Path) -> None:
    raise BuildError("the search indexer (pagefind) failed: no disk left")


def fail_badly(out: Path, scratch: Path) -> None:
    raise KeyError("slug")


@pytest.mark.usefixtures("forking")
@pytest.mark.parametrize(
    ("job", "message"),
    [
        (fail_clearly, "the search indexer (pagefind) failed: no disk left"),
        (fail_badly, "the build failed beside MkDocs: 'slug'"),
    ],
)
def test_a_failing_job_fails_with_its_message(tmp_path: Path, job: object, message: str) -> None:
    with pytest.raises(BuildError) as raised, ForkedJob(job, work_dir=tmp_path) as forked:  # type: ignore[arg-type]
        forked.merge_into(tmp_path)
    assert str(raised.value) == message
    assert not list(tmp_path.glob(".biglist-beside-*"))


@pytest.mark.usefixtures("forking")
def test_a_failed_build_stops_a_job_still_running(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"

    def linger(out: Path, scratch: Path) -> None:
        scratch_pid = scratch / "pid"
        scratch_pid.write_text(str(os.getpid()), "utf-8")
        scratch_pid.rename(pid_file)  # whole, or not there yet
        time.sleep(60)

    with pytest.raises(RuntimeError), ForkedJob(linger, work_dir=tmp_path):
        while not pid_file.is_file():
            time.sleep(0.01)
        raise RuntimeError("MkDocs failed")
    child = int(pid_file.read_text("utf-8"))
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
    assert not list(tmp_path.glob(".biglist-beside-*"))


def test_merging_refuses_a_path_made_twice(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "feed.xml").write_text("beside", "utf-8")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "feed.xml").write_text("by MkDocs", "utf-8")
    with pytest.raises(BuildError, match=r"feed\.xml: made twice"):
        merge_tree(tmp_path / "out", tmp_path / "site")


def test_with_other_threads_running_the_job_runs_here(tmp_path: Path) -> None:
    """Forking beside another thread could leave the child on a lock that thread held."""
    site = tmp_path / "site"
    site.mkdir()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with ForkedJob(record_pid, work_dir=tmp_path) as job:
            job.merge_into(site)
    finally:
        stop.set()
        other.join()
    assert (site / "pid").read_text("utf-8") == str(os.getpid())
    assert not list(tmp_path.glob(".biglist-beside-*"))


def record_pid(out: Path, scratch: Path) -> None:
    (out / "pid").write_text(str(os.getpid()), "utf-8")
