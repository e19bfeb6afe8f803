"""Archived copies of communities that are failing, dead or moved: the latest Wayback Machine
snapshot of the entry's address, through the availability API.

    GET https://archive.org/wayback/available?url=<entry url>
    {"url": "...", "archived_snapshots": {"closest": {"available": true, "status": "200",
     "url": "http://web.archive.org/web/20130919044612/http://example.com/",
     "timestamp": "20130919044612"}}}          # {} when there is no snapshot

The lookups come after the run's visits, one after another through the run's own politeness
(the API's host is a host like any other: one request at a time, the usual pause, retries with
backoff). A lookup is repeated only every RECHECK_DAYS, so a list with many dead entries asks
the archive about each of them once a month, not every night, and a run asks about at most
MAX_LOOKUPS_PER_RUN entries. The API is a service for
programs, not a page of the site being checked, so the site's robots.txt has no say in it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Sequence
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


def look_up_archives(
    records: Sequence[CheckRecord], options: CheckOptions, today: dt.date
) -> list[CheckRecord]:
    """The records that were due, with what the archive said (unchanged when it failed)."""
    wanted = sorted((r for r in records if due(r, today)), key=_longest_ago)[:MAX_LOOKUPS_PER_RUN]
    if not options.archive_api or not wanted:
        return []
    fetcher = _fetcher(options)
    try:
        return list(_updated(fetcher, options.archive_api, wanted, today))
    finally:
        fetcher.close()
        fetcher.network.watchdog.close()


class ArchiveUnavailable(Exception):
    """The API did not answer, or answered with an error: ask no more this run."""


def _updated(
    fetcher: Fetcher, api: str, records: Iterable[CheckRecord], today: dt.date
) -> Iterable[CheckRecord]:
    for record in records:
        try:
            snapshot = latest_snapshot(fetcher, api, record.url)
        except ArchiveUnavailable:
            return  # the records keep what an earlier night found; the next run asks again
        if snapshot is not None:
            yield _with_snapshot(record, snapshot, today)


def _longest_ago(record: CheckRecord) -> tuple[dt.date, str]:
    return (record.learned.archive_checked or dt.date.min, record.slug)


def _fetcher(options: CheckOptions) -> Fetcher:
    network = Network(Resolver(options.resolve), options.allow_private, Watchdog())
    return Fetcher(options, network, HostGate(options.delay, 1, options.give_up_after))


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
