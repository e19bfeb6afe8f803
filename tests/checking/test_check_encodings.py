"""Bodies read as a browser reads them: mislabelled gzip, brotli unasked, wrong charsets, and
a large feed whose items come after megabytes of padding."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest
from checker_support import days_ago, make_context, make_fetcher, quick, rfc822
from loopback_web import Reply, Web, html, rss
from test_check_limits import MB, peak_memory

from generator.checking.activity import Subject, Thresholds, find_activity
from generator.checking.feeds import feed_date
from generator.checking.links import visit

RECENT = days_ago(3)
PAGE = html(
    "Forum",
    head="<link rel=alternate type=application/rss+xml href=/feed>",
    body=f"<article><time datetime='{RECENT.isoformat()}'>recent</time></article>",
)


def activity(web_url: str) -> tuple[str, str | None, object]:
    fetcher = make_fetcher()
    link = visit(fetcher, web_url)
    found = find_activity(make_context(fetcher), Subject(web_url, (), None, link), Thresholds())
    return link.outcome, found.source, found.last_activity


@pytest.mark.parametrize("label", ["gzip", "x-gzip", "deflate", "br"])
def test_a_body_labelled_compressed_but_sent_plain_is_read_plain(web: Web, label: str) -> None:
    site = web.host()
    site.route("/", Reply(200, PAGE, headers={"Content-Encoding": label}))
    site.route("/feed", Reply(200, rss(rfc822(RECENT)), headers={"Content-Encoding": label}))
    assert activity(site.url()) == ("ok", "feed", RECENT)


@pytest.mark.parametrize(
    ("label", "pack"),
    [
        ("br", brotli.compress),
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data, wbits=-15)),  # raw deflate, as IIS sends
    ],
)
def test_compressed_bodies_are_decoded_even_unasked(web: Web, label: str, pack: object) -> None:
    site = web.host()
    headers = {"Content-Encoding": label}
    site.route("/", Reply(200, pack(PAGE.encode()), headers=headers))  # type: ignore[operator]
    site.route("/feed", Reply(200, pack(rss(rfc822(RECENT)).encode()), headers=headers))  # type: ignore[operator]
    assert activity(site.url()) == ("ok", "feed", RECENT)
    assert "br" in site.requests[0].headers["Accept-Encoding"]


def test_a_brotli_bomb_is_not_inflated(web: Web) -> None:
    bomb = brotli.compress(b"\0" * (256 * MB), quality=5)
    site = web.host().route("/", Reply(200, bomb, headers={"Content-Encoding": "br"}))
    result, peak = peak_memory(lambda: visit(make_fetcher(quick(max_body=MB)), site.url()))
    assert result.outcome == "ok"
    assert peak < 16 * MB


@pytest.mark.parametrize(
    ("content_type", "head"),
    [
        ("text/html; charset=utf-16", ""),  # UTF-8 bytes labelled UTF-16
        ("text/html; charset=x-no-such-charset", ""),
        ("text/html", "<meta charset='utf-16'>"),
        ("text/html; charset=utf-8", ""),  # windows-1252 bytes labelled UTF-8 (below)
        (
            "text/html; charset=ebcdic-nonsense",
            "<meta http-equiv=Content-Type content='text/html; charset=unknown-8bit'>",
        ),
    ],
)
def test_a_wrong_charset_still_gives_the_title_and_the_date(
    web: Web, content_type: str, head: str
) -> None:
    page = html(
        "Café forum",
        head=head,
        body=f"<h1>Café</h1><time datetime='{RECENT.isoformat()}'>récent</time>",
    )
    body = page.encode("windows-1252" if content_type.endswith("utf-8") else "utf-8")
    site = web.host().route("/", Reply(200, body, headers={"Content-Type": content_type}))
    fetcher = make_fetcher()
    link = visit(fetcher, site.url())
    assert link.outcome == "ok"
    assert link.page.title.startswith("Caf") and link.page.title.endswith(" forum")
    found = find_activity(make_context(fetcher), Subject(site.url(), (), None, link), Thresholds())
    assert (found.source, found.last_activity) == ("page", RECENT)


def test_a_latin1_page_labelled_latin1_reads_correctly(web: Web) -> None:
    body = html("Café").encode("latin-1")
    site = web.host().route(
        "/", Reply(200, body, headers={"Content-Type": "text/html; charset=ISO-8859-1"})
    )
    assert visit(make_fetcher(), site.url()).page.title == "Café"


def padded_feed(padding: str, where: str) -> bytes:
    items = "".join(
        f"<item><title>t{n}</title><pubDate>{rfc822(days_ago(n + 2))}</pubDate></item>"
        for n in range(30)
    )
    spots = {
        "description": f"<description>{padding}</description>",
        "comment": f"<!-- {padding} -->",
        "whitespace": " " * len(padding),
        "cdata": f"<description><![CDATA[{padding}]]></description>",
    }
    channel = f"<channel><title>f</title>{spots[where]}{items}</channel>"
    return f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'>{channel}</rss>".encode()


@pytest.mark.parametrize("where", ["description", "comment", "whitespace", "cdata"])
def test_a_feed_with_megabytes_before_its_items_still_gives_its_date(web: Web, where: str) -> None:
    body = padded_feed("x" * (5 * MB), where)
    site = web.host().route("/feed", Reply(200, body))
    context = make_context(make_fetcher(quick(max_body=2 * MB)))
    evidence, peak = peak_memory(lambda: feed_date(context, site.url("/feed")))
    assert evidence is not None and evidence.last_activity == days_ago(2)
    assert peak < 24 * MB


def test_a_gzipped_feed_with_megabytes_of_padding(web: Web) -> None:
    body = gzip.compress(padded_feed("y" * (5 * MB), "description"))
    site = web.host().route("/feed", Reply(200, body, headers={"Content-Encoding": "gzip"}))
    context = make_context(make_fetcher(quick(max_body=2 * MB)))
    evidence = feed_date(context, site.url("/feed"))
    assert evidence is not None and evidence.last_activity == days_ago(2)


def test_a_small_feed_is_passed_on_untouched(web: Web) -> None:
    """Feeds within the cap go to feedparser as they are (it forgives more than lxml)."""
    broken = rss(rfc822(RECENT)).replace("<title>f</title>", "<title>f & friends</title>")
    site = web.host().route("/feed", Reply(200, broken))
    evidence = feed_date(make_context(make_fetcher()), site.url("/feed"))
    assert evidence is not None and evidence.last_activity == RECENT


def test_the_header_charset_wins_over_a_wrong_meta_one(web: Web) -> None:
    body = html("Café", head="<meta charset='utf-8'>").encode("windows-1252")
    site = web.host().route(
        "/", Reply(200, body, headers={"Content-Type": "text/html; charset=windows-1252"})
    )
    assert visit(make_fetcher(), site.url()).page.title == "Café"


@pytest.mark.parametrize("charset", ["shift_jis", "euc-jp", "koi8-r", "utf-16"])
def test_a_charset_named_only_in_the_header_is_honoured(web: Web, charset: str) -> None:
    title = "コミュニティ" if "j" in charset else "Сообщество"
    body = html(title).encode(charset)
    site = web.host().route(
        "/", Reply(200, body, headers={"Content-Type": f"text/html; charset={charset}"})
    )
    assert visit(make_fetcher(), site.url()).page.title == title


def padded_page(padding: str, where: str) -> bytes:
    spots = {
        "script": f"<script>var data = '{padding}';</script>",
        "style": f"<style>/* {padding} */</style>",
        "comment": f"<!-- {padding} -->",
        "whitespace": " " * len(padding),
        "text": f"<div hidden>{padding}</div>",
    }
    body = f"{spots[where]}<article><time datetime='{RECENT.isoformat()}'>recent</time></article>"
    return html("Big forum", body=body).encode()


@pytest.mark.parametrize("where", ["script", "style", "comment", "whitespace", "text"])
def test_a_page_with_megabytes_before_its_dates_still_gives_them(web: Web, where: str) -> None:
    site = web.host().route("/", Reply(200, padded_page("z" * (5 * MB), where)))
    fetcher = make_fetcher(quick(max_body=2 * MB))
    link, peak = peak_memory(lambda: visit(fetcher, site.url()))
    assert (link.outcome, link.page.title) == ("ok", "Big forum")
    assert peak < 32 * MB
    found = find_activity(make_context(fetcher), Subject(site.url(), (), None, link), Thresholds())
    assert (found.source, found.last_activity) == ("page", RECENT)


def test_json_ld_dates_survive_the_compaction(web: Web) -> None:
    ld = f'{{"@type": "DiscussionForumPosting", "dateModified": "{RECENT.isoformat()}"}}'
    body = html(
        "Big forum",
        head=f"<script>{'q' * (5 * MB)}</script><script type='application/ld+json'>{ld}</script>",
    ).encode()
    site = web.host().route("/", Reply(200, body))
    fetcher = make_fetcher(quick(max_body=2 * MB))
    link = visit(fetcher, site.url())
    found = find_activity(make_context(fetcher), Subject(site.url(), (), None, link), Thresholds())
    assert (found.source, found.last_activity) == ("page", RECENT)
