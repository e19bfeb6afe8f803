"""Public activity APIs of community platforms.

* Discourse: `/latest.json` (topic dates), `/about.json` (post counts) and
  `/site/statistics.json`, which answers even when the forum requires a login.
* Khoros (Lithium): a LiQL query for the newest message's `post_time`.
* Vanilla: `/api/v2/discussions` sorted by last comment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from dateutil import parser as dateparser

from generator.checking.probing import Evidence, ProbeContext
from generator.outcomes import ActivitySource

KHOROS_QUERY = "SELECT post_time FROM messages ORDER BY post_time DESC LIMIT 1"
VANILLA_QUERY = "/api/v2/discussions?sort=-dateLastComment&limit=1"
COUNT_FIELDS = (
    "posts_last_day",
    "posts_7_days",
    "posts_30_days",
    "topics_last_day",
    "topics_7_days",
    "topics_30_days",
)
# Path segments where a forum's own routes begin: the install lives above them.
_ROUTES = frozenset(
    {
        "login",
        "latest",
        "categories",
        "c",
        "t",
        "top",
        "new",
        "session",
        "sso",
        "s",
        "t5",
        "u",
        "users",
        "search",
        "discussions",
        "discussion",
        "signin",
        "entry",
        "index.php",
    }
)
PLATFORM_ORDER: tuple[ActivitySource, ...] = ("discourse", "khoros", "vanilla")


def api_base(url: str) -> str:
    """The address a forum is installed at: the URL cut before its first route segment."""
    parts = urlsplit(url)
    kept: list[str] = []
    for segment in (part for part in parts.path.split("/") if part):
        if segment.lower() in _ROUTES:
            break
        kept.append(segment)
    path = "/" + "/".join(kept) if kept else ""
    return f"{parts.scheme}://{parts.netloc}{path}"


def platform_evidence(
    context: ProbeContext, platform: str, base: str, gated: bool
) -> Evidence | None:
    probe = _PROBES.get(platform)
    if probe is None:
        return None
    return context.evidence.get(f"{platform} {base} {gated}", lambda: probe(context, base, gated))


def _discourse(context: ProbeContext, base: str, gated: bool) -> Evidence | None:
    # A login-required forum answers only its statistics; don't spend requests on the rest.
    if not gated:
        found = _latest(context, base) or _counts(context, f"{base}/about.json", _about_stats)
        if found is not None:
            return found
    return _counts(context, f"{base}/site/statistics.json", lambda data: data)


def _latest(context: ProbeContext, base: str) -> Evidence | None:
    url = f"{base}/latest.json"
    data = context.fetch_json(url)
    topics = _dig(data, "topic_list", "topics")
    if not isinstance(topics, list):
        return None
    stamps = [_first(topic, "last_posted_at", "bumped_at", "created_at") for topic in topics]
    return _dated(context, "discourse", url, stamps)


def _about_stats(data: Any) -> Any:
    return _dig(data, "about", "stats")


def _counts(context: ProbeContext, url: str, pick: Callable[[Any], Any]) -> Evidence | None:
    stats = pick(context.fetch_json(url))
    if not isinstance(stats, Mapping):
        return None
    numbers = [value for key in COUNT_FIELDS if isinstance(value := stats.get(key), int)]
    recent = max(numbers, default=0)
    return Evidence("discourse", url, recent_posts=recent) if recent > 0 else None


def _khoros(context: ProbeContext, base: str, gated: bool) -> Evidence | None:
    url = f"{base}/api/2.0/search?q={quote(KHOROS_QUERY)}"
    items = _dig(context.fetch_json(url), "data", "items")
    if not isinstance(items, list):
        return None
    return _dated(context, "khoros", url, [_first(item, "post_time") for item in items])


def _vanilla(context: ProbeContext, base: str, gated: bool) -> Evidence | None:
    url = f"{base}{VANILLA_QUERY}"
    items = context.fetch_json(url)
    if not isinstance(items, list):
        return None
    stamps = [_first(item, "dateLastComment", "dateInserted") for item in items]
    return _dated(context, "vanilla", url, stamps)


_PROBES: dict[str, Callable[[ProbeContext, str, bool], Evidence | None]] = {
    "discourse": _discourse,
    "khoros": _khoros,
    "vanilla": _vanilla,
}


# --- helpers -------------------------------------------------------------------------------


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _first(item: Any, *keys: str) -> Any:
    if not isinstance(item, Mapping):
        return None
    return next((item[key] for key in keys if item.get(key)), None)


def _dated(
    context: ProbeContext, source: ActivitySource, url: str, stamps: list[Any]
) -> Evidence | None:
    days = [context.sane(parse_day(stamp)) for stamp in stamps]
    newest = max((day for day in days if day is not None), default=None)
    return Evidence(source, url, last_activity=newest) if newest else None


def parse_day(stamp: Any) -> dt.date | None:
    """An ISO 8601 timestamp as a UTC date (a date without zone is taken as UTC)."""
    if not isinstance(stamp, str) or not stamp.strip():
        return None
    try:
        moment = dateparser.isoparse(stamp.strip())
    except (ValueError, OverflowError):
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.date()
