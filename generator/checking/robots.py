"""robots.txt, fetched once per origin per run and obeyed for every secondary probe.

RFC 9309: a 4xx robots.txt means "no rules" (crawl freely); a 5xx or a network failure means
"unreachable" (crawl nothing). The single visit to the entry URL does not consult it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from protego import Protego

from generator.checking.fetch import Fetcher, FetchFailure
from generator.checking.options import ROBOTS_AGENT
from generator.checking.transport import Capped

ROBOTS_LIMIT = 512 * 1024
ROBOTS_REDIRECTS = 5


@dataclass(frozen=True)
class RobotsRules:
    """The rules of one origin: parsed rules, or allow/deny everything."""

    parser: Protego | None
    allow_all: bool

    def allows(self, url: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return bool(self.parser.can_fetch(url, ROBOTS_AGENT))

    def sitemaps(self) -> list[str]:
        return list(self.parser.sitemaps) if self.parser is not None else []

    def crawl_delay(self) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(ROBOTS_AGENT)
        return float(delay) if delay is not None else None


ALLOW_ALL = RobotsRules(None, True)
DENY_ALL = RobotsRules(None, False)


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class RobotsCache:
    """robots.txt per origin for the run, fetched at most once each (even across lanes)."""

    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def rules(self, url: str) -> RobotsRules:
        key = origin(url)
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._rules:
                self._rules[key] = self._fetch(key)
                self._apply_crawl_delay(key, self._rules[key])
            return self._rules[key]

    def allows(self, url: str) -> bool:
        return self.rules(url).allows(url)

    def _apply_crawl_delay(self, key: str, rules: RobotsRules) -> None:
        delay = rules.crawl_delay()
        host = urlsplit(key).hostname
        if delay and host:
            self._fetcher.gate.slow_down(host, min(delay, self._fetcher.options.max_crawl_delay))

    def _fetch(self, key: str) -> RobotsRules:
        url = f"{key}/robots.txt"
        for _ in range(ROBOTS_REDIRECTS + 1):
            try:
                fetched = self._fetcher.get(url, reading=lambda _: Capped(ROBOTS_LIMIT))
            except FetchFailure:
                return DENY_ALL
            location = fetched.header("Location")
            if 300 <= fetched.status < 400 and location:
                url = urljoin(url, location)
                continue
            return _rules_for(fetched.status, fetched.body)
        return ALLOW_ALL  # RFC 9309: past the redirect limit, treat as unavailable


def _rules_for(status: int, body: bytes) -> RobotsRules:
    if 200 <= status < 300:
        text = body.decode("utf-8", errors="replace")
        try:
            return RobotsRules(Protego.parse(text), True)
        except (ValueError, TypeError):
            return ALLOW_ALL
    if status == 429 or status >= 500:
        return DENY_ALL
    return ALLOW_ALL
