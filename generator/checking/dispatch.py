"""Who checks what next: entries handed out host by host, never to wait out a host's pause.

Each host's entries are checked one after another. While one of them is being checked the host
is out of the queue; when it is done the host comes back, ready once its pause is over (the
host gate says when). A free worker always takes the entry that comes first in the caller's
order among the hosts that are ready now, and only waits when no host is. A worker still sits
out the pauses between one entry's own requests (page, robots.txt, feed, ...), but never a
pause between two entries: fewer threads keep the request slots busy. The host gate still
enforces the pauses and the one request in flight per host; this queue only makes sure
workers rarely meet a closed gate.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

# Longest a worker waits without looking at the stop flag.
WAKE_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class Job:
    """What a worker needs of an entry (small, so other processes get their own copies)."""

    slug: str
    url: str
    feeds: tuple[str, ...] = ()

    @property
    def host(self) -> str:
        return host_of(self.url)


def host_of(url: str) -> str:
    """The host name politeness is counted by."""
    return (urlsplit(url).hostname or "").lower()


class HostQueue:
    """Jobs grouped by host, handed out in the caller's order among the hosts that are ready."""

    def __init__(
        self,
        jobs: Sequence[Job],
        ready_at: Callable[[str], float],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ready_at = ready_at
        self._clock = clock
        self._lanes: dict[str, deque[tuple[int, Job]]] = {}
        for rank, job in enumerate(jobs):
            self._lanes.setdefault(job.host, deque()).append((rank, job))
        self._ready = [(lane[0][0], host) for host, lane in self._lanes.items()]
        heapq.heapify(self._ready)
        self._pausing: list[tuple[float, int, str]] = []
        self._left = len(jobs)
        self._stopped = False
        self._changed = threading.Condition()

    def take(self) -> Job | None:
        """The next job whose host is ready, waiting if none is; None when every job is out
        (or the queue was stopped)."""
        with self._changed:
            while not self._stopped and self._left:
                job = self._next_ready()
                if job is not None:
                    return job
                self._changed.wait(self._wait_seconds())
            return None

    def done(self, job: Job) -> None:
        """The job is finished: its host comes back, ready after its pause."""
        host = job.host
        with self._changed:
            lane = self._lanes[host]
            if lane:
                heapq.heappush(self._pausing, (self._ready_at(host), lane[0][0], host))
                self._changed.notify()

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()

    def _next_ready(self) -> Job | None:
        now = self._clock()
        while self._pausing and self._pausing[0][0] <= now:
            _, rank, host = heapq.heappop(self._pausing)
            heapq.heappush(self._ready, (rank, host))
        if not self._ready:
            return None
        _, host = heapq.heappop(self._ready)
        _, job = self._lanes[host].popleft()
        self._left -= 1
        return job

    def _wait_seconds(self) -> float:
        if not self._pausing:
            return WAKE_SECONDS  # until a job is done
        return min(WAKE_SECONDS, max(0.0, self._pausing[0][0] - self._clock()))
