"""A whole check run: every entry's link and activity, the state kept up to date as it goes.

Entries are grouped by host name, the hosts put in order, and the entries dealt out as every
host's first entry, then every host's second, ... (see workers.py for who checks them).
Results flow back to the calling thread, which alone updates the state, reports progress and
saves checkpoints; if the run is interrupted, what was checked so far is kept.

Whether the run was conclusive (verdict.py) is known only at its end, so checkpoints hold back
the strikes of network failures (their entries keep their standing) until then; an
inconclusive run keeps every standing.
"""

from __future__ import annotations

import datetime as dt
import queue
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.catalog.models import Entry, PlatformTerm
from generator.catalog.validation import Catalog, load_catalog
from generator.checking.activity import Thresholds
from generator.checking.archive import ArchiveLookups
from generator.checking.dispatch import Job, host_of
from generator.checking.history import kept_standing
from generator.checking.memory import few_malloc_arenas
from generator.checking.options import CheckOptions
from generator.checking.report import report_json, summary_markdown, write_text
from generator.checking.sitemaps import page_prefix
from generator.checking.statefile import save_state
from generator.checking.verdict import Verdict, judge_run
from generator.checking.workers import (
    Crash,
    EntryRunner,
    Lane,
    Plan,
    ProcessPool,
    Result,
    deal,
    process_count,
)
from generator.errors import CheckError
from generator.outcomes import NETWORK_OUTCOMES
from generator.sharding import Shard
from generator.state import (
    CheckRecord,
    CheckState,
    FeedCache,
    RecordTexts,
    RunNote,
    default_state_path,
    read_state,
)

POLL_SECONDS = 0.2
# Seconds a worker process gets to end by itself after a complete run.
WORKER_GRACE = 5.0


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
    verdict: Verdict = field(default_factory=lambda: Verdict(0, 0))
    problems: tuple[str, ...] = ()
    """Records of the state file that could not be read (kept as they were)."""

    @property
    def inconclusive(self) -> bool:
        return self.verdict.inconclusive


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
    shard: Shard | None = None,
) -> CheckRun:
    """Check the entries under `data_dir` (all, or those in `only`; with `shard`, only those
    on the shard's hosts) and update the state."""
    few_malloc_arenas()
    catalog = load_catalog(data_dir)
    entries = [
        e for e in select_entries(catalog, only) if not shard or shard.holds(e.community.url)
    ]
    path = state_path or default_state_path(data_dir)
    previous = read_state(path)
    started = (clock or _now)()
    run = _Run(catalog, options or CheckOptions(), previous, path, started, on_progress)
    run.shard = (shard.index, shard.count) if shard else None
    run.archive = ArchiveLookups(run.options, started.date(), shard.count if shard else 1)
    if not only:
        run.forget_all_but({entry.slug for entry in catalog.entries})
    run.archive.start()
    try:
        records, verdict = run.execute(entries)
    except BaseException:
        run.archive.abandon()
        raise
    records = run.revised(records, run.archive.finish(records))
    finished = (clock or _now)()
    if report_path is not None:
        write_text(report_path, report_json(records, finished, verdict), "report")
    if summary_path is not None:
        summary = summary_markdown(records, started, finished, verdict)
        write_text(summary_path, summary, "summary")
    return CheckRun(
        tuple(records),
        started,
        finished,
        path,
        report_path,
        summary_path,
        verdict,
        previous.problems,
    )


def shifted_clock(now: dt.datetime) -> Callable[[], dt.datetime]:
    """A clock that starts at `now` (`check --now`) and runs at the real pace."""
    offset = now - _now()
    return lambda: _now() + offset


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


