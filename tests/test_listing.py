"""The Big List page's data file and its plain (no-JavaScript) pages, from the sample data."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from generator.catalog.validation import load_catalog
from generator.site import listing
from generator.site.building import render_site
from generator.site.first_screen import first_screen
from generator.site.listing import LIST_DATA_PATH, day_number, list_data, list_pages, page_path
from generator.site.views import build_site_view
from generator.state import state_from_json

STATE = {
    "version": 1,
    "checked_at": "2026-11-25T03:00:00Z",
    "communities": {
        "secops-peers": {
            "url": "https://secops.test/",
            "outcome": "ok",
            "link_status": "ok",
            "last_activity": "2026-11-20",
            "activity_source": "feed",
            "activity": "active",
        }
    },
}


def data_of(sample_data: Path, state: dict[str, Any] | None = None) -> dict[str, Any]:
    catalog = load_catalog(sample_data)
    check_state = state_from_json(state) if state else None
    return list_data(build_site_view(catalog, check_state))


def facet(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(item for item in data["facets"] if item["key"] == key)


def value_ids(data: dict[str, Any], key: str, row: int) -> list[str]:
    """The facet value ids of one row, whatever the facet's arity."""
    found = facet(data, key)
    indexes = found["rows"][row]
    indexes = indexes if isinstance(indexes, list) else [indexes]
    return [found["values"][index][0] for index in indexes if index >= 0]


def row_of(data: dict[str, Any], slug: str) -> int:
    return int(data["slug"].index(slug))


def test_every_column_has_one_value_per_community_in_name_order(sample_data: Path) -> None:
    data = data_of(sample_data)
    assert data["version"] == 1
    assert data["rows"] == 3
    assert data["name"] == ["Acme Community", "Acme Developers", "SecOps Peers"]
    for column in ("slug", "name", "sponsor", "added", "last_activity"):
        assert len(data[column]) == 3, column
    for item in data["facets"]:
        assert len(item["rows"]) == 3, item["key"]


def test_sponsors_are_a_label_table(sample_data: Path) -> None:
    data = data_of(sample_data)
    assert data["sponsors"] == ["Acme"]
    assert data["sponsor"] == [0, 0, -1]


def test_facets_cover_every_filter_of_the_list(sample_data: Path) -> None:
    keys = [item["key"] for item in data_of(sample_data)["facets"]]
    assert keys == [
        "industry",
        "type",
        "platform",
        "access",
        "activity",
        "status",
        "edition",
        "featured",
    ]


def test_facet_rows_point_into_their_label_table(sample_data: Path) -> None:
    data = data_of(sample_data)
    acme = row_of(data, "acme-community")
    secops = row_of(data, "secops-peers")
    assert value_ids(data, "industry", acme) == ["enterprise-software"]
    assert value_ids(data, "industry", secops) == ["cybersecurity"]
    assert value_ids(data, "type", secops) == ["professional-peer"]
    assert value_ids(data, "access", row_of(data, "acme-developers")) == []
    labels = dict(facet(data, "type")["values"])
    assert labels["professional-peer"] == "Professional peers"


def test_multi_valued_facets_give_lists(sample_data: Path) -> None:
    data = data_of(sample_data)
    assert facet(data, "type")["multi"] is True
    assert all(isinstance(row, list) for row in facet(data, "type")["rows"])
    assert facet(data, "industry")["multi"] is False
    assert all(isinstance(row, int) for row in facet(data, "industry")["rows"])


def test_values_no_community_has_are_left_out(sample_data: Path) -> None:
    data = data_of(sample_data)
    industries = [value for value, _ in facet(data, "industry")["values"]]
    assert sorted(industries) == ["cybersecurity", "enterprise-software"]
    # Most common first: two Acme communities are enterprise software.
    assert industries[0] == "enterprise-software"


def test_featured_and_big_list_editions(sample_data: Path) -> None:
    data = data_of(sample_data)
    assert facet(data, "featured")["values"] == [["featured", "Featured"]]
    assert facet(data, "featured")["rows"] == [0, -1, -1]
    assert facet(data, "edition")["values"] == [["2016", "2016 edition"]]
    assert facet(data, "edition")["rows"] == [[0], [], []]


def test_audiences_are_a_label_table(sample_data: Path) -> None:
    for slug, audience in (("secops-peers", "Security leads"), ("acme-community", "Admins")):
        with (sample_data / "communities" / f"{slug}.yml").open("a", encoding="utf-8") as entry:
            entry.write(f"audience: {audience}\n")
    data = data_of(sample_data)
    assert data["audiences"] == ["Admins", "Security leads"]
    assert data["audience"] == [0, -1, 1]


def test_link_standing_comes_from_the_checker_state(sample_data: Path) -> None:
    unchecked = data_of(sample_data)
    assert facet(unchecked, "status")["values"] == [["unknown", "Not checked yet"]]
    state = json.loads(json.dumps(STATE))
    state["communities"]["secops-peers"].update(outcome="not_found", link_status="dead")
    checked = data_of(sample_data, state)
    assert facet(checked, "status")["values"] == [
        ["dead", "Link dead"],
        ["unknown", "Not checked yet"],
    ]
    assert value_ids(checked, "status", row_of(checked, "secops-peers")) == ["dead"]


