"""Politeness per host name: one request in flight, a pause between requests, and giving up on
hosts that keep timing out."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class _Host:
    delay: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: float = 0.0
    timeouts: int = 0


class HostGate:
    """Serialises requests per host name and bounds the requests in flight over all hosts."""

    def __init__(self, delay: float, concurrency: int, give_up_after: int) -> None:
        self._delay = delay
        self._give_up_after = give_up_after
        self._slots = threading.BoundedSemaphore(concurrency)
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def _host(self, name: str) -> _Host:
        with self._lock:
            return self._hosts.setdefault(name.lower(), _Host(self._delay))

    @contextmanager
    def turn(self, name: str) -> Iterator[None]:
        """Hold the host (and one global slot) for one request, after the host's pause."""
        host = self._host(name)
        with host.lock:
            pause = host.next_at - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            try:
                with self._slots:
                    yield
            finally:
                host.next_at = max(host.next_at, time.monotonic() + host.delay)

    def hold_off(self, name: str, seconds: float) -> None:
        """Keep every lane away from the host for `seconds` (a backoff or a Retry-After)."""
        host = self._host(name)
        host.next_at = max(host.next_at, time.monotonic() + seconds)

    def slow_down(self, name: str, delay: float) -> None:
        """Raise the pause for one host (a robots.txt Crawl-delay)."""
        host = self._host(name)
        host.delay = max(host.delay, delay)
        host.next_at = max(host.next_at, time.monotonic() + delay)

    def record_timeout(self, name: str) -> None:
        self._host(name).timeouts += 1

    def record_answer(self, name: str) -> None:
        self._host(name).timeouts = 0

    def given_up(self, name: str) -> bool:
        return self._host(name).timeouts >= self._give_up_after