class _Run:
    """The calling thread's side of a run: entries out, records in, state saved."""

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
        self.unreadable = dict(previous.unreadable)
        self.fresh: dict[str, CheckRecord] = {}
        """This run's records as checked, strikes and all (`records` holds back some)."""
        self.last_run = previous.last_run
        self.texts: RecordTexts = {}
        self.state_path = state_path
        self.started = started
        self.on_progress = on_progress
        self.shard: tuple[int, int] | None = None
        self.archive = ArchiveLookups(options, started.date())

    def forget_all_but(self, slugs: set[str]) -> None:
        """Drop the records of entries that no longer exist."""
        self.records = {slug: r for slug, r in self.records.items() if slug in slugs}
        self.unreadable = {slug: r for slug, r in self.unreadable.items() if slug in slugs}

    def execute(self, entries: Sequence[Entry]) -> tuple[list[CheckRecord], Verdict]:
        lanes = self._lanes(entries)
        plan = self._plan(entries)
        processes = process_count(self.options, len(lanes))
        complete = False
        try:
            if processes == 1:
                self._in_threads(plan, lanes, len(entries))
            else:
                self._in_processes(plan, lanes, len(entries), processes)
            complete = True
        finally:
            verdict = self._conclude(complete)
            self._save()
        checked = [self.records[slug] for slug in sorted(self.fresh)]
        return checked, verdict

    def revised(
        self, records: list[CheckRecord], revisions: list[CheckRecord]
    ) -> list[CheckRecord]:
        """The run's records with some replaced by later findings (archived copies), saved."""
        if not revisions:
            return records
        by_slug = {record.slug: record for record in revisions}
        self.records.update(by_slug)
        self._save()
        return [by_slug.get(record.slug, record) for record in records]

    def _conclude(self, complete: bool) -> Verdict:
        """Settle the strikes held back during the run, or keep every standing."""
        verdict = judge_run(self.fresh.values())
        if verdict.inconclusive:
            for slug, record in self.fresh.items():
                self.records[slug] = kept_standing(self.previous.get(slug), record)
        elif complete or verdict.settled:
            self.records.update(self.fresh)
        if complete:
            self.last_run = RunNote(self.started, verdict.inconclusive, verdict.reason)
        return verdict

    def _in_threads(self, plan: Plan, lanes: list[Lane], total: int) -> None:
        runner = EntryRunner(plan, self.options.concurrency)
        results: queue.Queue[Result] = queue.Queue()
        runner.start(self._order(lanes), results.put)
        try:
            self._collect(total, results, runner.alive)
        finally:
            runner.close()

    def _in_processes(self, plan: Plan, lanes: list[Lane], total: int, processes: int) -> None:
        pool = ProcessPool(plan, [self._order(share) for share in deal(lanes, processes)])
        grace = 0.0
        try:
            pool.start()
            self._collect(total, pool.results, pool.alive)
            grace = WORKER_GRACE  # they are only flushing their last words now
        finally:
            pool.close(grace)

    def _plan(self, entries: Sequence[Entry]) -> Plan:
        options = self.options
        return Plan(
            options=options,
            started=self.started,
            previous={e.slug: r for e in entries if (r := self.previous.get(e.slug))},
            platform_apis={entry.slug: self._platform_api(entry) for entry in entries},
            feed_memory=_feed_memory(self.previous.values()),
            prefixes=_host_prefixes(entries),
            thresholds=Thresholds(options.active_days, options.dormant_days),
        )

    def _collect(self, total: int, results: Any, alive: Callable[[], bool]) -> None:
        outcomes: Counter[str] = Counter()
        saved_at = time.monotonic()
        while len(self.fresh) < total:
            # Asked before waiting: whatever a sender put before it ended is then in the
            # queue, so an empty wait after "not alive" really means nothing more will come.
            may_send = alive()
            try:
                item = results.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not may_send:
                    raise CheckError("the check stopped before every entry was checked") from None
                continue
            if isinstance(item, Crash):
                raise CheckError(f"internal error while checking {item.slug}: {item.error}")
            if isinstance(item, CheckRecord):
                self._received(item, total, outcomes)
                if time.monotonic() - saved_at >= self.options.checkpoint_seconds:
                    self._save()
                    saved_at = time.monotonic()

    def _received(self, record: CheckRecord, total: int, outcomes: Counter[str]) -> None:
        self.fresh[record.slug] = record
        self.unreadable.pop(record.slug, None)  # replaced by a record that can be read
        held = record.outcome in NETWORK_OUTCOMES
        previous = self.previous.get(record.slug)
        self.records[record.slug] = kept_standing(previous, record) if held else record
        self.archive.offer(self.records[record.slug])
        outcomes[record.outcome] += 1
        if self.on_progress is not None:
            self.on_progress(Progress(len(self.fresh), total, dict(outcomes), record))

    def _save(self) -> None:
        options = self.options
        state = CheckState(
            self.records,
            options.active_days,
            options.dormant_days,
            self.shard,
            last_run=self.last_run,
            unreadable=self.unreadable,
        )
        save_state(self.state_path, state, self.texts)

    def _order(self, lanes: Sequence[Lane]) -> list[Job]:
        """Least recently checked first (an interrupted run carries on where it stopped), then
        round by round over the hosts in their order."""
        rank = {
            entry.slug: (index, host)
            for host, lane in enumerate(lanes)
            for index, entry in enumerate(lane)
        }
        everything = [entry for lane in lanes for entry in lane]
        ordered = sorted(everything, key=lambda e: (self._last_checked(e), *rank[e.slug]))
        return [_job(entry) for entry in ordered]

    def _lanes(self, entries: Sequence[Entry]) -> list[Lane]:
        """Entries by host; least recently checked first, then slow hosts, then busy hosts."""
        lanes: dict[str, Lane] = {}
        for entry in sorted(entries, key=lambda entry: (self._last_checked(entry), entry.slug)):
            lanes.setdefault(host_of(entry.community.url), []).append(entry)
        return sorted(lanes.values(), key=self._lane_priority)

    def _last_checked(self, entry: Entry) -> dt.datetime:
        record = self.previous.get(entry.slug)
        return record.checked_at if record else dt.datetime.min.replace(tzinfo=dt.UTC)

    def _lane_priority(self, lane: Lane) -> tuple[dt.datetime, bool, int, str]:
        previous = [self.previous.get(entry.slug) for entry in lane]
        slow = any(record is not None and record.outcome == "timeout" for record in previous)
        return (self._last_checked(lane[0]), not slow, -len(lane), lane[0].slug)

    def _platform_api(self, entry: Entry) -> str | None:
        platform = entry.community.platform
        term = self.catalog.vocabularies.get("platforms").get(platform or "")
        return term.activity_api if isinstance(term, PlatformTerm) else None


def _job(entry: Entry) -> Job:
    community = entry.community
    return Job(entry.slug, community.url, tuple(community.feeds))


def _host_prefixes(entries: Sequence[Entry]) -> dict[str, frozenset[str]]:
    prefixes: dict[str, set[str]] = {}
    for entry in entries:
        host = urlsplit(entry.community.url).hostname or ""
        prefixes.setdefault(host, set()).add(page_prefix(entry.community.url))
    return {host: frozenset(found) for host, found in prefixes.items()}


def _feed_memory(records: Iterable[CheckRecord]) -> dict[str, FeedCache]:
    return {url: cache for record in records for url, cache in record.feeds.items()}
