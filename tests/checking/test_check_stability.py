"""Runs that can be trusted night after night: no traceback, no spurious abort, workers that
end with their parent, nothing left in the temporary folder."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from checker_support import REPO, entry, make_data
from loopback_web import Reply, Web, html

from generator.catalog.validation import load_catalog
from generator.checking import check_communities, workers
from generator.checking.options import CheckOptions
from generator.checking.run import _Run
from generator.state import CheckRecord, CheckState

CHECK = [sys.executable, "-c", "from generator.cli import main; main()", "check"]
NOW = dt.datetime(2026, 11, 25, 3, tzinfo=dt.UTC)
RUNS = 6
QUICK = ["--delay", "0", "--timeout", "2", "--retries", "0", "--allow-private"]


def _spin(stop: multiprocessing.synchronize.Event) -> None:
    while not stop.is_set():
        pass


@contextmanager
def cpu_load(workers: int = 2) -> Iterator[None]:
    """Busy loops on every core: scheduling gets late, races show."""
    stop = multiprocessing.get_context("spawn").Event()
    spinners = [
        multiprocessing.get_context("spawn").Process(target=_spin, args=(stop,))
        for _ in range(workers)
    ]
    for spinner in spinners:
        spinner.start()
    try:
        yield
    finally:
        stop.set()
        for spinner in spinners:
            spinner.join(10)


def environment(tmp: Path) -> dict[str, str]:
    tmp.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(REPO)}


def test_many_runs_over_processes_end_cleanly(tmp_path: Path, web: Web) -> None:
    hosts = [web.host() for _ in range(6)]
    for n in range(18):
        hosts[n % 6].route(f"/{n}", Reply(200, html()))
    entries = {f"e{n:02}": entry(hosts[n % 6].url(f"/{n}"), name=f"E{n}") for n in range(18)}
    data = make_data(tmp_path, entries)
    report = tmp_path / "report.json"
    runs = []
    for index in range(RUNS):
        loaded = cpu_load() if index % 2 else contextmanager(lambda: iter([None]))()
        with loaded:
            runs.append(
                subprocess.run(
                    [
                        *CHECK,
                        "--data",
                        str(data),
                        *QUICK,
                        "--processes",
                        "2",
                        "--report",
                        str(report),
                    ],
                    capture_output=True,
                    text=True,
                    env=environment(tmp_path / "tmp"),
                    timeout=120,
                    check=False,
                )
            )
            assert len(json.loads(report.read_text())["communities"]) == 18
    assert [run.returncode for run in runs] == [0] * RUNS, [run.stderr for run in runs]
    assert not [run.stderr for run in runs if "Traceback" in run.stderr or "Error" in run.stderr]
    assert not list((tmp_path / "tmp").iterdir())


def test_workers_stop_within_a_second_of_their_parent_being_killed(
    tmp_path: Path, web: Web
) -> None:
    hosts = [web.host() for _ in range(4)]
    for n in range(400):
        hosts[n % 4].route(f"/{n}", Reply(200, html(), delay=0.05))
    entries = {f"e{n:03}": entry(hosts[n % 4].url(f"/{n}"), name=f"E{n}") for n in range(400)}
    data = make_data(tmp_path, entries)
    parent = subprocess.Popen(
        [*CHECK, "--data", str(data), *QUICK, "--processes", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment(tmp_path / "tmp"),
    )
    try:
        _wait_for(lambda: web.total_requests() >= 20 and _children(parent.pid))
    finally:
        parent.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        parent.wait()
    time.sleep(2.0)
    late = [s for h in hosts for s in h.requests if s.started > killed_at + 1.0]
    assert late == []
    assert not list((tmp_path / "tmp").glob("biglist-check-*"))


def _children(pid: int) -> list[str]:
    """The worker processes of a running check (Linux's /proc)."""
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


def _wait_for(condition: object, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


class _LastWordsQueue:
    """A result queue whose sender puts its last result and ends while the caller waits."""

    def __init__(self, last: object, sender_alive: list[bool]) -> None:
        self._last, self._alive, self._items = last, sender_alive, []  # type: ignore[var-annotated]

    def get(self, timeout: float) -> object:
        if self._items:
            return self._items.pop()
        self._items.append(self._last)
        self._alive[0] = False
        raise queue.Empty


def test_a_result_sent_just_before_the_sender_ends_is_not_lost(tmp_path: Path) -> None:
    data = make_data(tmp_path, {})
    run = _Run(load_catalog(data), CheckOptions(), CheckState(), tmp_path / "s.json", NOW, None)
    alive = [True]
    record = CheckRecord("a", "http://a.test/", NOW, "ok", "ok", 200, "", False, None, None, "")
    run._collect(1, _LastWordsQueue(record, alive), lambda: alive[0])
    assert run.fresh == {"a": record}


def test_worker_processes_are_forked_before_any_other_thread_starts(
    tmp_path: Path, web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The archive lookups' thread (and every other) starts only after the workers are
    forked: forking a process that runs threads is unsafe, and spawning costs a fresh
    interpreter per worker."""
    hosts = [web.host().route("/", Reply(404)) for _ in range(4)]
    api = web.host().route("/wayback/available", Reply(200, '{"archived_snapshots": {}}'))
    data = make_data(
        tmp_path, {f"e{n}": entry(host.url(), name=f"E{n}") for n, host in enumerate(hosts)}
    )
    threads_at_fork: list[int] = []
    real_context = workers._context
    before = set(threading.enumerate())

    def context() -> object:
        started = set(threading.enumerate()) - before
        threads_at_fork.append(len([t for t in started if "serve_forever" not in repr(t)]))
        return real_context()

    monkeypatch.setattr(workers, "_context", context)
    options = CheckOptions(
        delay=0, timeout=2, retries=0, allow_private=True, processes=2,
        archive_api=api.url("/wayback/available"),
    )  # fmt: skip
    check_communities(data, options=options)
    assert threads_at_fork == [0]
    assert len(api.requests) == 4  # the lookups did happen, on their thread, after the fork
