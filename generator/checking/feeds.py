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
from email.utils import parsedate_to_datetime

import feedparser

from generator.checking.feedreading import FeedReading
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
        url,
        FEED_ACCEPT,
        redirects=FEED_REDIRECTS,
        headers=_conditional(memory),
        reading=FeedReading,
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
    """Each item's newest date (UTC) over every date element it carries; undated items are
    skipped."""
    with PARSING:
        parsed = feedparser.parse(
            io.BytesIO(body), sanitize_html=False, resolve_relative_uris=False
        )
    days = [max(item_days, default=None) for item_days in map(_item_days, parsed.entries)]
    return [day for day in days if day is not None]


def _item_days(entry: dict[str, object]) -> list[dt.date]:
    """Every date an item carries. feedparser parses Atom/RSS `updated`, `published` (also
    `pubDate`, `issued`, `dc:date`, `dcterms:modified`, `dcterms:issued`) and
    `dcterms:created`; other Dublin Core dates (`dc:created`, `dcterms:available`, ...) it
    leaves as text. Plain dict access: FeedParserDict's own `get` maps keys onto each other.
    """
    parsed = [_day(dict.get(entry, key)) for key in PARSED_DATE_KEYS]
    texts = [_text_day(value) for key, value in dict.items(entry) if _dublin_core_date(key)]
    return [day for day in parsed + texts if day is not None]


PARSED_DATE_KEYS = ("updated_parsed", "published_parsed", "created_parsed")
_DUBLIN_CORE_DATES = frozenset(
    {"date", "created", "modified", "issued", "available", "datesubmitted", "dateaccepted"}
)


def _dublin_core_date(key: str) -> bool:
    prefix, _, name = key.partition("_")
    return prefix in ("dc", "dcterms") and name in _DUBLIN_CORE_DATES


def _text_day(value: object) -> dt.date | None:
    """A W3C-DTF (ISO 8601) date, as Dublin Core asks, or an RFC 822 one, as RSS writes."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        moment = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(dt.UTC).date()


def _day(value: object) -> dt.date | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        stamp = calendar.timegm(value)
        return dt.datetime.fromtimestamp(stamp, dt.UTC).date()
    except (OverflowError, ValueError, OSError):
        return None
