"""Sitemap evidence: the newest `lastmod` of the pages under the community's address.

Sitemaps are found through robots.txt (`Sitemap:` lines), else at `/sitemap.xml`, and parsed by
ultimate-sitemap-parser through our own fetcher, so robots.txt, politeness and size limits
hold. Only a few child sitemaps of an index are read. A sitemap whose dates are all the same
(stamped when it was generated) proves nothing.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import logging
import zlib
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from urllib.parse import urlsplit

from usp.fetch_parse import SitemapFetcher
from usp.objects.sitemap import AbstractSitemap
from usp.web_client.abstract_client import (
    AbstractWebClient,
    AbstractWebClientResponse,
    AbstractWebClientSuccessResponse,
    WebClientErrorResponse,
)

from generator.checking.fetch import Fetched
from generator.checking.probing import Evidence, ProbeContext, SitemapPages, SitemapSummary
from generator.checking.robots import origin

SITEMAP_ACCEPT = "application/xml, text/xml;q=0.9, */*;q=0.5"
MAX_SITEMAPS = 2
MAX_CHILDREN = 3
_RECENT_HINTS = ("recent", "news", "weekly", "latest", "daily")
logging.getLogger("usp").addHandler(logging.NullHandler())
logging.getLogger("usp").propagate = False


def sitemap_evidence(context: ProbeContext, page_url: str) -> Evidence | None:
    listed = context.robots.rules(page_url).sitemaps()[:MAX_SITEMAPS]
    prefix = page_prefix(page_url)
    # Summarise a sitemap once for every community on its host; keep dates, not pages.
    wanted = context.prefixes.get(urlsplit(page_url).hostname or "", frozenset()) | {prefix}
    for sitemap_url in listed or [f"{origin(page_url)}/sitemap.xml"]:
        summary = context.sitemaps.get(
            sitemap_url, functools.partial(_summarise, context, sitemap_url, wanted)
        )
        if prefix not in summary:  # an address none of the entries had (after a redirect)
            summary = _summarise(context, sitemap_url, {prefix})
        if summary[prefix] is not None:
            return Evidence("sitemap", sitemap_url, last_activity=summary[prefix])
    return None


def page_prefix(page_url: str) -> str:
    """Pages count when they sit under the community's address (the whole site at a root)."""
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/")
    return f"{parts.netloc}{path}"


def _summarise(
    context: ProbeContext, sitemap_url: str, prefixes: AbstractSet[str]
) -> SitemapSummary:
    pages = sorted(
        (url, day)
        for url, raw in _read(context, sitemap_url)
        if (day := context.sane(raw)) is not None
    )
    urls = [url for url, _ in pages]
    summary: SitemapSummary = {}
    for prefix in prefixes:
        start, end = bisect.bisect_left(urls, prefix), bisect.bisect_left(urls, prefix + "\uffff")
        summary[prefix] = newest_lastmod(day for _, day in pages[start:end])
    return summary


def newest_lastmod(days: Iterable[dt.date]) -> dt.date | None:
    """The newest date, when the dates differ: one date everywhere is a generation stamp."""
    distinct = set(days)
    return max(distinct) if len(distinct) >= 2 else None


def _read(context: ProbeContext, url: str) -> SitemapPages:
    fetcher = SitemapFetcher(
        url=url,
        recursion_level=0,
        web_client=_Client(context),
        recurse_callback=lambda child, level, parents: level < 1,
        recurse_list_callback=lambda children, level, parents: _pick_children(children),
    )
    return _pages(fetcher.sitemap())


def _pick_children(children: list[str]) -> list[str]:
    hinted = [url for url in children if any(hint in url.lower() for hint in _RECENT_HINTS)]
    others = [url for url in children if url not in hinted]
    return (hinted + others)[:MAX_CHILDREN]


def _pages(sitemap: AbstractSitemap) -> SitemapPages:
    pages: list[tuple[str, dt.date]] = []
    for page in sitemap.all_pages():
        moment = page.last_modified
        if moment is None:
            continue
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC)
        parts = urlsplit(page.url)
        pages.append((f"{parts.netloc}{parts.path}", moment.date()))
    return tuple(pages)


class _Client(AbstractWebClient):
    """usp's web client, backed by the run's polite fetcher."""

    def __init__(self, context: ProbeContext) -> None:
        self._context = context

    def set_max_response_data_length(self, max_response_data_length: int | None) -> None:
        """Our fetcher has its own (smaller) cap."""

    def get(self, url: str) -> AbstractWebClientResponse:
        fetched = self._context.fetch(url, SITEMAP_ACCEPT, redirects=5)
        if fetched is None or fetched.status != 200:
            return WebClientErrorResponse(f"no sitemap at {url}", retryable=False)
        limit = self._context.fetcher.options.max_body
        return _Success(fetched, gunzip_capped(fetched.body, limit))


class _Success(AbstractWebClientSuccessResponse):
    def __init__(self, fetched: Fetched, data: bytes) -> None:
        self._fetched = fetched
        self._data = data

    def status_code(self) -> int:
        return self._fetched.status

    def status_message(self) -> str:
        return "OK"

    def header(self, case_insensitive_name: str) -> str | None:
        return self._fetched.headers.get(case_insensitive_name)

    def raw_data(self) -> bytes:
        return self._data

    def url(self) -> str:
        return self._fetched.url


def gunzip_capped(data: bytes, limit: int) -> bytes:
    """Unpack a .gz sitemap ourselves, stopping at `limit` bytes (a bomb stays small)."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        return zlib.decompressobj(wbits=47).decompress(data, limit)
    except zlib.error:
        return b""
