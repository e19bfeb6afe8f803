"""Archived copies of communities that are failing, dead or moved: the latest Wayback Machine
snapshot of the entry's address, through the availability API.

    GET https://archive.org/wayback/available?url=<entry url>
    {"url": "...", "archived_snapshots": {"closest": {"available": true, "status": "200",
     "url": "http://web.archive.org/web/20130919044612/http://example.com/",
     "timestamp": "20130919044612"}}}          # {} when there is no snapshot

The lookups run beside the run's visits, one after another with the run's politeness (the
API's host is a host like any other: one request at a time, the usual pause, retries with
backoff). A lookup is repeated only every RECHECK_DAYS, so a list with many dead entries asks
the archive about each of them once a month, not every night, and a run asks about at most
MAX_LOOKUPS_PER_RUN entries. The API is a service for
programs, not a page of the site being checked, so the site's robots.txt has no say in it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from generator.checking.fetch import Fetcher, FetchFailure
from generator.checking.hosts import HostGate
from generator.checking.network import Network, Resolver, Watchdog
from generator.checking.options import CheckOptions
from generator.state import CheckRecord, Learned

ARCHIVED_STANDINGS = frozenset({"failing", "dead", "moved"})
RECHECK_DAYS = 30
# One host, one request at a time with the usual pause: about a second per lookup. A night
# asks about at most this many entries (never-asked ones first, then the longest ago), so a
# list where hundreds of links died at once adds minutes to one night, not an hour.
MAX_LOOKUPS_PER_RUN = 120
# The lookups fill the run's own waiting; once its visits are done they get this much longer,
# and whatever is left is asked on a later night (never-asked entries first).
FINISH_GRACE_SECONDS = 30.0
_JSON = {"Accept": "application/json"}


@dataclass(frozen=True)
class Snapshot:
    """The latest archived copy; `url` None when the archive has none."""

    url: str | None = None
    day: dt.date | None = None


NO_SNAPSHOT = Snapshot()


def carried_over(previous: CheckRecord | None, url: str, link_status: str) -> Learned:
    """What an earlier lookup found, kept while the entry is still failing, dead or moved at
    the same address (a working link needs no archived copy)."""
    if previous is None or previous.url != url or link_status not in ARCHIVED_STANDINGS:
        return Learned()
    earlier = previous.learned
    return Learned(
        archive_url=earlier.archive_url,
        archive_date=earlier.archive_date,
        archive_checked=earlier.archive_checked,
    )


def due(record: CheckRecord, today: dt.date) -> bool:
    """Whether to ask the archive about this record now."""
    if record.link_status not in ARCHIVED_STANDINGS:
        return False
    checked = record.learned.archive_checked
    return checked is None or (today - checked).days >= RECHECK_DAYS


class ArchiveLookups:
    """Asks the archive on a thread of its own while the run goes on: the lookups wait on one
    host, and the run's other hosts need not wait for them.

    The run offers each record as it comes in; after the run, `finish` takes the records the
    run's end changed (a held-back strike that now counts) and waits a little for the last
    answers. Among the records waiting, the never-asked ones go first, then the longest ago."""

    def __init__(self, options: CheckOptions, today: dt.date, shards: int = 1) -> None:
        self._options = options
        self._today = today
        # N shard runs ask the one archive at once: each waits N pauses, so together they
        # ask no faster than one run would.
        self._spacing = options.delay * shards
        self._pending: dict[str, CheckRecord] = {}
        self._offered: set[str] = set()
        self._found: dict[str, Snapshot] = {}
        self._asked = 0
        self._closed = False
        self._abandoned = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._work, daemon=True, name="archive")
        self._wanted = self._started = False

    def start(self) -> None:
        # The thread itself starts with the first offer: a run forks its worker processes
        # first, and a process may only fork while it runs no other thread (forking.py).
        self._wanted = bool(self._options.archive_api)

    def offer(self, record: CheckRecord) -> None:
        if not due(record, self._today):
            return
        with self._changed:
            self._pending[record.slug] = record
            self._offered.add(record.slug)
            self._changed.notify()
            if self._wanted and not self._started:
                self._started = True
                self._thread.start()

    def finish(self, records: Sequence[CheckRecord]) -> list[CheckRecord]:
        """`records` (the run's final ones) with what the archive said about them."""
        for record in records:
            if record.slug not in self._offered:
                self.offer(record)
        with self._changed:
            self._closed = True
            self._changed.notify()
        if self._thread.is_alive():
            self._thread.join(FINISH_GRACE_SECONDS)
        self.abandon()
        found = dict(self._found)
        return [
            _with_snapshot(record, found[record.slug], self._today)
            for record in records
            if record.slug in found and record.link_status in ARCHIVED_STANDINGS
        ]

    def abandon(self) -> None:
        """Stop without waiting for the answers (the run failed or was interrupted)."""
        with self._changed:
            self._closed = self._abandoned = True
            self._changed.notify()

    def _next(self) -> CheckRecord | None:
        with self._changed:
            while not self._pending and not self._closed:
                self._changed.wait()
            if self._abandoned or not self._pending or self._asked >= MAX_LOOKUPS_PER_RUN:
                return None
            slug = min(self._pending.values(), key=_longest_ago).slug
            self._asked += 1
            return self._pending.pop(slug)

    def _work(self) -> None:
        fetcher = _fetcher(self._options, self._spacing)
        try:
            while (record := self._next()) is not None:
                try:
                    snapshot = latest_snapshot(fetcher, self._options.archive_api, record.url)
                except ArchiveUnavailable:
                    return  # the records keep what an earlier night found
                if snapshot is not None:
                    self._found[record.slug] = snapshot
        finally:
            fetcher.close()
            fetcher.network.watchdog.close()


class ArchiveUnavailable(Exception):
    """The API did not answer, or answered with an error: ask no more this run."""


def _longest_ago(record: CheckRecord) -> tuple[dt.date, str]:
    return (record.learned.archive_checked or dt.date.min, record.slug)


def _fetcher(options: CheckOptions, spacing: float) -> Fetcher:
    network = Network(Resolver(options.resolve), options.allow_private, Watchdog())
    return Fetcher(options, network, HostGate(spacing, 1, options.give_up_after))


def _with_snapshot(record: CheckRecord, snapshot: Snapshot, today: dt.date) -> CheckRecord:
    learned = dataclasses.replace(
        record.learned, archive_url=snapshot.url, archive_date=snapshot.day, archive_checked=today
    )
    return dataclasses.replace(record, learned=learned)


def latest_snapshot(fetcher: Fetcher, api: str, url: str) -> Snapshot | None:
    """The archive's latest copy of `url`, NO_SNAPSHOT, or None when the answer made no
    sense; raises ArchiveUnavailable when the API could not be reached or refused."""
    try:
        fetched = fetcher.get(f"{api}?url={quote(url, safe='')}", headers=_JSON)
    except FetchFailure as failure:
        raise ArchiveUnavailable(failure.detail) from None
    if fetched.status != 200:
        raise ArchiveUnavailable(f"HTTP {fetched.status}")
    if fetched.truncated:
        return None
    try:
        data = json.loads(fetched.body)
    except (ValueError, RecursionError):
        return None
    return parse_availability(data)


def parse_availability(data: Any) -> Snapshot | None:
    """Read the availability API's answer; None when it is not that shape."""
    if not isinstance(data, dict) or not isinstance(data.get("archived_snapshots"), dict):
        return None
    closest = data["archived_snapshots"].get("closest")
    if not isinstance(closest, dict) or closest.get("available") is not True:
        return NO_SNAPSHOT
    url, day = closest.get("url"), _day(closest.get("timestamp"))
    if not isinstance(url, str) or not _usable(url) or day is None:
        return NO_SNAPSHOT
    if not str(closest.get("status", "200")).startswith("2"):
        return NO_SNAPSHOT
    return Snapshot(_https(url), day)


def _usable(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https") and not any(c.isspace() for c in url)


def _https(url: str) -> str:
    # The API answers http:// addresses of web.archive.org, which serves them over https too.
    parts = urlsplit(url)
    if parts.scheme == "http" and parts.hostname == "web.archive.org":
        return "https" + url[4:]
    return url


def _day(timestamp: Any) -> dt.date | None:
    if not isinstance(timestamp, str) or len(timestamp) < 8 or not timestamp[:8].isdigit():
        return None
    try:
        return dt.date(int(timestamp[:4]), int(timestamp[4:6]), int(timestamp[6:8]))
    except ValueError:
        return None
