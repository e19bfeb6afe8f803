"""A whole check run: every entry's link and activity, the state kept up to date as it goes.

Entries are grouped into lanes, one per host name, so a host is visited by one thread at a time
and its pauses cost no other host anything; `--concurrency` bounds the requests in flight over
all lanes. Results flow back to the calling thread, which alone updates the state, reports
progress and saves checkpoints; if the run is interrupted, what was checked is kept.
"""

from __future__ import annotations

import datetime as dt
import math
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from generator.checking.activity import Subject, Thresholds, find_activity
from generator.checking.domains import offsite
from generator.checking.fetch import Fetcher
from generator.checking.history import advance
from generator.checking.hosts import HostGate
from generator.checking.links import visit
from generator.checking.network import Network, Resolver, Watchdog
from generator.checking.options import CheckOptions
from generator.checking.probing import ProbeContext
from generator.checking.report import report_json, summary_markdown, write_text
from generator.checking.robots import RobotsCache
from generator.checking.sitemaps import page_prefix
from generator.checking.statefile import save_state
from generator.errors import CheckError
from generator.models import Entry, PlatformTerm
from generator.state import (
    CheckRecord,
    CheckState,
    FeedCache,
    RecordTexts,
    default_state_path,
    read_state,
)
from generator.validation import Catalog, load_catalog

# Lanes spend most of their time in a host's pause, not holding a request slot: enough of
# them keep every slot busy when a typical answer takes about TYPICAL_ANSWER seconds.
TYPICAL_ANSWER = 0.25
MAX_LANES = 1024
POLL_SECONDS = 0.2


@dataclass(frozen=True)
class Progress:
    """Sent after each checked entry."""

    done: int
    total: int
    outcomes: Mapping[str, int]
    latest: CheckRecord


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class CheckRun:
    """What a completed run checked and where it wrote."""

    records: tuple[CheckRecord, ...]
    started_at: dt.datetime
    finished_at: dt.datetime
    state_path: Path
    report_path: Path | None
    summary_path: Path | None


class UnknownSlugError(CheckError):
    """`--only` named a slug that is not an entry (a usage error)."""

    def __init__(self, slugs: Sequence[str]) -> None:
        self.slugs = list(slugs)
        super().__init__(f"no entry with slug {', '.join(map(repr, slugs))}")


