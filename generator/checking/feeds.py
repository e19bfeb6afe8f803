"""RSS/Atom evidence: the newest item date of a feed, read with feedparser.

Feeds are fetched conditionally: a 304 to our If-None-Match / If-Modified-Since means the feed
is unchanged, so the date it gave last time still stands and no body is sent.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import time
from collections.abc import Iterable

import feedparser

from generator.checking.fetch import Fetched
from generator.checking.memory import PARSING
from generator.checking.probing import Evidence, ProbeContext
from generator.state import FeedCache

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
FEED_REDIRECTS = 5


def feed_evidence(context: ProbeContext, urls: Iterable[str]) -> Evidence | None:
    """The newest date over the given feeds (each fetched at most once per run)."""
    found = [e for url in urls if (e := feed_date(context, url)) is not None]
    if not found:
        return None
    return max(found, key=lambda evidence: evidence.last_activity or dt.date.min)


def feed_date(context: ProbeContext, url: str) -> Evidence | None:
    return context.evidence.get(f"feed {url}", lambda: _probe(context, url))


def _probe(context: ProbeContext, url: str) -> Evidence | None:
    memory = context.feed_memory.get(url)
    fetched = context.fetch(
        url, FEED_ACCEPT, redirects=FEED_REDIRECTS, headers=_conditional(memory)
    )
    if fetched is None:
        return None
    if fetched.status == 304:
        day = context.sane(memory.last_activity) if memory else None
        if memory is not None:
            context.fresh_feeds[url] = memory
    else:
        dates = [context.sane(day) for day in entry_dates(fetched.body)]
        day = max((day for day in dates if day is not None), default=None)
        if fetched.header("ETag") or fetched.header("Last-Modified"):
            context.fresh_feeds[url] = _remember(fetched, day)
    return Evidence("feed", url, last_activity=day) if day else None


def _conditional(memory: FeedCache | None) -> dict[str, str]:
    if memory is None or memory.last_activity is None:
        return {}
    headers = {}
    if memory.etag:
        headers["If-None-Match"] = memory.etag
    if memory.last_modified:
        headers["If-Modified-Since"] = memory.last_modified
    return headers


def _remember(fetched: Fetched, day: dt.date | None) -> FeedCache:
    etag = fetched.header("ETag") or None
    modified = fetched.header("Last-Modified") or None
    return FeedCache(etag, modified, day)


def entry_dates(body: bytes) -> list[dt.date]:
    """Each item's `updated` (else `published`) date, in UTC; undated items are skipped."""
    with PARSING:
        parsed = feedparser.parse(
            io.BytesIO(body), sanitize_html=False, resolve_relative_uris=False
        )
    # Plain dict lookups: FeedParserDict's own `get` maps the two keys onto each other.
    days = [
        _day(dict.get(entry, "updated_parsed") or dict.get(entry, "published_parsed"))
        for entry in parsed.entries
    ]
    return [day for day in days if day is not None]


def _day(value: object) -> dt.date | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        stamp = calendar.timegm(value)
        return dt.datetime.fromtimestamp(stamp, dt.UTC).date()
    except (OverflowError, ValueError, OSError):
        return None
