"""The engine that checks entries: threads in one process, and when the list is large several
processes (one Python process uses one core at a time).

Threads take jobs from a `HostQueue` (dispatch.py): in the order the caller chose (every host's
first entry, then every host's second, ...) among the hosts whose pause is over, so each host
is reached early, a host that hangs costs its timeouts at the start of the run, not at its end,
and no thread sits out a host's pause while another host is ready. The host gate keeps one
request in flight per host whatever the order. Hosts are dealt to processes whole, and requests
that leave a process's hosts (redirects, sitemaps elsewhere) still take turns with every other
process through `SharedTurns`. Results go back to the caller through a queue.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import gc
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence, Sized
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

from generator.catalog.models import Entry
from generator.checking.activity import Subject, Thresholds, find_activity
from generator.checking.dispatch import HostQueue, Job
from generator.checking.domains import offsite
from generator.checking.fetch import Fetcher
from generator.checking.history import advance
from generator.checking.hosts import BUCKETS, HostGate, LockFile, SharedTurns
from generator.checking.learning import learn, volume_of
from generator.checking.links import visit
from generator.checking.network import Network, Resolver, Watchdog
from generator.checking.options import CheckOptions
from generator.checking.probing import ProbeContext
from generator.checking.robots import RobotsCache
from generator.forking import fork_is_safe
from generator.state import CheckRecord, FeedCache

# Threads per request slot. A thread is only handed an entry whose host is ready, but keeps it
# through the pauses between that entry's own requests (page, robots.txt, feed, API, sitemap):
# a few per slot keep the slots busy while some threads sit in those pauses. Measured with
# bench/check_throughput.py at 10,000 entries on 2,000 hosts: 3 per slot 39 s / 186 MB,
# 5 per slot 35 s / 217 MB, 8 per slot 35 s / 249 MB.
THREADS_PER_SLOT = 5
MAX_THREADS = 1024
MAX_PROCESSES = 4
RELAY_POLL = 0.2
# The calling process spends about a tenth of its time on gathering results and saving the
# state (measured at 4,000 entries with bench/check_throughput.py); it gets that much less work.
CALLER_SHARE = 0.9
GC_THRESHOLD = 20_000
# Below this many hosts a second process costs more than it saves.
HOSTS_PER_PROCESS = 100
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_POLL = 0.2


@dataclass(frozen=True)
class Crash:
    """An unexpected error while checking an entry, carried to the caller."""

    slug: str
    error: str


@dataclass(frozen=True)
class Done:
    """A worker process has checked all its entries."""


Result = CheckRecord | Crash | Done
Lane = list[Entry]
"""The entries on one host name."""
L = TypeVar("L", bound=Sized)


@dataclass(frozen=True)
class Plan:
    """Everything a worker needs besides its entries (picklable, for other processes)."""

    options: CheckOptions
    started: dt.datetime
    previous: Mapping[str, CheckRecord]
    platform_apis: Mapping[str, str | None]
    feed_memory: Mapping[str, FeedCache]
    prefixes: Mapping[str, frozenset[str]]
    thresholds: Thresholds = field(default_factory=Thresholds)


def process_count(options: CheckOptions, lanes: int) -> int:
    if options.processes:
        return max(1, min(options.processes, lanes))
    wanted = min(os.cpu_count() or 1, MAX_PROCESSES, lanes // HOSTS_PER_PROCESS)
    return max(1, wanted)


class EntryRunner:
    """Checks entries with threads in the current process."""

    def __init__(self, plan: Plan, concurrency: int, shared: SharedTurns | None = None) -> None:
        options = plan.options
        self.plan = plan
        self.today = plan.started.astimezone(dt.UTC).date()
        network = Network(Resolver(options.resolve), options.allow_private, Watchdog())
        gate = HostGate(options.delay, concurrency, options.give_up_after, shared)
        self.fetcher = Fetcher(options, network, gate)
        self.probes = ProbeContext(
            self.fetcher,
            RobotsCache(self.fetcher),
            self.today,
            plan.feed_memory,
            prefixes=plan.prefixes,
        )
        self.concurrency = concurrency
        self.queue = HostQueue((), self.fetcher.gate.ready_at)
        self._threads: list[threading.Thread] = []

    def start(self, jobs: Sequence[Job], put: Callable[[Result], None]) -> None:
        # The catalog and the previous state live for the whole run: keep the cyclic garbage
        # collector from walking them again and again while pages come and go, and let it
        # run less often (parsers allocate many short-lived objects, few of them cyclic).
        gc.freeze()
        gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
        self.queue = HostQueue(jobs, self.fetcher.gate.ready_at)
        count = min(len(jobs), self.concurrency * THREADS_PER_SLOT, MAX_THREADS)
        self._threads = [
            threading.Thread(target=self._work, args=(put,), daemon=True, name=f"checker-{index}")
            for index in range(count)
        ]
        for thread in self._threads:
            thread.start()

    def alive(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def join(self) -> None:
        for thread in self._threads:
            thread.join()

    def close(self) -> None:
        self.queue.stop()
        self.fetcher.close()
        self.fetcher.network.watchdog.close()

    def _work(self, put: Callable[[Result], None]) -> None:
        while (job := self.queue.take()) is not None:
            try:
                record = self.check_entry(job)
            except Exception as error:  # a bug must reach the caller, not end a thread quietly
                put(Crash(job.slug, repr(error)))
                return
            finally:
                # Connections live for one entry: open files stay bounded by the threads.
                self.fetcher.close_connections()
                self.queue.done(job)
            put(record)

    def check_entry(self, job: Job) -> CheckRecord:
        plan = self.plan
        link = visit(self.fetcher, job.url)
        subject = Subject(job.url, job.feeds, plan.platform_apis.get(job.slug), link)
        activity = find_activity(self.probes, subject, plan.thresholds)
        standing = advance(
            plan.previous.get(job.slug),
            job.url,
            link.outcome,
            plan.started,
            plan.options.dead_after,
        )
        return CheckRecord(
            slug=job.slug,
            url=job.url,
            checked_at=plan.started,
            outcome=link.outcome,
            link_status=standing.link_status,
            http_status=link.http_status,
            final_url=link.final_url,
            offsite=offsite(job.url, link.final_url),
            last_activity=activity.last_activity,
            activity_source=activity.source,
            activity=activity.activity,
            activity_url=activity.url,
            recent_posts=activity.recent_posts,
            detail=link.detail,
            failing_runs=standing.failing_runs,
            failing_since=standing.failing_since,
            struck_at=standing.struck_at,
            history=standing.history,
            feeds=self._feeds_used(job.feeds, link.page.feeds),
            learned=learn(
                plan.previous.get(job.slug),
                job.url,
                standing.link_status,
                link,
                activity,
                volume_of(self.probes, job.url, link, plan.platform_apis.get(job.slug)),
            ),
        )

    def _feeds_used(self, *groups: Sequence[str]) -> dict[str, FeedCache]:
        fresh = self.probes.fresh_feeds
        return {url: fresh[url] for group in groups for url in group if url in fresh}


# --- several processes ---------------------------------------------------------------------


class ProcessPool:
    """Checks shares of the hosts in worker processes, and the first share in this process.

    Every further Python process costs its own copy of whatever memory it touches (the
    interpreter's modules, its threads, its caches), so the calling process, which only waits
    for results, checks a share too: two cores are used by two processes, not three.
    Results from everywhere arrive on `results`.
    """

    def __init__(self, plan: Plan, shares: Sequence[Sequence[Job]]) -> None:
        self._context = _context()
        self.results: queue.Queue[Result] = queue.Queue()
        self._remote: Any = self._context.Queue()
        self._lock_file = LockFile.create()
        self._times = self._context.Array("d", BUCKETS, lock=False)
        slots = split(plan.options.concurrency, len(shares))
        self._plan, self._shares, self._slots = plan, shares, slots[0]
        self._runner: EntryRunner | None = None  # made after the fork: the workers get none of it
        self._processes = [
            self._context.Process(  # type: ignore[attr-defined]
                target=_worker,
                args=(
                    plan,
                    # Bytes, not objects: the worker unpickles its own compact copies and
                    # never touches (so never copies) the pages of this process's catalog.
                    pickle.dumps(list(share)),
                    count,
                    self._lock_file,
                    self._times,
                    self._remote,
                    os.getpid(),
                ),
                daemon=True,
                name=f"check-worker-{index}",
            )
            for index, (share, count) in enumerate(zip(shares[1:], slots[1:], strict=True), 1)
        ]
        self._pump = threading.Thread(target=self._relay, daemon=True, name="check-results")
        self._closed = threading.Event()

    def start(self) -> None:
        # Freeze before forking: a collection in this process would otherwise write to every
        # object the children share, and copy-on-write would duplicate them all. Fork before
        # this process starts its own threads (see _context).
        gc.freeze()
        for process in self._processes:
            process.start()
        self._pump.start()
        turns = SharedTurns(self._lock_file, self._times)
        self._runner = EntryRunner(self._plan, self._slots, turns)
        self._runner.start(self._shares[0], self.results.put)

    def alive(self) -> bool:
        """Whether more results may come (the relay lasts as long as any worker process)."""
        here = self._runner is not None and self._runner.alive()
        return here or self._pump.is_alive()

    def close(self, grace: float = 0.0) -> None:
        """Stop everything; worker processes get `grace` seconds to end on their own (after
        a complete run they are only flushing their last results)."""
        self._closed.set()
        if self._runner is not None:
            self._runner.close()
        deadline = time.monotonic() + grace
        for process in self._processes:
            process.join(timeout=max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.terminate()  # a worker dies of SIGTERM silently (see _become_worker)
        for process in self._processes:
            process.join(timeout=5)
        self._pump.join(timeout=5)
        self._remote.close()
        self._remote.cancel_join_thread()
        self._lock_file.close()

    def _relay(self) -> None:
        """Move the worker processes' results to `results` (unpickled here, off the caller),
        until every worker process has ended and all they sent has been moved."""
        try:
            while not self._closed.is_set():
                ended = not any(process.is_alive() for process in self._processes)
                try:
                    self.results.put(self._remote.get(timeout=RELAY_POLL))
                except queue.Empty:
                    if ended:
                        return
        except (EOFError, OSError):  # the queue was closed under us: the run is over
            return


def deal(lanes: Sequence[L], processes: int) -> list[list[L]]:
    """Hosts dealt whole to the processes, in the given order, each to the least loaded one.

    The first share is the calling process's, which also gathers the results, reports progress
    and saves checkpoints: its load counts as if it were 1 / CALLER_SHARE times larger.
    """
    shares: list[list[L]] = [[] for _ in range(processes)]
    loads = [0.0] * processes
    for lane in lanes:
        weighed = [load / CALLER_SHARE for load in loads[:1]] + loads[1:]
        chosen = weighed.index(min(weighed))
        shares[chosen].append(lane)
        loads[chosen] += len(lane)
    return shares


def split(total: int, parts: int) -> list[int]:
    """`total` request slots shared as evenly as possible, at least one each."""
    share, extra = divmod(total, parts)
    return [max(1, share + (index < extra)) for index in range(parts)]


def _context() -> BaseContext:
    method = "fork" if fork_is_safe() else "spawn"  # fork is cheap, but not always safe
    return multiprocessing.get_context(method)


def _worker(
    plan: Plan,
    jobs: bytes,
    concurrency: int,
    lock_file: LockFile,
    times: Any,
    results: Any,
    parent: int,
) -> None:
    """A worker process: check its entries with threads, then say Done."""
    _become_worker(parent)
    runner = EntryRunner(plan, concurrency, SharedTurns(lock_file, times))
    try:
        runner.start(pickle.loads(jobs), results.put)
        runner.join()
    finally:
        runner.close()
    results.put(Done())


def _become_worker(parent: int) -> None:
    """Leave signals to the parent, and never outlive it.

    Ctrl-C reaches the whole process group and a CI timeout the parent: the parent alone
    decides, saves what came back and ends its workers (SIGTERM, which must simply kill them,
    not run a handler inherited from the parent's CLI). When the parent dies without that
    (kill -9), the kernel kills the worker at once (Linux), or a watcher thread does within
    a fraction of a second (elsewhere).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not _die_with_parent():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # it died before the watch began
        os._exit(1)


def _die_with_parent() -> bool:
    """Ask Linux to SIGKILL this process when its parent ends; False where that is not on."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    os._exit(1)