def test_the_first_screen_is_what_the_script_draws_first(sample_data: Path) -> None:
    data = data_of(sample_data, STATE)
    screen = first_screen(data, rows=2)
    assert [row.slug for row in screen.rows] == ["acme-community", "acme-developers"]
    assert screen.rows[0].featured and not screen.rows[1].featured
    assert screen.count_text == "Showing 2 of 3 communities."
    assert screen.more_text == "Show 1 more (1 not shown yet)"
    industry = next(control for control in screen.facets if control.key == "industry")
    assert [(value.label, value.count) for value in industry.values] == [
        ("Enterprise software", "(2)"),
        ("Cybersecurity", "(1)"),
    ]
    assert first_screen(data).count_text == "3 communities."
    secops = first_screen(data).rows[2]
    assert (secops.activity.id, secops.link.label) == ("active", "Link works")


def test_dates_are_day_numbers(sample_data: Path) -> None:
    data = data_of(sample_data)
    assert data["added"][row_of(data, "acme-community")] == day_number(dt.date(2024, 3, 1))
    assert day_number(dt.date(1970, 1, 2)) == 1
    assert day_number(None) == -1


def test_activity_comes_from_the_checker_state(sample_data: Path) -> None:
    unchecked = data_of(sample_data)
    assert facet(unchecked, "activity")["values"] == [["unknown", "Unknown"]]
    assert unchecked["last_activity"] == [-1, -1, -1]
    checked = data_of(sample_data, STATE)
    secops = row_of(checked, "secops-peers")
    assert value_ids(checked, "activity", secops) == ["active"]
    assert checked["last_activity"][secops] == day_number(dt.date(2026, 11, 20))
    assert value_ids(checked, "activity", row_of(checked, "acme-community")) == ["unknown"]


def test_contributed_text_is_plain_json_data(sample_data: Path) -> None:
    entry = sample_data / "communities" / "secops-peers.yml"
    hostile = "Tom & Jerry's *Forum* {{ x }} | [y](z) `q`"
    text = entry.read_text("utf-8").replace("name: SecOps Peers", f'name: "{hostile}"')
    entry.write_text(text, "utf-8")
    written = render_site(load_catalog(sample_data))[LIST_DATA_PATH]
    assert isinstance(written, str)
    assert hostile in json.loads(written)["name"]


# --- plain pages ---------------------------------------------------------------------------


def test_the_list_splits_into_pages_with_the_first_on_the_home_page(sample_data: Path) -> None:
    views = build_site_view(load_catalog(sample_data)).communities
    pages = list_pages(views, 2)
    assert [page.path for page in pages] == ["index.md", "all/2.md"]
    assert [(page.start, page.end) for page in pages] == [(1, 2), (3, 3)]
    assert pages[1].first_name == pages[1].last_name == "SecOps Peers"
    assert [page.path for page in list_pages(views[:0], 2)] == ["index.md"]
    assert page_path(7) == "all/7.md"


def rows_of(markdown: str) -> list[str]:
    return re.findall(r'<tr><td><a href="([^"]+)">', markdown)


def test_home_page_carries_the_live_list_and_only_its_first_plain_page(
    sample_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "ROWS_PER_PAGE", 2)
    files = render_site(load_catalog(sample_data))
    home = str(files["index.md"])
    assert 'id="biglist-app"' in home and 'data-src="assets/generated/list.json"' in home
    assert '<script src="assets/biglist-list.js" defer></script>' in home
    a_to_z = home.split('id="every-community"')[1]
    assert rows_of(a_to_z) == ["communities/acme-community/", "communities/acme-developers/"]
    assert 'href="all/2/"' in a_to_z
    second = str(files["all/2.md"])
    assert rows_of(second) == ["../../communities/secops-peers/"]
    assert 'href="../../"' in second  # back to page 1, the home page


def test_featured_communities_come_first_on_the_home_page(sample_data: Path) -> None:
    home = str(render_site(load_catalog(sample_data))["index.md"])
    featured, a_to_z = home.split('id="every-community"')
    assert rows_of(featured) == ["communities/acme-community/"]
    assert len(rows_of(a_to_z)) == 3
    assert "all/" not in a_to_z  # one page: no page links


def test_plain_pages_stay_out_of_search_and_nav(
    sample_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "ROWS_PER_PAGE", 1)
    files = render_site(load_catalog(sample_data))
    assert {"all/2.md", "all/3.md"} <= set(files)
    for path in ("index.md", "all/2.md"):
        assert "search:\n  exclude: true" in str(files[path])
    config = (Path(__file__).resolve().parents[1] / "mkdocs.yml").read_text("utf-8")
    assert "  /all/\n" in config


def test_the_first_screen_marks_detected_values_and_post_counts_as_the_script_does(
    sample_data: Path,
) -> None:
    data = data_of(sample_data, STATE)
    secops = row_of(data, "secops-peers")
    data["detected"] = {"platform": [], "access": [secops]}
    data["posts_30_days"] = {"rows": [secops], "values": [1240]}
    row = first_screen(data).rows[secops]
    assert row.cells[3] == "Members only (detected)"
    assert row.posts == ", 1,240 posts in 30 days"
    assert first_screen(data).rows[0].posts == ""
