"""Sitemap evidence: the newest `lastmod` of the pages under the community's address.

Sitemaps are found through robots.txt (`Sitemap:` lines), else at `/sitemap.xml`, and parsed by
ultimate-sitemap-parser through our own fetcher, so robots.txt, politeness and size limits
hold. Only a few child sitemaps of an index are read. A sitemap whose dates are all the same
(stamped when it was generated) proves nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import zlib
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
from generator.checking.probing import Evidence, ProbeContext, SitemapPages
from generator.checking.robots import origin

SITEMAP_ACCEPT = "application/xml, text/xml;q=0.9, */*;q=0.5"
MAX_SITEMAPS = 2
MAX_CHILDREN = 3
_RECENT_HINTS = ("recent", "news", "weekly", "latest", "daily")
logging.getLogger("usp").addHandler(logging.NullHandler())
logging.getLogger("usp").propagate = False


def sitemap_evidence(context: ProbeContext, page_url: str) -> Evidence | None:
    listed = context.robots.rules(page_url).sitemaps()[:MAX_SITEMAPS]
    prefix = _prefix(page_url)
    for sitemap_url in listed or [f"{origin(page_url)}/sitemap.xml"]:
        pages = context.sitemaps.get(sitemap_url, functools.partial(_read, context, sitemap_url))
        day = newest_lastmod(context, pages, prefix)
        if day is not None:
            return Evidence("sitemap", sitemap_url, last_activity=day)
    return None


def newest_lastmod(context: ProbeContext, pages: SitemapPages, prefix: str) -> dt.date | None:
    days = {context.sane(day) for url, day in pages if url.startswith(prefix)}
    days.discard(None)
    if len(days) < 2:
        return None
    return max(day for day in days if day is not None)


def _prefix(page_url: str) -> str:
    """Pages count when they sit under the community's address (the whole site at a root)."""
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/")
    return f"{parts.netloc}{path}"


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
