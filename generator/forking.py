"""Work done by a forked process beside the MkDocs build, whose output joins the built site.

MkDocs builds on one core. The search index and the exports (JSON, CSV, Atom, badges) need
only the data already in memory, so a forked child makes them on the other core meanwhile;
the parent waits for it only once MkDocs is done, and merges the child's files into the new
site before it is swapped in.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from generator.errors import BuildError

# The job gets a folder laid out like the site, for its output, and a scratch folder.
Job = Callable[[Path, Path], None]
FAILURE_NOTE = "failure.txt"
TIMEOUT_SECONDS = 900


def fork_is_safe() -> bool:
    """Whether this process may fork: only while it runs no other threads, as the child could
    otherwise wait forever on a lock one of them held (a preview server, the checker)."""
    return threading.active_count() == 1 and os.name == "posix"


class ForkedJob:
    """Run `job` in a forked child. Use as a context manager around the site build:
    `merge_into(site_dir)` waits for the child and moves its output into `site_dir`; leaving
    stops the child if it still runs (the build failed) and removes its folder. Where forking
    is not safe, the job runs in this process on entering instead."""

    def __init__(self, job: Job, work_dir: Path) -> None:
        self._job = job
        # Beside the site, so that the output moves into it by renames.
        work_dir.mkdir(parents=True, exist_ok=True)
        self._folder = Path(tempfile.mkdtemp(prefix=".biglist-beside-", dir=work_dir))
        self._child: int | None = None

    def __enter__(self) -> ForkedJob:
        if not fork_is_safe():
            self._run_here()
            return self
        child = os.fork()
        if child == 0:
            _child_life(self._job, self._folder)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.setpgid(child, child)  # the child does it too: whichever runs first
        self._child = child
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._child is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._child, signal.SIGKILL)  # the child and anything it started
            os.waitpid(self._child, 0)
        shutil.rmtree(self._folder, ignore_errors=True)

    def merge_into(self, site_dir: Path) -> None:
        """Wait for the child, then move its output into `site_dir`."""
        if self._child is not None:
            status = _wait_for(self._child)
            self._child = None
            if status != 0:
                note = self._folder / FAILURE_NOTE
                raise BuildError(note.read_text("utf-8") if note.is_file() else _STOPPED)
        merge_tree(self._folder / "out", site_dir)

    def _run_here(self) -> None:
        try:
            _prepare(self._folder)
            self._job(self._folder / "out", self._folder / "scratch")
        except BaseException:
            shutil.rmtree(self._folder, ignore_errors=True)
            raise


_STOPPED = "the work beside MkDocs (search index, exports) stopped unexpectedly"


def merge_tree(source: Path, target: Path) -> None:
    """Move everything under `source` into `target`, folder by folder; a file that is
    already there means two stages made the same path, which is a bug worth stopping for."""
    for item in sorted(source.iterdir()):
        destination = target / item.name
        if not destination.exists():
            item.rename(destination)
        elif item.is_dir() and destination.is_dir():
            merge_tree(item, destination)
        else:
            raise BuildError(f"{destination}: made twice (by MkDocs and beside it)")


def _prepare(folder: Path) -> None:
    (folder / "out").mkdir()
    (folder / "scratch").mkdir()


def _wait_for(child: int) -> int:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while (status := os.waitpid(child, os.WNOHANG))[0] == 0:
        if time.monotonic() > deadline:
            raise BuildError("the work beside MkDocs (search index, exports) took too long")
        time.sleep(0.02)
    return os.waitstatus_to_exitcode(status[1])


def _child_life(job: Job, folder: Path) -> NoReturn:
    """The forked child's whole life; it never returns to the caller's code."""
    code = 1
    try:
        os.setpgid(0, 0)
        _prepare(folder)
        job(folder / "out", folder / "scratch")
        code = 0
    except BuildError as error:
        (folder / FAILURE_NOTE).write_text(str(error), "utf-8")
    except BaseException as error:  # anything at all: the child must reach os._exit
        (folder / FAILURE_NOTE).write_text(f"the build failed beside MkDocs: {error}", "utf-8")
    finally:
        os._exit(code)  # not sys.exit: the parent's cleanup and buffers are not the child's
