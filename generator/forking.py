"""Work done by a forked process beside the MkDocs build, whose output joins the built site.

MkDocs builds on one core. The search index and the exports (JSON, CSV, Atom, badges) need
only the data already in memory, so a forked child makes them on the other core meanwhile;
the parent waits for it only once MkDocs is done, and merges the child's files into the new
site before it is swapped in.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

from generator.errors import BuildError

# The job gets a folder laid out like the site, for its output, and a scratch folder.
Job = Callable[[Path, Path], None]
FAILURE_NOTE = "failure.txt"
TIMEOUT_SECONDS = 900
BESIDE_PREFIX = ".biglist-beside-"
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# A temporary folder of ours found without its process, and without a PID in its name (made
# by an older version), is left alone for this long in case a build is still using it.
UNOWNED_GRACE_SECONDS = 3600


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
        self._folder = private_folder(BESIDE_PREFIX, work_dir)
        self._child: int | None = None
        self._parent = os.getpid()

    def __enter__(self) -> ForkedJob:
        if not fork_is_safe():
            self._run_here()
            return self
        try:
            self._fork()
        except BaseException:  # an interrupt held during the fork lands here: no `with` yet
            self.__exit__()
            raise
        return self

    def _fork(self) -> None:
        # Held until the child is on record: an interrupt in between (or inside the fork's
        # own handlers, where Python drops exceptions) would leave it running unseen.
        with signals_deferred():
            child = os.fork()
            if child == 0:
                _child_life(self._job, self._folder, self._parent)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.setpgid(child, child)  # the child does it too: whichever runs first
            self._child = child

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


def _child_life(job: Job, folder: Path, parent: int) -> NoReturn:
    """The forked child's whole life; it never returns to the caller's code."""
    code = 1
    try:
        os.setpgid(0, 0)
        _end_with(parent)
        _prepare(folder)
        job(folder / "out", folder / "scratch")
        code = 0
    except BuildError as error:
        (folder / FAILURE_NOTE).write_text(str(error), "utf-8")
    except BaseException as error:  # anything at all: the child must reach os._exit
        (folder / FAILURE_NOTE).write_text(f"the build failed beside MkDocs: {error}", "utf-8")
    finally:
        os._exit(code)  # not sys.exit: the parent's cleanup and buffers are not the child's


def _end_with(parent: int) -> None:
    """Make the child, and what it started (Pagefind), end when the parent does: even after
    a `kill -9` of the parent, which leaves it no chance to stop them itself."""
    signal.signal(signal.SIGTERM, _end_process_group)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C stops
    _signal_on_parent_death(signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the request took effect
        _end_process_group(signal.SIGTERM, None)


def _end_process_group(signum: int, frame: object) -> None:
    os.killpg(0, signal.SIGKILL)  # this process group: the child and everything it started


def _signal_on_parent_death(signum: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


# --- temporary folders that outlive a killed process ---------------------------------------


def private_folder(prefix: str, parent: Path) -> Path:
    """A new temporary folder whose name says which process made it (`<prefix><pid>-...`),
    so that a later run can tell it was left behind by a process that is gone."""
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))


def sweep_stale_folders(parent: Path, prefixes: tuple[str, ...]) -> list[Path]:
    """Remove the folders under `parent` that a process killed before its cleanup left behind
    (`kill -9`, a power cut); return them. Those of a living process are kept."""
    removed = []
    for folder, owner in _our_folders(parent, prefixes):
        if _abandoned(folder, owner):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _our_folders(parent: Path, prefixes: tuple[str, ...]) -> Iterator[tuple[Path, int | None]]:
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    for entry in entries:
        prefix = next((p for p in prefixes if entry.name.startswith(p)), None)
        if prefix is not None and entry.is_dir(follow_symlinks=False):
            owner = _OWNER.match(entry.name[len(prefix) :])
            yield Path(entry.path), int(owner[1]) if owner else None


_OWNER = re.compile(r"(\d+)-")


def _abandoned(folder: Path, owner: int | None) -> bool:
    if owner is not None:
        return owner != os.getpid() and not process_alive(owner)
    try:
        age = time.time() - folder.stat().st_mtime
    except OSError:
        return False
    return age > UNOWNED_GRACE_SECONDS


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


_INTERRUPTED = threading.Event()


def interrupt(signum: int, frame: object) -> NoReturn:
    """A signal handler that stops the run like Ctrl-C (so every `finally` cleans up), and
    remembers it: Python drops an exception raised where it cannot be passed on (in a
    fork's handlers, a finaliser), and `raise_if_interrupted` then stops at the next step."""
    _INTERRUPTED.set()
    raise KeyboardInterrupt


def raise_if_interrupted() -> None:
    if _INTERRUPTED.is_set():
        raise KeyboardInterrupt


def forget_interrupts() -> None:
    _INTERRUPTED.clear()


def discard_own_folders(parent: Path, prefixes: tuple[str, ...]) -> None:
    """Remove the temporary folders this process made under `parent`, wherever it stopped."""
    for folder, owner in _our_folders(parent, prefixes):
        if owner == os.getpid():
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block is done: for steps that must not be cut in
    two. A signal that came meanwhile is handled right after, as it would have been.

    The handlers are swapped, not the signal mask: a signal sent to the process may reach
    any of its threads, while Python runs its handlers in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous: dict[int, Any] = {
        number: signal.signal(number, _record_in(caught)) for number in _HELD
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
        if caught:
            _deliver(caught[0], previous[signal.Signals(caught[0])])


_HELD = (signal.SIGINT, signal.SIGTERM)


def _record_in(caught: list[int]) -> Callable[[int, object], None]:
    return lambda number, frame: caught.append(number)


def _deliver(number: int, handler: Any) -> None:
    if callable(handler):
        handler(number, None)
    elif handler == signal.SIG_DFL:
        signal.raise_signal(number)
