"""Politeness per host name: one request in flight, a pause between requests, and giving up on
hosts that keep timing out.

Within a process, threads take turns per host with a lock. When a run is spread over several
processes, `SharedTurns` extends the same rule across them: a byte-range lock per host bucket
on one file (POSIX record locks exclude other processes; a thread lock per bucket excludes the
process's other threads, whose unlock would otherwise release the process's record lock) and
the next allowed start time per bucket in shared memory. Hosts that share a bucket merely wait
for each other. The file has no name (`LockFile`), so nothing is left behind in the temporary
folder, however the run ends.
"""

from __future__ import annotations

import errno
import fcntl
import os
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator, MutableSequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from multiprocessing import reduction
from typing import Any

BUCKETS = 1 << 16


@dataclass
class _Host:
    delay: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: float = 0.0
    timeouts: int = 0


class LockFile:
    """An open file without a name, shared by the processes of a run for their record locks.

    Forked workers inherit the descriptor; spawned ones receive a duplicate when the object is
    pickled for them. Record locks belong to a process, not to a descriptor, so sharing the
    descriptor shares no locks.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd

    @classmethod
    def create(cls) -> LockFile:
        with tempfile.TemporaryFile(prefix="biglist-check-", suffix=".locks") as unnamed:
            return cls(os.dup(unnamed.fileno()))

    def close(self) -> None:
        os.close(self.fd)

    def __reduce__(self) -> tuple[Any, tuple[Any]]:
        return _received_lock_file, (reduction.DupFd(self.fd),)


def _received_lock_file(duplicate: Any) -> LockFile:
    return LockFile(duplicate.detach())


class SharedTurns:
    """Per-host turns across processes (see the module docstring)."""

    def __init__(self, lock_file: LockFile, next_at: MutableSequence[float]) -> None:
        self._fd = lock_file.fd
        self._next_at = next_at
        self._threads: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()

    @staticmethod
    def bucket(name: str) -> int:
        return zlib.crc32(name.lower().encode()) % BUCKETS

    @contextmanager
    def hold(self, name: str) -> Iterator[int]:
        bucket = self.bucket(name)
        with self._guard:
            in_process = self._threads.setdefault(bucket, threading.Lock())
        with in_process:
            self._lock(self._fd, bucket)
            try:
                yield bucket
            finally:
                fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, bucket)

    @staticmethod
    def _lock(fd: int, bucket: int) -> None:
        # Poll instead of blocking: the kernel's deadlock detection sees processes, not
        # threads, and would report a deadlock between two processes whose threads each wait
        # for a bucket the other process's *other* thread holds for one request.
        pause = 0.002
        while True:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, bucket)
                return
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

    def next_at(self, bucket: int) -> float:
        return self._next_at[bucket]

    def push(self, bucket: int, moment: float) -> None:
        """Raise a bucket's next start time; the caller holds the bucket."""
        self._next_at[bucket] = max(self._next_at[bucket], moment)


class HostGate:
    """Serialises requests per host name and bounds the requests in flight over all hosts."""

    def __init__(
        self,
        delay: float,
        concurrency: int,
        give_up_after: int,
        shared: SharedTurns | None = None,
    ) -> None:
        self._delay = delay
        self._give_up_after = give_up_after
        self._slots = threading.BoundedSemaphore(concurrency)
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()
        self._shared = shared

    def _host(self, name: str) -> _Host:
        key = name.lower()
        host = self._hosts.get(key)
        if host is None:
            with self._lock:
                host = self._hosts.setdefault(key, _Host(self._delay))
        return host

    def ready_at(self, name: str) -> float:
        """When (time.monotonic) the host's pause is over, as far as this process knows."""
        return self._host(name).next_at

    @contextmanager
    def turn(self, name: str) -> Iterator[bool]:
        """Hold the host (and one global slot) for one request, after the host's pause.

        Yields False, at once and without taking the host's time, when the host has been given
        up (perhaps while this caller waited for the host): the caller must not send then.
        """
        host = self._host(name)
        with host.lock:
            if self.given_up(name):
                yield False
                return
            with self._request(name, host):
                yield True

    @contextmanager
    def _request(self, name: str, host: _Host) -> Iterator[None]:
        shared = self._shared.hold(name) if self._shared else nullcontext(None)
        with shared as bucket:
            not_before = host.next_at
            if self._shared is not None and bucket is not None:
                not_before = max(not_before, self._shared.next_at(bucket))
            pause = not_before - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            try:
                with self._slots:
                    yield
            finally:
                moment = time.monotonic() + host.delay
                host.next_at = max(host.next_at, moment)
                if self._shared is not None and bucket is not None:
                    self._shared.push(bucket, moment)

    def _push(self, name: str, host: _Host, moment: float) -> None:
        host.next_at = max(host.next_at, moment)
        if self._shared is not None:
            with self._shared.hold(name) as bucket:
                self._shared.push(bucket, moment)

    def hold_off(self, name: str, seconds: float) -> None:
        """Keep every lane away from the host for `seconds` (a backoff or a Retry-After)."""
        self._push(name, self._host(name), time.monotonic() + seconds)

    def slow_down(self, name: str, delay: float) -> None:
        """Raise the pause for one host (a robots.txt Crawl-delay)."""
        host = self._host(name)
        host.delay = max(host.delay, delay)
        self._push(name, host, time.monotonic() + delay)

    def record_timeout(self, name: str) -> None:
        self._host(name).timeouts += 1

    def record_answer(self, name: str) -> None:
        self._host(name).timeouts = 0

    def given_up(self, name: str) -> bool:
        return self._host(name).timeouts >= self._give_up_after
