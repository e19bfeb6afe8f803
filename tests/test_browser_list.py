"""The live Big List in a real browser (Debian's Chromium via Playwright), on a synthetic site
of 241 communities: facets and counts, text, sorting, URL state with back and forward, the
keyboard, a phone, and the plain list without JavaScript.

Expected rows are computed here in Python from the list's data file, independently of the
page's JavaScript. Every page a test opens (`open_page`, conftest.py) is also watched: no
console error and no request to any host but the site's own."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from support import HOSTILE_NAME, HOSTILE_SPONSOR, SYNTHETIC_COUNT, Opener

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = pytest.importorskip("playwright.sync_api").expect

PHONE = {"width": 390, "height": 844}
BATCH = 25  # rows drawn after each change
MORE = 100  # rows added by Show more


@pytest.fixture(scope="module")
def data(synthetic_site: Path) -> dict[str, Any]:
    path = synthetic_site / "assets" / "generated" / "list.json"
    return dict(json.loads(path.read_text("utf-8")))


# --- reading the page and the data ---------------------------------------------------------


def shown(page: Any) -> list[list[str]]:
    """The rendered rows, as the texts of their cells."""
    return list(
        page.eval_on_selector_all(
            "#biglist-rows tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
        )
    )


def shown_slugs(page: Any) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "#biglist-rows tr td:first-child a", "a => a.map(x => x.href)"
    )
    return [href.rstrip("/").rsplit("/", 1)[-1] for href in hrefs]


def count_text(page: Any) -> str:
    return str(page.inner_text("#biglist-count"))


def says(matches: int) -> str:
    """What the count line says when `matches` rows match and the first batch is shown."""
    if matches > BATCH:
        return f"Showing {BATCH} of {matches} communities."
    return f"{matches} communities."


def facet(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(item for item in data["facets"] if item["key"] == key)


def ids_of(data: dict[str, Any], key: str, row: int) -> set[str]:
    item = facet(data, key)
    value = item["rows"][row]
    indexes = value if isinstance(value, list) else [value]
    return {item["values"][index][0] for index in indexes if index >= 0}


def labels_of(data: dict[str, Any], key: str, row: int) -> list[str]:
    item = facet(data, key)
    names = dict(item["values"])
    return [names[value] for value in sorted(ids_of(data, key, row))]


def searched_text(data: dict[str, Any], row: int) -> str:
    """What the text box matches: name, sponsor, audience and some facets' labels."""
    texts = [data["name"][row]]
    for key, table in (("sponsor", "sponsors"), ("audience", "audiences")):
        texts.append(data[table][data[key][row]] if data[key][row] >= 0 else "")
    for key in ("industry", "type", "platform", "access"):
        texts += labels_of(data, key, row)
    return "\n".join(texts).lower()


def matching(data: dict[str, Any], chosen: dict[str, set[str]], text: str = "") -> list[int]:
    """Rows (in A–Z order) with one of the chosen values in every facet and every word."""
    words = text.lower().split()
    rows = []
    for row in range(data["rows"]):
        haystack = searched_text(data, row)
        if all(word in haystack for word in words) and all(
            ids_of(data, key, row) & values for key, values in chosen.items()
        ):
            rows.append(row)
    return rows


def facet_counts(page: Any, key: str) -> dict[str, int]:
    """Each value's shown count in one facet, by its label."""
    items = page.eval_on_selector_all(
        f"input[name={key}]",
        "boxes => boxes.map(b => [b.parentElement.textContent])",
    )
    counts = {}
    for (text,) in items:
        found = re.fullmatch(r"\s*(.*?)\s*\(([\d,]+)\)\s*", text)
        assert found, text
        counts[found.group(1)] = int(found.group(2).replace(",", ""))
    return counts


def checkbox(page: Any, key: str, value_id: str, data: dict[str, Any]) -> Any:
    index = [value for value, _ in facet(data, key)["values"]].index(value_id)
    return page.locator(f"input[name={key}][value='{index}']")


def choose(page: Any, key: str, value_id: str, data: dict[str, Any]) -> None:
    box = checkbox(page, key, value_id, data)
    if not box.is_visible():
        page.click(f"#biglist-facets details:has(input[name={key}]) summary")
    box.check()


def query(page: Any) -> dict[str, list[str]]:
    """The page's query string as the page sees it (Playwright's page.url may lag pushState)."""
    return parse_qs(urlsplit(page.evaluate("location.href")).query)


