"""The search index: what a community's search card says, and a failing indexer fails the
build cleanly (the browser tests in test_browser_search.py search the real index)."""

from __future__ import annotations

import contextlib
import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.catalog.validation import load_catalog
from generator.cli import cli
from generator.site.rendering import Fragments, markup_environment
from generator.site.search import (
    BUNDLE_DIR,
    community_cards,
    index_cards,
    page_cards,
    top_level_pages,
)
from generator.site.views import build_site_view
from tests.support import SAMPLE_DATA, build_project, make_project


@pytest.fixture(scope="module")
def cards() -> dict[str, str]:
    site = build_site_view(load_catalog(SAMPLE_DATA))
    return community_cards(site.communities, markup_environment())


def test_every_community_has_a_card_at_its_page_path(cards: dict[str, str]) -> None:
    slugs = sorted(path.stem for path in (SAMPLE_DATA / "communities").glob("*.yml"))
    assert sorted(cards) == [f"communities/{slug}/index.html" for slug in slugs]


def test_a_card_holds_what_people_search_by(cards: dict[str, str]) -> None:
    card = cards["communities/acme-community/index.html"]
    assert '<h1 data-pagefind-meta="title">Acme Community</h1>' in card
    assert "answer each other&#39;s questions" in card
    for fact in ("Acme", "Enterprise software", "Customer support", "Khoros", "Public"):
        assert fact in card
    assert 'data-pagefind-meta="kind:community"' in card


def indexed_text(cards: dict[str, str], folder: Path) -> dict[str, str]:
    """The text Pagefind keeps of each card (what excerpts are cut from), by page URL."""
    index_cards(cards, folder / BUNDLE_DIR, folder)
    texts = {}
    for fragment in (folder / BUNDLE_DIR / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        record = json.loads(data[data.index(b"{") :])
        texts[record["url"]] = record["content"]
    return texts


def test_the_text_snippets_come_from_reads_as_sentences(
    cards: dict[str, str], tmp_path: Path
) -> None:
    text = indexed_text(cards, tmp_path)["/communities/acme-community/"]
    assert text.startswith("Customers of Acme's products answer each other's questions.")
    assert "Acme Community is run by Acme. Industry:" in text
    assert "Industry: Enterprise software. Type: Customer support. Platform: Khoros." in text
    # Pagefind ends every block with a full stop: a name or sponsor alone in a block reads as
    # "Acme Community. Acme." (what snippets used to say).
    assert "Acme Community." not in text
    assert " ." not in text


def test_hostile_text_on_a_card_is_inert(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_project(tmp_path)
    entry = data / "communities" / "acme-community.yml"
    text = entry.read_text("utf-8").replace(
        "name: Acme Community", "name: 'Acme a < b > c &amp; {{ 7*7 }} Community'"
    )
    entry.write_text(text, "utf-8")
    site = build_site_view(load_catalog(data))
    card = community_cards(site.communities, markup_environment())[
        "communities/acme-community/index.html"
    ]
    assert ">Acme a &lt; b &gt; c &amp;amp; {{ 7*7 }} Community</h1>" in card


def test_top_level_pages_are_searched_unless_they_opt_out(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    build_project(root)
    cards = page_cards(
        top_level_pages(root / "directory", {}),
        root / "mkdocs.yml",
        Fragments(),
        markup_environment(),
    )
    assert {"about/index.html", "submit/index.html", "stats/index.html"} <= set(cards)
    assert not {"/index.html", "browse/index.html", "health/index.html"} & set(cards)
    assert '<h1 id="about-the-big-list">About the Big List' in cards["about/index.html"]
    assert 'data-pagefind-meta="kind:page"' in cards["about/index.html"]


def test_the_bundle_indexes_every_card(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    site = build_project(root)
    entry = json.loads((site / BUNDLE_DIR / "pagefind-entry.json").read_text("utf-8"))
    indexed = sum(language["page_count"] for language in entry["languages"].values())
    communities = len(list((SAMPLE_DATA / "communities").glob("*.yml")))
    pages = page_cards(
        top_level_pages(root / "directory", {}),
        root / "mkdocs.yml",
        Fragments(),
        markup_environment(),
    )
    assert indexed == communities + len(pages)
    assert not list(root.glob(".biglist-beside-*"))


def test_a_failing_indexer_fails_the_build_and_keeps_the_old_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = build_project(make_project(tmp_path))
    before = sorted(path.relative_to(site) for path in site.rglob("*"))
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: no disk left' >&2\nexit 3\n", "utf-8")
    broken.chmod(0o755)
    monkeypatch.setattr("generator.site.search.pagefind_binary", lambda: broken)
    with contextlib.chdir(tmp_path):
        result = CliRunner().invoke(cli, ["build", "--strict"])
    assert result.exit_code == 1
    assert "search indexer (pagefind) failed: Error: no disk left" in result.output
    assert "Traceback" not in result.output
    assert sorted(path.relative_to(site) for path in site.rglob("*")) == before
    assert not list(tmp_path.glob(".biglist-beside-*"))


def test_top_level_pages_take_generated_text_over_the_docs_folder(tmp_path: Path) -> None:
    (tmp_path / "about.md").write_text("# About, hand-written", "utf-8")
    (tmp_path / "stats.md").write_text("# Stats, from the last build", "utf-8")
    generated = {"stats.md": "# Stats, now", "communities/acme.md": "# Acme", "feed.xml": "<feed/>"}
    assert top_level_pages(tmp_path, generated) == {
        "about.md": "# About, hand-written",
        "stats.md": "# Stats, now",
    }
