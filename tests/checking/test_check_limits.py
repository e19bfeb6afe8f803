"""Bounded reads and deadlines: huge bodies, gzip bombs and trickling hosts cannot hurt."""

from __future__ import annotations

import functools
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from checker_support import make_context, make_fetcher, quick
from loopback_web import Reply, Web, html

from generator.checking import pages
from generator.checking.links import visit
from generator.checking.memory import PARSERS
from generator.checking.sitemaps import gunzip_capped, sitemap_evidence

T = TypeVar("T")
MB = 1024 * 1024


@functools.cache
def gzip_bomb(megabytes: int) -> bytes:
    """`megabytes` of zeros, gzip-compressed to about a thousandth of that."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * MB
    return b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()


def peak_memory(action: Callable[[], T]) -> tuple[T, int]:
    tracemalloc.start()
    try:
        result = action()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_huge_body_is_cut_at_the_cap(web: Web) -> None:
    body = html("Big", body="x" * (40 * MB)).encode()  # bytes: the server sends it uncopied
    site = web.host().route("/", Reply(200, body))
    fetcher = make_fetcher(quick(max_body=256 * 1024))
    result, peak = peak_memory(lambda: visit(fetcher, site.url()))
    assert (result.outcome, result.page.title) == ("ok", "Big")
    assert peak < 8 * MB
    assert not site.requests[0].finished_body  # we hung up instead of reading 40 MB


def test_a_gzip_bomb_is_not_inflated(web: Web) -> None:
    bomb = gzip_bomb(64)
    site = web.host().route(
        "/", Reply(200, bomb, headers={"Content-Encoding": "gzip", "Content-Type": "text/html"})
    )
    fetcher = make_fetcher(quick(max_body=MB))
    result, peak = peak_memory(lambda: visit(fetcher, site.url()))
    assert result.outcome == "ok"
    assert peak < 16 * MB


def test_a_double_gzip_bomb_is_not_inflated(web: Web) -> None:
    inner = gzip_bomb(64)
    outer = zlib.compress(inner, 9, wbits=31)
    site = web.host().route("/", Reply(200, outer, headers={"Content-Encoding": "gzip, gzip"}))
    result, peak = peak_memory(lambda: visit(make_fetcher(quick(max_body=MB)), site.url()))
    assert result.outcome == "ok"
    assert peak < 16 * MB


def test_a_gzipped_sitemap_bomb_stays_small(web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    site.route("/robots.txt", Reply(200, f"Sitemap: {site.url('/big.xml.gz')}\n"))
    site.route("/big.xml.gz", Reply(200, gzip_bomb(64)))
    fetcher = make_fetcher(quick(max_body=MB))
    found, peak = peak_memory(lambda: sitemap_evidence(make_context(fetcher), site.url()))
    assert found is None
    assert peak < 16 * MB


def test_gunzip_capped() -> None:
    assert len(gunzip_capped(gzip_bomb(64), 1000)) == 1000
    assert gunzip_capped(b"plain text", 5) == b"plain text"
    assert gunzip_capped(b"\x1f\x8bnot gzip at all", 100) == b""


def test_a_trickling_body_meets_the_deadline(web: Web) -> None:
    site = web.host().route("/", Reply(200, html(body="y" * 5000), trickle=0.01))
    result = visit(make_fetcher(quick(timeout=0.5, retries=1)), site.url())
    assert (result.outcome, result.http_status) == ("timeout", None)
    assert len(site.requests) == 2
    assert not any(seen.finished_body for seen in site.requests)


def test_trickling_headers_meet_the_deadline(web: Web) -> None:
    site = web.host().route("/", Reply(200, "x" * 10, slow_headers=0.05))
    result = visit(make_fetcher(quick(timeout=0.5, retries=0)), site.url())
    assert result.outcome == "timeout"
    assert not site.requests[0].finished_body


def test_a_slow_but_steady_answer_within_the_deadline_is_fine(web: Web) -> None:
    site = web.host().route("/", Reply(200, html(), delay=0.2))
    assert visit(make_fetcher(quick(timeout=2.0)), site.url()).outcome == "ok"


def test_only_a_few_threads_parse_documents_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """However many threads hold pages, at most PARSERS parsed trees are being built at once."""
    busy, most = [0], [0]
    lock = threading.Lock()
    full = threading.Event()
    real_parse = pages.parse_html

    def slow_parse(body: bytes, content_type: str = "") -> Any:
        with lock:
            busy[0] += 1
            most[0] = max(most[0], busy[0])
            if busy[0] >= PARSERS:
                full.set()
        full.wait(5)  # the first parsers stay until the slots are full; more could crowd in
        time.sleep(0.02)
        with lock:
            busy[0] -= 1
        return real_parse(body, content_type)

    monkeypatch.setattr(pages, "parse_html", slow_parse)
    body = html(body="<p>x</p>").encode()
    threads = [
        threading.Thread(target=pages.analyse_page, args=(body, "http://a.test/", {}))
        for _ in range(4 * PARSERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == PARSERS