# --- the list -----------------------------------------------------------------------------


def test_live_list_replaces_the_plain_list_featured_first(
    open_page: Opener, data: dict[str, Any]
) -> None:
    page = open_page()
    assert page.is_visible("#biglist-app") and not page.is_visible("#biglist-static")
    total = SYNTHETIC_COUNT + 1
    assert count_text(page) == f"Showing {BATCH} of {total} communities."
    featured = [row for row in range(total) if facet(data, "featured")["rows"][row] >= 0]
    assert len(featured) > 1
    assert shown_slugs(page)[: len(featured)] == [data["slug"][row] for row in featured]
    assert len(shown(page)) == BATCH


def test_each_row_shows_its_facts_and_links_its_page(
    open_page: Opener, data: dict[str, Any]
) -> None:
    page = open_page("?sort=name")
    first = shown(page)[0]
    row = 0
    sponsor = data["sponsors"][data["sponsor"][row]]
    labels = {key: dict(facet(data, key)["values"]) for key in ("industry", "type", "access")}
    assert first[0].startswith(data["name"][row])
    assert first[1] == sponsor
    assert first[2] == labels["industry"][next(iter(ids_of(data, "industry", row)))]
    assert set(first[3].split(", ")) == {labels["type"][i] for i in ids_of(data, "type", row)}
    assert first[6] in {"Active", "Slowing", "Dormant", "Unknown"}
    assert first[7] == dict(facet(data, "status")["values"])[next(iter(ids_of(data, "status", 0)))]
    page.click("#biglist-rows tr:first-child a")
    page.wait_for_load_state("load")
    assert page.inner_text("h1").rstrip("¶").strip() == data["name"][row]


def test_contributed_text_is_shown_exactly_as_typed(open_page: Opener) -> None:
    page = open_page()
    page.fill("#biglist-text", "tom & jerry")
    rows = shown(page)
    assert len(rows) == 1
    assert rows[0][0] == HOSTILE_NAME + "Featured"
    assert rows[0][1] == HOSTILE_SPONSOR


def test_a_facet_filters_and_every_count_follows(open_page: Opener, data: dict[str, Any]) -> None:
    page = open_page()
    industry = facet(data, "industry")["values"][0][0]
    before = facet_counts(page, "industry")
    choose(page, "industry", industry, data)
    expected = matching(data, {"industry": {industry}})
    assert count_text(page) == says(len(expected))
    label = dict(facet(data, "industry")["values"])[industry]
    assert {row[2] for row in shown(page)} == {label}
    # A facet's own counts ignore its own choice (they say what choosing another would add);
    # the other facets count within the chosen industry.
    assert facet_counts(page, "industry") == before
    types = dict(facet(data, "type")["values"])
    for type_id, type_label in types.items():
        within = [row for row in expected if type_id in ids_of(data, "type", row)]
        assert facet_counts(page, "type")[type_label] == len(within), type_label


def test_values_of_one_facet_add_up_and_facets_narrow(
    open_page: Opener, data: dict[str, Any]
) -> None:
    page = open_page()
    first, second = (value for value, _ in facet(data, "industry")["values"][:2])
    access = facet(data, "access")["values"][0][0]
    choose(page, "industry", first, data)
    choose(page, "industry", second, data)
    choose(page, "access", access, data)
    expected = matching(data, {"industry": {first, second}, "access": {access}})
    assert 0 < len(expected) <= BATCH
    assert sorted(shown_slugs(page)) == sorted(data["slug"][row] for row in expected)
    assert "(2 chosen)" in page.inner_text(
        "#biglist-facets details:has(input[name=industry]) summary"
    )


def test_activity_edition_and_featured_filters(open_page: Opener, data: dict[str, Any]) -> None:
    page = open_page()
    choose(page, "activity", "active", data)
    assert count_text(page) == says(len(matching(data, {"activity": {"active"}})))
    assert {row[6] for row in shown(page)} == {"Active"}
    page.click("#biglist-clear")
    choose(page, "featured", "featured", data)
    assert sorted(shown_slugs(page)) == sorted(
        data["slug"][row] for row in matching(data, {"featured": {"featured"}})
    )
    edition = facet(data, "edition")["values"][0][0]
    choose(page, "edition", edition, data)
    expected = matching(data, {"featured": {"featured"}, "edition": {edition}})
    assert sorted(shown_slugs(page)) == sorted(data["slug"][row] for row in expected)


