"""The site search in a real browser: Material's search box, answered by Pagefind's index of
the synthetic site. A community is found by its name, its sponsor or words of its
description, community pages come before any other page, the keyboard works, and nothing is
fetched from another host (nor Material's own lunr index)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from support import HOSTILE_NAME, Opener

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = pytest.importorskip("playwright.sync_api").expect

PHONE = {"width": 390, "height": 844}
RESULTS = ".md-search-result__list li"


def search(page: Any, text: str) -> list[dict[str, str]]:
    """Type a query into the header's search box; the results as kind, title and link."""
    page.fill(".md-search__input", text)
    page.wait_for_selector(f"{RESULTS} a")
    return list(
        page.eval_on_selector_all(
            f"{RESULTS} a",
            """links => links.map(a => ({
                kind: a.querySelector('.biglist-search__kind').textContent,
                title: a.querySelector('h1').textContent,
                path: new URL(a.href).pathname}))""",
        )
    )


def test_a_community_is_found_by_its_name(open_page: Opener) -> None:
    page = open_page("about/")
    results = search(page, "Community 00123")
    assert results[0]["path"] == "/communities/community-00123/"
    assert results[0]["kind"] == "Community"
    assert results[0]["title"].startswith("Community 00123")


@pytest.fixture(scope="module")
def shared_sponsor(synthetic_site: Path) -> tuple[str, set[str]]:
    """A sponsor with several communities, and their pages, from the site's list data."""
    data = json.loads((synthetic_site / "assets/generated/list.json").read_text("utf-8"))
    pages: dict[int, set[str]] = {}
    for slug, sponsor in zip(data["slug"], data["sponsor"], strict=True):
        pages.setdefault(sponsor, set()).add(f"/communities/{slug}/")
    sponsor = next(index for index, found in pages.items() if index >= 0 and len(found) > 1)
    return data["sponsors"][sponsor], pages[sponsor]


def test_a_community_is_found_by_its_sponsor(
    open_page: Opener, shared_sponsor: tuple[str, set[str]]
) -> None:
    page = open_page("stats/")
    sponsor, siblings = shared_sponsor
    results = search(page, sponsor)
    assert {result["path"] for result in results[: len(siblings)]} == siblings


def test_a_community_is_found_by_its_description_and_shown_as_typed(open_page: Opener) -> None:
    page = open_page("submit/")
    results = search(page, "zygomorphic")
    assert len(results) == 1
    assert results[0]["path"] == "/communities/tom-and-jerry/"
    assert results[0]["title"] == HOSTILE_NAME
    excerpt = page.inner_html(f"{RESULTS} article p:last-child")
    assert "<mark>zygomorphic</mark>" in excerpt
    assert "&amp;" in excerpt or "&" not in page.inner_text(f"{RESULTS} article p:last-child")


def test_community_pages_come_before_other_pages(open_page: Opener) -> None:
    page = open_page("about/")
    results = search(page, "spreadsheet")
    kinds = [result["kind"] for result in results]
    assert kinds == ["Community"] + ["Page"] * (len(kinds) - 1), results
    assert results[0]["path"] == "/communities/tom-and-jerry/"
    assert "/about/" in {result["path"] for result in results[1:]}


def test_list_pages_are_not_indexed(
    open_page: Opener, shared_sponsor: tuple[str, set[str]]
) -> None:
    page = open_page("about/")
    paths = [result["path"] for result in search(page, shared_sponsor[0])]
    # Community pages and top-level pages only: no facet, sponsor or A–Z list page.
    assert all(path.startswith("/communities/") or path.count("/") == 2 for path in paths)


def test_the_keyboard_opens_searches_and_follows_a_result(open_page: Opener) -> None:
    page = open_page("about/")
    page.keyboard.press("/")
    expect(page.locator(".md-search__input")).to_be_focused()
    page.keyboard.type("zygomorphic")
    page.wait_for_selector(f"{RESULTS} a")
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"{RESULTS} a").first).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/communities/tom-and-jerry/")
    page.keyboard.press("s")
    expect(page.locator(".md-search__input")).to_be_focused()
    page.keyboard.press("Escape")
    assert not page.is_checked("#__search")


def test_the_search_box_opens_at_once_on_a_wide_screen(open_page: Opener) -> None:
    page = open_page("about/")
    page.focus(".md-search__input")
    assert page.is_checked("#__search")
    # Material's width, colour and fade transitions would each be running now.
    assert page.evaluate("document.getAnimations().map(a => a.transitionProperty)") == []


def test_search_works_on_a_phone(open_page: Opener) -> None:
    page = open_page("about/", viewport=PHONE)
    assert not page.is_checked("#__search")
    page.click("label.md-header__button[for=__search]")
    assert page.is_checked("#__search")
    expect(page.locator(".md-search__input")).to_be_focused()
    results = search(page, "Community 00042")
    assert results[0]["path"] == "/communities/community-00042/"
    # Material's overlay grows from a scaled circle, then the page behind it is locked in
    # place: judge the width once both have happened.
    page.wait_for_selector("body[data-md-scrolllock]", state="attached")
    page.wait_for_function("document.getAnimations().length === 0")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


ENGINE = ("/pagefind/pagefind.js", ".pf_meta", ".pagefind")
QUERY_FILES = (".pf_index", ".pf_fragment")
SAVING_DATA = "Object.defineProperty(navigator, 'connection', {value: {saveData: true}});"


def test_the_search_engine_is_fetched_before_anyone_searches(open_page: Opener) -> None:
    page = open_page("stats/")
    for name in ENGINE:
        page.wait_for_function(
            "name => performance.getEntriesByType('resource').some(e => e.name.endsWith(name))",
            arg=name,
        )
    assert not any(url.endswith(QUERY_FILES) for url in page.requested)


def test_a_reader_saving_data_fetches_the_engine_only_to_search(open_page: Opener) -> None:
    page = open_page("stats/", init_script=SAVING_DATA)
    # The engine would be asked for as the page loads and started once it goes idle: wait
    # for an idle moment to pass.
    page.evaluate("() => new Promise(done => requestIdleCallback(() => setTimeout(done, 0)))")
    assert not any("/pagefind/" in url for url in page.requested)
    results = search(page, "Community 00042")
    assert results[0]["path"] == "/communities/community-00042/"
    assert any(url.endswith(ENGINE) for url in page.requested)


def test_material_lunr_index_is_neither_built_nor_fetched(
    open_page: Opener, synthetic_site: Path
) -> None:
    page = open_page("about/")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    search(page, "Community 00042")
    assert not (synthetic_site / "search" / "search_index.json").exists()
    assert not any("search_index" in url for url in requested)
    assert any("/pagefind/" in url for url in requested)


def test_a_snippet_reads_as_sentences(
    open_page: Opener, shared_sponsor: tuple[str, set[str]]
) -> None:
    page = open_page("about/")
    sponsor, _ = shared_sponsor
    search(page, sponsor)
    snippet = page.inner_text(f"{RESULTS}:first-child article p:last-child")
    # Not "Community 00060 Data. Vendor 0003." as when the name and the sponsor were blocks
    # of their own; a snippet cut from the middle of the text says so.
    assert f"is run by {sponsor}." in snippet, snippet
    assert re.fullmatch(r"(… )?\S.*\S( …)?", snippet), snippet
    assert snippet.startswith(("… ", "Where ")), snippet
