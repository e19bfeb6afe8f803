"""Feed dates from every common element; an item's newest date wins."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.checking.feeds import entry_dates

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "checking"
DAY = dt.date(2026, 11, 3)
NAMESPACES = (
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:atom="http://www.w3.org/2005/Atom"'
)


def rss_item(inner: str) -> bytes:
    item = f"<item><title>t</title>{inner}</item>"
    return (
        f"<rss version='2.0' {NAMESPACES}><channel><title>f</title>{item}</channel></rss>".encode()
    )


@pytest.mark.parametrize(
    "element",
    [
        "<pubDate>Tue, 03 Nov 2026 10:00:00 GMT</pubDate>",
        "<dc:date>2026-11-03T10:00:00Z</dc:date>",
        "<dc:created>2026-11-03T10:00:00Z</dc:created>",
        "<dcterms:created>2026-11-03T10:00:00Z</dcterms:created>",
        "<dcterms:modified>2026-11-03T10:00:00+00:00</dcterms:modified>",
        "<dcterms:issued>2026-11-03</dcterms:issued>",
        "<dcterms:available>2026-11-03T10:00:00Z</dcterms:available>",
        "<dc:modified>Tue, 03 Nov 2026 10:00:00 GMT</dc:modified>",
        "<atom:updated>2026-11-03T10:00:00Z</atom:updated>",
        "<atom:published>2026-11-03T10:00:00Z</atom:published>",
    ],
)
def test_every_common_date_element_dates_an_rss_item(element: str) -> None:
    assert entry_dates(rss_item(element)) == [DAY]


@pytest.mark.parametrize(
    "inner",
    [
        "<updated>2026-10-01T00:00:00Z</updated><published>2026-11-03T09:00:00Z</published>",
        "<published>2026-10-01T00:00:00Z</published><updated>2026-11-03T09:00:00Z</updated>",
        "<updated>2026-10-01T00:00:00Z</updated>"
        "<dcterms:created xmlns:dcterms='http://purl.org/dc/terms/'>2026-11-03</dcterms:created>",
    ],
)
def test_an_atom_entrys_newest_date_wins(inner: str) -> None:
    entry = f"<entry><title>t</title><id>x</id>{inner}</entry>"
    feed = f"<feed xmlns='http://www.w3.org/2005/Atom'><title>f</title>{entry}</feed>"
    assert entry_dates(feed.encode()) == [DAY]


def test_rdf_rss_1_items_dated_by_dc_date() -> None:
    feed = (
        "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' "
        "xmlns='http://purl.org/rss/1.0/' xmlns:dc='http://purl.org/dc/elements/1.1/'>"
        "<channel rdf:about='x'><title>f</title></channel>"
        "<item rdf:about='y'><title>t</title><dc:date>2026-11-03T10:00+01:00</dc:date></item>"
        "</rdf:RDF>"
    )
    assert entry_dates(feed.encode()) == [DAY]


def test_unparseable_dates_are_skipped() -> None:
    assert entry_dates(rss_item("<dc:created>sometime soon</dc:created>")) == []


def test_recorded_infoq_feed_dated_by_dc_date() -> None:
    body = (FIXTURES / "infoq-news-dc-date.rss").read_bytes()
    assert entry_dates(body) == [dt.date(2020, 4, 21)]


def test_recorded_feed_whose_pubdate_is_newer_than_its_atom_updated() -> None:
    body = (FIXTURES / "arsse-pubdate-newer-than-updated.rss").read_bytes()
    assert entry_dates(body) == [dt.date(2002, 5, 19), dt.date(2000, 5, 18)]