def test_text_finds_names_and_sponsors(open_page: Opener, data: dict[str, Any]) -> None:
    page = open_page()
    page.fill("#biglist-text", "VENDOR  0012")
    expected = matching(data, {}, "vendor 0012")  # every word, in the name or the sponsor
    assert 3 < len(expected) < BATCH
    assert count_text(page) == says(len(expected))
    assert sorted(shown_slugs(page)) == sorted(data["slug"][row] for row in expected)
    page.fill("#biglist-text", "community 0002 nothing-like-this")
    assert count_text(page) == "No community matches these filters."
    assert shown(page) == []


def test_text_also_finds_audiences_and_facet_labels(
    open_page: Opener, data: dict[str, Any]
) -> None:
    """The box's hint says "e.g. Salesforce, developers": a word of an audience, an industry
    or a type finds its communities, not only names and sponsors do."""
    page = open_page()
    page.fill("#biglist-text", "Engineers cybersecurity")
    expected = matching(data, {}, "engineers cybersecurity")
    in_name = [row for row in expected if "engineers" in data["name"][row].lower()]
    assert 0 < len(expected) < BATCH and len(in_name) < len(expected)
    assert sorted(shown_slugs(page)) == sorted(data["slug"][row] for row in expected)
    assert "audience" in page.inner_text("label[for=biglist-text]")


def test_link_status_column_and_facet(open_page: Opener, data: dict[str, Any]) -> None:
    page = open_page()
    standings = dict(facet(data, "status")["values"])
    assert set(standings) == {"ok", "moved", "gated", "blocked", "failing", "dead", "unknown"}
    assert page.inner_text(".biglist-results thead th:last-child") == "Link"
    choose(page, "status", "dead", data)
    expected = matching(data, {"status": {"dead"}})
    assert count_text(page) == says(len(expected))
    assert {row[7] for row in shown(page)} == {standings["dead"]}
    assert page.locator("#biglist-rows .biglist-link--dead").count() == min(len(expected), BATCH)
    assert query(page) == {"status": ["dead"]}


def test_sorting_by_name_date_added_and_activity(open_page: Opener, data: dict[str, Any]) -> None:
    page = open_page()
    rows = range(data["rows"])
    page.select_option("#biglist-sort", "name")
    assert shown_slugs(page) == data["slug"][:BATCH]
    page.select_option("#biglist-sort", "added")
    newest = sorted(rows, key=lambda row: (-data["added"][row], row))
    assert shown_slugs(page) == [data["slug"][row] for row in newest[:BATCH]]
    page.select_option("#biglist-sort", "activity")
    dated = sorted(
        (row for row in rows if data["last_activity"][row] >= 0),
        key=lambda row: (-data["last_activity"][row], row),
    )
    assert shown_slugs(page) == [data["slug"][row] for row in dated[:BATCH]]


def test_sorting_by_posts_and_the_count_in_the_activity_column(
    open_page: Opener, data: dict[str, Any]
) -> None:
    counts = data["posts_30_days"]
    counted = sorted(zip(counts["rows"], counts["values"], strict=True), key=lambda c: -c[1])
    assert len(counted) > 10
    page = open_page()
    page.select_option("#biglist-sort", "posts")
    assert shown_slugs(page) == [data["slug"][row] for row, _ in counted[:BATCH]]
    posts = counted[0][1]
    assert shown(page)[0][6] == f"Slowing, {posts:,} posts in 30 days"
    assert query(page)["sort"] == ["posts"]


def test_show_more_renders_the_next_batch(open_page: Opener) -> None:
    page = open_page()
    total = SYNTHETIC_COUNT + 1
    assert page.inner_text("#biglist-more") == f"Show {MORE} more ({total - BATCH} not shown yet)"
    page.click("#biglist-more")
    assert len(shown(page)) == BATCH + MORE
    assert count_text(page) == f"Showing {BATCH + MORE} of {total} communities."
    page.click("#biglist-more")
    page.click("#biglist-more")
    assert len(shown(page)) == total
    assert count_text(page) == f"{total} communities."
    assert not page.is_visible("#biglist-more")
    expect(page.locator(f"#biglist-rows tr:nth-child({BATCH + 2 * MORE + 1}) a")).to_be_focused()


# --- the URL ------------------------------------------------------------------------------