def check_communities(
    data_dir: Path,
    *,
    state_path: Path | None = None,
    only: Sequence[str] = (),
    options: CheckOptions | None = None,
    report_path: Path | None = None,
    summary_path: Path | None = None,
    on_progress: ProgressCallback | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> CheckRun:
    """Check the entries under `data_dir` (all, or those in `only`) and update the state."""
    catalog = load_catalog(data_dir)
    entries = select_entries(catalog, only)
    path = state_path or default_state_path(data_dir)
    previous = read_state(path)
    started = (clock or _now)()
    run = _Run(catalog, options or CheckOptions(), previous, path, started, on_progress)
    if not only:
        run.forget_all_but({entry.slug for entry in catalog.entries})
    records = run.execute(entries)
    finished = (clock or _now)()
    if report_path is not None:
        write_text(report_path, report_json(records, finished), "report")
    if summary_path is not None:
        write_text(summary_path, summary_markdown(records, started, finished), "summary")
    return CheckRun(tuple(records), started, finished, path, report_path, summary_path)


def select_entries(catalog: Catalog, only: Sequence[str]) -> list[Entry]:
    if not only:
        return list(catalog.entries)
    by_slug = catalog.by_slug()
    unknown = [slug for slug in only if slug not in by_slug]
    if unknown:
        raise UnknownSlugError(unknown)
    return [by_slug[slug] for slug in sorted(set(only))]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class _Crash:
    """An unexpected error in a lane, carried to the calling thread."""

    def __init__(self, slug: str, error: Exception) -> None:
        self.slug = slug
        self.error = error


class _Run:
    def __init__(
        self,
        catalog: Catalog,
        options: CheckOptions,
        previous: CheckState,
        state_path: Path,
        started: dt.datetime,
        on_progress: ProgressCallback | None,
    ) -> None:
        self.catalog = catalog
        self.options = options
        self.previous = dict(previous.records)
        self.records = dict(previous.records)
        self.texts: RecordTexts = {}
        self.state_path = state_path
        self.started = started
        self.today = started.astimezone(dt.UTC).date()
        self.on_progress = on_progress
        self.thresholds = Thresholds(options.active_days, options.dormant_days)
        network = Network(Resolver(options.resolve), options.allow_private, Watchdog())
        gate = HostGate(options.delay, options.concurrency, options.give_up_after)
        self.fetcher = Fetcher(options, network, gate)
        self.probes = ProbeContext(
            self.fetcher, RobotsCache(self.fetcher), self.today, _feed_memory(previous)
        )

    def forget_all_but(self, slugs: set[str]) -> None:
        """Drop the records of entries that no longer exist."""
        self.records = {slug: r for slug, r in self.records.items() if slug in slugs}

    # --- the calling thread ----------------------------------------------------------------

    def execute(self, entries: Sequence[Entry]) -> list[CheckRecord]:
        lanes: queue.Queue[list[Entry]] = queue.Queue()
        for lane in self._lanes(entries):
            lanes.put(lane)
        results: queue.Queue[CheckRecord | _Crash] = queue.Queue()
        stop = threading.Event()
        self.probes.prefixes = _host_prefixes(entries)
        per_slot = max(2, 1 + math.ceil(self.options.delay / TYPICAL_ANSWER))
        count = min(lanes.qsize(), self.options.concurrency * per_slot, MAX_LANES)
        workers = [
            threading.Thread(target=self._work, args=(lanes, results, stop), daemon=True,
                             name=f"lane-{index}")
            for index in range(count)
        ]
        for worker in workers:
            worker.start()
        try:
            checked = self._collect(len(entries), results, workers)
        finally:
            stop.set()
            self._save()
            self.fetcher.close()
            self.fetcher.network.watchdog.close()
        return sorted(checked, key=lambda record: record.slug)

    def _collect(
        self,
        total: int,
        results: queue.Queue[CheckRecord | _Crash],
        workers: list[threading.Thread],
    ) -> list[CheckRecord]:
        checked: list[CheckRecord] = []
        outcomes: Counter[str] = Counter()
        saved_at = time.monotonic()
        while len(checked) < total:
            try:
                item = results.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not any(worker.is_alive() for worker in workers) and results.empty():
                    raise CheckError("the check stopped before every entry was checked") from None
                continue
            if isinstance(item, _Crash):
                raise CheckError(f"internal error while checking {item.slug}: {item.error!r}")
            checked.append(item)
            self.records[item.slug] = item
            outcomes[item.outcome] += 1
            if self.on_progress is not None:
                self.on_progress(Progress(len(checked), total, dict(outcomes), item))
            if time.monotonic() - saved_at >= self.options.checkpoint_seconds:
                self._save()
                saved_at = time.monotonic()
        return checked

    def _save(self) -> None:
        state = CheckState(self.records, self.options.active_days, self.options.dormant_days)
        save_state(self.state_path, state, self.texts)

    def _lanes(self, entries: Sequence[Entry]) -> list[list[Entry]]:
        """One lane per host; least recently checked first, then slow hosts, then big lanes."""
        lanes: dict[str, list[Entry]] = {}
        for entry in sorted(entries, key=lambda entry: (self._last_checked(entry), entry.slug)):
            host = (urlsplit(entry.community.url).hostname or "").lower()
            lanes.setdefault(host, []).append(entry)
        return sorted(lanes.values(), key=self._lane_priority)

    def _last_checked(self, entry: Entry) -> dt.datetime:
        record = self.previous.get(entry.slug)
        return record.checked_at if record else dt.datetime.min.replace(tzinfo=dt.UTC)

    def _lane_priority(self, lane: list[Entry]) -> tuple[dt.datetime, bool, int, str]:
        previous = [self.previous.get(entry.slug) for entry in lane]
        slow = any(record is not None and record.outcome == "timeout" for record in previous)
        return (self._last_checked(lane[0]), not slow, -len(lane), lane[0].slug)

    # --- lane threads ----------------------------------------------------------------------

    def _work(
        self,
        lanes: queue.Queue[list[Entry]],
        results: queue.Queue[CheckRecord | _Crash],
        stop: threading.Event,
    ) -> None:
        while not stop.is_set():
            try:
                lane = lanes.get_nowait()
            except queue.Empty:
                return
            try:
                self._check_lane(lane, results, stop)
            finally:
                self.fetcher.release_session()

    def _check_lane(
        self,
        lane: list[Entry],
        results: queue.Queue[CheckRecord | _Crash],
        stop: threading.Event,
    ) -> None:
        for entry in lane:
            if stop.is_set():
                return
            try:
                results.put(self.check_entry(entry))
            except Exception as error:  # a bug must reach the caller, not kill a thread quietly
                results.put(_Crash(entry.slug, error))
                return

    def check_entry(self, entry: Entry) -> CheckRecord:
        community = entry.community
        link = visit(self.fetcher, community.url)
        subject = Subject(community.url, community.feeds, self._platform_api(entry), link)
        activity = find_activity(self.probes, subject, self.thresholds)
        standing = advance(self.previous.get(entry.slug), community.url, link.outcome,
                           self.today, self.options.dead_after)
        return CheckRecord(
            slug=entry.slug,
            url=community.url,
            checked_at=self.started,
            outcome=link.outcome,
            link_status=standing.link_status,
            http_status=link.http_status,
            final_url=link.final_url,
            offsite=offsite(community.url, link.final_url),
            last_activity=activity.last_activity,
            activity_source=activity.source,
            activity=activity.activity,
            activity_url=activity.url,
            recent_posts=activity.recent_posts,
            detail=link.detail,
            failing_runs=standing.failing_runs,
            failing_since=standing.failing_since,
            history=standing.history,
            feeds=self._feeds_used(community.feeds, link.page.feeds),
        )

    def _platform_api(self, entry: Entry) -> str | None:
        platform = entry.community.platform
        term = self.catalog.vocabularies.get("platforms").get(platform or "")
        return term.activity_api if isinstance(term, PlatformTerm) else None

    def _feeds_used(self, *groups: Sequence[str]) -> dict[str, FeedCache]:
        fresh = self.probes.fresh_feeds
        return {url: fresh[url] for group in groups for url in group if url in fresh}


def _host_prefixes(entries: Sequence[Entry]) -> dict[str, frozenset[str]]:
    prefixes: dict[str, set[str]] = {}
    for entry in entries:
        host = urlsplit(entry.community.url).hostname or ""
        prefixes.setdefault(host, set()).add(page_prefix(entry.community.url))
    return {host: frozenset(found) for host, found in prefixes.items()}


def _feed_memory(state: CheckState) -> dict[str, FeedCache]:
    return {url: cache for record in state.records.values() for url, cache in record.feeds.items()}
