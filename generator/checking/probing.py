"""What every activity probe shares: robots-checked fetching, per-run memo, evidence type."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urljoin

from generator.checking.fetch import Fetched, Fetcher, FetchFailure
from generator.checking.robots import RobotsCache
from generator.checking.transport import Capped, Reading
from generator.outcomes import ActivitySource
from generator.state import FeedCache

T = TypeVar("T")
SitemapPages = tuple[tuple[str, dt.date], ...]
"""(page URL, lastmod date) pairs read from one sitemap (and a few of its children)."""
SitemapSummary = dict[str, "dt.date | None"]
"""Address prefix of a community → the newest trustworthy lastmod under it."""
EARLIEST = dt.date(1995, 1, 1)
# Clocks and time zones differ; a date up to a day ahead of ours is still "today".
FUTURE_SLACK = dt.timedelta(days=1)


@dataclass(frozen=True)
class Evidence:
    """Proof of life from one source: a date, or counts of recent posts."""

    source: ActivitySource
    url: str
    last_activity: dt.date | None = None
    recent_posts: int | None = None
    """Posts (or topics) within the last 30 days, when a platform gives counts only."""


class Memo(Generic[T]):
    """Compute each key once per run, even when lanes ask at the same time."""

    def __init__(self) -> None:
        self._values: dict[str, T] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: str, compute: Callable[[], T]) -> T:
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._values:
                self._values[key] = compute()
            return self._values[key]


@dataclass
class ProbeContext:
    """Shared by every entry of a run."""

    fetcher: Fetcher
    robots: RobotsCache
    today: dt.date
    feed_memory: Mapping[str, FeedCache] = field(default_factory=dict)
    evidence: Memo[Evidence | None] = field(default_factory=Memo)
    fresh_feeds: dict[str, FeedCache] = field(default_factory=dict)
    sitemaps: Memo[SitemapSummary] = field(default_factory=Memo)
    prefixes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Host → address prefixes of the communities on it (see sitemaps.page_prefix)."""
    volumes: Memo[Any] = field(default_factory=Memo)
    """Forum address → the counts its platform reports (volume.py)."""

    def sane(self, day: dt.date | None) -> dt.date | None:
        """The date if it can be evidence (not absurdly old, not in the future)."""
        if day is None or day < EARLIEST or day > self.today + FUTURE_SLACK:
            return None
        return min(day, self.today)

    def fetch(
        self,
        url: str,
        accept: str,
        *,
        redirects: int = 0,
        headers: Mapping[str, str] | None = None,
        reading: Callable[[int], Reading] = Capped,
    ) -> Fetched | None:
        """GET a probe URL if robots.txt allows, following a few redirects; 2xx/304 only."""
        for _ in range(redirects + 1):
            if not self.robots.allows(url):
                return None
            try:
                request = {"Accept": accept, **(headers or {})}
                fetched = self.fetcher.get(url, headers=request, reading=reading)
            except FetchFailure:
                return None
            location = fetched.header("Location")
            if 300 <= fetched.status < 400 and fetched.status != 304 and location:
                url = urljoin(url, location)
                continue
            return fetched if 200 <= fetched.status < 300 or fetched.status == 304 else None
        return None

    def fetch_json(self, url: str) -> Any:
        """A platform API's JSON answer, or None when it did not answer 200 with JSON."""
        fetched = self.fetch(url, "application/json")
        if fetched is None or fetched.status != 200:
            return None
        try:
            return json.loads(fetched.body)
        except (ValueError, RecursionError):  # deep nesting is a hostile answer, not a crash
            return None