def test_state_lives_in_the_url_and_back_and_forward_work(
    open_page: Opener, data: dict[str, Any]
) -> None:
    page = open_page()
    industry = facet(data, "industry")["values"][0][0]
    choose(page, "industry", industry, data)
    assert query(page) == {"industry": [industry]}
    page.type("#biglist-text", "data")  # four keys, one history entry once typing pauses
    page.wait_for_function("location.search.includes('text=data')")
    assert query(page) == {"industry": [industry], "text": ["data"]}
    page.select_option("#biglist-sort", "added")
    filtered = shown_slugs(page)
    assert query(page)["sort"] == ["added"]
    box = checkbox(page, "industry", industry, data)
    page.go_back()
    expect(page.locator("#biglist-sort")).to_have_value("featured")
    expect(page.locator("#biglist-text")).to_have_value("data")
    page.go_back()
    expect(page.locator("#biglist-text")).to_have_value("")
    expect(box).to_be_checked()
    page.go_back()
    expect(box).not_to_be_checked()
    expect(page.locator("#biglist-count")).to_have_text(says(SYNTHETIC_COUNT + 1))
    for _ in range(3):
        page.go_forward()
    expect(page.locator("#biglist-sort")).to_have_value("added")
    assert shown_slugs(page) == filtered


def test_typing_then_choosing_keeps_both_steps_in_history(
    open_page: Opener, data: dict[str, Any]
) -> None:
    page = open_page()
    industry = facet(data, "industry")["values"][0][0]
    page.type("#biglist-text", "vendor")
    choose(page, "industry", industry, data)  # before the URL caught up with the typing
    assert query(page) == {"industry": [industry], "text": ["vendor"]}
    page.go_back()
    expect(checkbox(page, "industry", industry, data)).not_to_be_checked()
    expect(page.locator("#biglist-text")).to_have_value("vendor")
    page.go_back()
    expect(page.locator("#biglist-text")).to_have_value("")


def test_a_shared_url_opens_the_same_list(open_page: Opener, data: dict[str, Any]) -> None:
    page = open_page("?type=developer&text=vendor+00&sort=name&industry=no-such-value")
    assert checkbox(page, "type", "developer", data).is_checked()
    assert page.input_value("#biglist-text") == "vendor 00"
    expected = matching(data, {"type": {"developer"}}, "vendor 00")
    assert shown_slugs(page) == [data["slug"][row] for row in expected][:BATCH]


# --- keyboard, screen readers, phones ------------------------------------------------------


def test_keyboard_alone_can_filter(open_page: Opener, data: dict[str, Any]) -> None:
    page = open_page()
    page.focus("#biglist-text")
    for _ in range(3):  # the sort menu, the clear button, the first facet
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith("Industry")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    industry = facet(data, "industry")["values"][0][0]
    assert query(page) == {"industry": [industry]}
    expected = matching(data, {"industry": {industry}})
    assert page.inner_text("#biglist-status") == says(len(expected))


def test_controls_are_labelled_and_results_announced(open_page: Opener) -> None:
    page = open_page()
    for control in ("biglist-text", "biglist-sort"):
        assert page.locator(f"label[for={control}]").count() == 1
    status = page.locator("#biglist-status")
    assert status.get_attribute("role") == "status"
    assert status.get_attribute("aria-live") == "polite"
    assert (
        page.locator("#biglist-facets fieldset legend").count()
        == page.locator("#biglist-facets details").count()
    )
    unlabelled = page.eval_on_selector_all(
        "#biglist-facets input", "boxes => boxes.filter(b => !b.closest('label')).length"
    )
    assert unlabelled == 0
    assert page.locator("#biglist-more").evaluate("b => b.tagName") == "BUTTON"


