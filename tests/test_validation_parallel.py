"""Large lists are validated in worker processes: the outcome must not depend on it."""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from generator.catalog import validation
from generator.catalog.models import ValidationContext
from generator.catalog.validation import CheckedFile, load_catalog
from generator.errors import DataError, display_path

TODAY = dt.date(2026, 11, 25)
ENTRY = "name: {name}\nurl: {url}\nsources: [https://src.test/]\nadded: 2026-01-01\n"


def write_entries(data: Path, count: int) -> None:
    for number in range(count):
        url = f"https://c{number}.test/"
        text = ENTRY.format(name=f"Community {number}", url=url)
        (data / "communities" / f"c-{number:02d}.yml").write_text(text, "utf-8")


def spoil(data: Path) -> None:
    """Problems in every chunk, and collisions between files that land in different chunks."""
    communities = data / "communities"
    (communities / "c-01.yml").write_text("name: [unclosed\n", "utf-8")
    (communities / "c-11.yml").write_text(
        ENTRY.format(name="COMMUNITY 2", url="HTTP://www.C3.test:80") + "related: [c-99]\n"
    )
    (communities / "c-21.yml").write_bytes(b"name: caf\xe9\n")
    (communities / "c-22.yml").write_text(ENTRY.format(name="x", url="javascript:1") + "bad: 1\n")


def outcome(data: Path, workers: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(validation, "_worker_count", lambda files: workers)
    try:
        catalog = load_catalog(data, today=TODAY)
    except DataError as error:
        return [str(problem) for problem in error.problems]
    return [f"{entry.slug} {entry.community!r}" for entry in catalog.entries]


@pytest.mark.parametrize("spoiled", [False, True])
def test_workers_give_the_same_outcome_as_one_process(
    sample_data: Path, spoiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_entries(sample_data, 30)
    if spoiled:
        spoil(sample_data)
    alone = outcome(sample_data, 1, monkeypatch)
    assert outcome(sample_data, 3, monkeypatch) == alone
    assert len(alone) == (7 if spoiled else 33)


def test_workers_send_back_the_lines_collisions_point_at(
    sample_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_entries(sample_data, 30)
    spoil(sample_data)
    found = outcome(sample_data, 3, monkeypatch)
    # c-11 is checked in a worker, c-02 and c-03 in this process.
    later, name, url = (
        display_path(sample_data / "communities" / f"{slug}.yml")
        for slug in ("c-11", "c-02", "c-03")
    )
    assert f"{later}:1: name: same name as {name} (Community 2)" in found
    assert f"{later}:2: url: same url as {url} (https://c3.test/)" in found
    assert f"{later}:5: related.0: no entry named 'c-99' (data/communities/c-99.yml)" in found


def _die(paths: Sequence[Path], context: ValidationContext, root: Path | None) -> list[CheckedFile]:
    os._exit(1)


def test_a_dead_worker_share_is_done_in_process(
    sample_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_entries(sample_data, 30)
    spoil(sample_data)
    alone = outcome(sample_data, 1, monkeypatch)
    monkeypatch.setattr(validation, "_check_files_for_parent", _die)
    assert outcome(sample_data, 3, monkeypatch) == alone


@pytest.fixture
def cores(monkeypatch: pytest.MonkeyPatch) -> Callable[[int, float], None]:
    """Pin how many cores the process may use and how busy the machine is."""

    def set_cores(count: int, load: float = 0.0) -> None:
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(count)))
        monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))

    return set_cores


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_one_worker_per_idle_core_up_to_a_limit(
    cores: Callable[[int, float], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    big = validation.PARALLEL_MIN_FILES
    cores(2, 0.1)
    assert validation._worker_count(big) == 2
    cores(64, 0.1)
    assert validation._worker_count(big) == validation.MAX_WORKERS
    cores(1, 0.0)
    assert validation._worker_count(big) == 1
    cores(8, 6.0)
    assert validation._worker_count(big) == 3
    cores(2, 1.4)
    assert validation._worker_count(big) == 2
    cores(2, 1.6)
    assert validation._worker_count(big) == 1
    cores(2, 6.0)
    assert validation._worker_count(big) == 1


def test_small_lists_stay_in_process(cores: Callable[[int, float], None]) -> None:
    cores(8, 0.0)
    assert validation._worker_count(validation.PARALLEL_MIN_FILES - 1) == 1


def test_a_process_running_threads_does_not_fork(cores: Callable[[int, float], None]) -> None:
    cores(8, 0.0)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert validation._worker_count(validation.PARALLEL_MIN_FILES * 10) == 1
    finally:
        stop.set()
        thread.join()