def test_on_a_phone_rows_become_cards_without_sideways_scrolling(
    open_page: Opener, data: dict[str, Any]
) -> None:
    page = open_page(viewport=PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not page.is_visible(".biglist-results thead")
    label = page.evaluate(
        "getComputedStyle(document.querySelector('#biglist-rows td:nth-child(2)'), '::before')"
        ".content"
    )
    assert label == '"Sponsor: "'
    link = page.evaluate(
        "getComputedStyle(document.querySelector('#biglist-rows td:nth-child(8)'), '::before')"
        ".content"
    )
    assert link == "none"  # the badge says "Link works" itself
    page.fill("#biglist-text", "vendor 0012")
    assert len(shown(page)) == len(matching(data, {}, "vendor 0012"))


# --- without JavaScript ---------------------------------------------------------------------


def test_without_javascript_the_plain_list_and_facet_pages_work(
    open_page: Opener, data: dict[str, Any]
) -> None:
    page = open_page(javascript=False)
    assert not page.is_visible("#biglist-app")
    assert page.is_visible("#featured")
    links = page.eval_on_selector_all(".biglist-pages a", "a => a.map(x => x.getAttribute('href'))")
    assert links[:2] == ["all/2/", "all/3/"]
    every = page.locator("#biglist-static table").nth(1).locator("tbody tr")
    assert every.count() == 100
    page.click(".biglist-pages a >> nth=1")
    last = page.locator("table.biglist-table tbody tr")
    assert last.count() == SYNTHETIC_COUNT + 1 - 200
    assert last.last.locator("td").first.inner_text() == data["name"][-1]
    industry, label = facet(data, "industry")["values"][0]
    page.goto(page.url.split("all/")[0] + f"industries/{industry}/")
    expected = matching(data, {"industry": {industry}})
    assert page.locator("table.biglist-table tbody tr").count() == len(expected)
    assert label in page.inner_text("h1")


def test_when_the_data_cannot_load_the_page_says_so(browser: Any, synthetic_base: str) -> None:
    context = browser.new_context()
    context.route("**/assets/generated/list.json", lambda route: route.fulfill(status=404))
    page = context.new_page()
    page.goto(synthetic_base)
    expect(page.locator("#biglist-unavailable")).to_be_visible()
    assert not page.is_visible("#biglist-controls") and not page.is_visible("#biglist-more")
    assert page.locator("#biglist-rows tr").count() == BATCH  # the first screen stays
    page.click("#biglist-unavailable a")
    page.wait_for_url("**/browse/")
    context.close()


# --- the first screen, before and after the script ------------------------------------------

SHIFTS = """
window.biglistShift = 0;
new PerformanceObserver(list => {
  for (const shift of list.getEntries()) {
    if (!shift.hadRecentInput) window.biglistShift += shift.value;
  }
}).observe({type: "layout-shift", buffered: true});
"""


def first_screen(page: Any) -> dict[str, Any]:
    return {
        "rows": shown(page),
        "links": page.eval_on_selector_all("#biglist-rows a", "a => a.map(x => x.href)"),
        "badges": page.eval_on_selector_all("#biglist-rows span", "s => s.map(x => x.className)"),
        "facets": page.inner_text("#biglist-facets"),
        "values": page.eval_on_selector_all(
            "#biglist-facets label", "l => l.map(x => x.textContent)"
        ),
        "count": count_text(page),
        "more": page.inner_text("#biglist-more"),
    }


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["1280", "390"])
def test_the_first_screen_is_in_the_html_and_nothing_moves_when_the_script_takes_over(
    browser: Any, synthetic_base: str, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport)
    context.add_init_script(SHIFTS)
    held: list[Any] = []
    context.route("**/assets/generated/list.json", lambda route: held.append(route))
    page = context.new_page()
    page.goto(synthetic_base, wait_until="domcontentloaded")
    page.wait_for_function("document.fonts.ready")
    assert held and page.is_visible("#biglist-rows tr") and page.is_visible("#biglist-text")
    assert page.get_attribute("#biglist-app", "data-state") is None  # the script still waits
    before = first_screen(page)
    assert len(before["rows"]) == BATCH and before["count"] == says(SYNTHETIC_COUNT + 1)
    held[0].continue_()
    page.wait_for_selector("#biglist-app[data-state=ready]")
    assert first_screen(page) == before
    assert page.evaluate("window.biglistShift") <= 0.05
    # The script's own drawing of the same state is what the HTML held.
    page.select_option("#biglist-sort", "name")
    page.select_option("#biglist-sort", "featured")
    assert first_screen(page) == before
    context.close()


def test_words_typed_before_the_data_arrives_still_filter(
    browser: Any, synthetic_base: str, data: dict[str, Any]
) -> None:
    context = browser.new_context()
    held: list[Any] = []
    context.route("**/assets/generated/list.json", lambda route: held.append(route))
    page = context.new_page()
    page.goto(synthetic_base, wait_until="domcontentloaded")
    page.fill("#biglist-text", "vendor 0012")
    held[0].continue_()
    page.wait_for_selector("#biglist-app[data-state=ready]")
    expected = matching(data, {}, "vendor 0012")
    assert sorted(shown_slugs(page)) == sorted(data["slug"][row] for row in expected)
    context.close()


def test_the_home_page_title_is_the_site_name_once(open_page: Opener) -> None:
    page = open_page()
    assert page.title() == "The Big List of B2B Online Communities"
