"""Stats and trends: the counts, the chart geometry, the SVG, and the pages that show them."""

from __future__ import annotations

import datetime as dt
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.catalog.models import Term, Vocabularies
from generator.catalog.validation import load_catalog
from generator.site.rendering import markup_environment
from generator.site.stats import (
    ChartSpec,
    Count,
    additions_per_year,
    build_changes,
    build_stats,
    chart,
    layout,
)
from generator.site.views import SiteView, build_site_view
from generator.state import state_from_json

SAMPLE = Path(__file__).parent / "fixtures" / "sample-data"
SVG = "{http://www.w3.org/2000/svg}"


def checked(url: str, activity: str, **fields: Any) -> dict[str, Any]:
    return {"url": url, "outcome": "ok", "link_status": "ok", "activity": activity, **fields}


STATE = {
    "version": 1,
    "checked_at": "2026-11-25T03:00:00Z",
    "communities": {
        "acme-community": checked("https://community.acme.test/", "active"),
        # Last post on 7 April, watched since 1 April: dormant from 5 October.
        "acme-developers": checked(
            "https://developers.acme.test/forum",
            "dormant",
            last_activity="2026-04-07",
            activity_source="feed",
            history=[{"outcome": "ok", "since": "2026-04-01"}],
        ),
    },
}


@pytest.fixture(scope="module")
def site() -> SiteView:
    return build_site_view(load_catalog(SAMPLE), state_from_json(STATE))


@pytest.fixture(scope="module")
def vocabularies() -> Vocabularies:
    return load_catalog(SAMPLE).vocabularies


def table(stats_chart: Any) -> dict[str, tuple[int, int]]:
    return {bar.label: (bar.value, bar.percent) for bar in stats_chart.bars}


# --- geometry and SVG ----------------------------------------------------------------------


def test_bars_scale_to_the_largest_value_and_percentages_to_the_total() -> None:
    bars = layout([Count("a", 10), Count("b", 5), Count("c", 0)], total=20)
    assert [bar.width for bar in bars] == [530, 265, 0]
    assert [bar.percent for bar in bars] == [50, 25, 0]
    assert [bar.y for bar in bars] == [0, 36, 72]
    assert bars[0].value_text == "10 (50%)"


def test_an_empty_chart_has_no_bars_and_no_division_by_zero() -> None:
    assert layout([], total=0) == []
    assert [bar.percent for bar in layout([Count("a", 0)], total=0)] == [0]


def test_chart_svg_is_well_formed_with_escaped_labels() -> None:
    counts = [Count('R&D <3 > "tools"', 1234), Count("Ops", 2)]
    drawn = chart(ChartSpec("x", "By x", "X"), counts, 1236, markup_environment())
    root = ET.fromstring(
        drawn.svg.removeprefix('<figure class="biglist-chart">\n').removesuffix("\n</figure>")
    )
    assert root.tag == f"{SVG}svg"
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert texts == ['R&D <3 > "tools"', "1,234 (100%)", "Ops", "2 (0%)"]
    assert [rect.get("width") for rect in root.iter(f"{SVG}rect")] == ["530", "1"]
    assert "\n\n" not in drawn.svg


# --- counts --------------------------------------------------------------------------------


def test_counts_by_facet_with_not_stated(site: SiteView, vocabularies: Vocabularies) -> None:
    stats = build_stats(site, vocabularies, markup_environment())
    charts = {c.id: c for c in stats.charts}
    assert table(charts["by-industries"]) == {
        "Enterprise software": (2, 67),
        "Cybersecurity": (1, 33),
    }
    access = table(charts["by-access"])
    assert access["Public"] == (1, 33) and access["Not stated"] == (1, 33)
    assert table(charts["by-size"]) == {
        "Under 1,000 members": (0, 0),
        "100,000 to 1 million members": (1, 33),
        "Not stated": (2, 67),
    }
    assert table(charts["by-activity"]) == {
        "Active": (1, 33),
        "Slowing": (0, 0),
        "Dormant": (1, 33),
        "Unknown": (1, 33),
    }
    assert "Not stated" not in table(charts["by-types"])


def test_activity_shares_and_editions(site: SiteView, vocabularies: Vocabularies) -> None:
    stats = build_stats(site, vocabularies, markup_environment())
    assert [(s.activity, s.value, s.percent, s.judged_percent) for s in stats.shares] == [
        ("active", 1, 33, 50),
        ("slowing", 0, 0, 0),
        ("dormant", 1, 33, 50),
        ("unknown", 1, 33, None),
    ]
    assert stats.judged == 2
    assert stats.checked == 2
    editions = {row.edition: row for row in stats.editions}
    assert (editions[2016].listed, editions[2016].active) == (1, 1)
    assert editions[2011].listed == 0


def write_entry(data: Path, slug: str, added: dt.date, **fields: Any) -> None:
    entry = {
        "name": slug,
        "url": f"https://{slug}.test/",
        "sources": [f"https://{slug}.test/"],
        "added": added,
        **fields,
    }
    (data / "communities" / f"{slug}.yml").write_text(yaml.safe_dump(entry), encoding="utf-8")


def test_additions_per_year_include_years_without_additions(tmp_path: Path) -> None:
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    write_entry(data, "old", dt.date(2020, 5, 1))
    views = build_site_view(load_catalog(data)).communities
    years = [(count.label, count.value) for count in additions_per_year(views)]
    assert years == [
        ("2020", 1),
        ("2021", 0),
        ("2022", 0),
        ("2023", 0),
        ("2024", 1),
        ("2025", 1),
        ("2026", 1),
    ]


def test_editions_new_and_dropped(tmp_path: Path, vocabularies: Vocabularies) -> None:
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    for sample in (data / "communities").glob("*.yml"):
        sample.unlink()
    for slug, editions in {"a": [2011], "b": [2011, 2014], "c": [2014, 2016], "d": [2016]}.items():
        write_entry(data, slug, dt.date(2025, 1, 1), big_list=editions)
    site = build_site_view(load_catalog(data))
    rows = build_stats(site, vocabularies, markup_environment()).editions
    assert [(r.edition, r.listed, r.new, r.dropped) for r in rows] == [
        (2011, 2, 2, 1),
        (2014, 2, 1, 1),
        (2016, 2, 1, None),
    ]
    assert [r.unknown for r in rows] == [2, 2, 2]


def test_sizes_follow_the_vocabulary_order(site: SiteView) -> None:
    sizes = Vocabularies(
        {
            "sizes": {
                "big": Term(id="big", label="Big", description="d"),
                "100k-1m": Term(id="100k-1m", label="Mid", description="d"),
            }
        }
    )
    stats = build_stats(site, sizes, markup_environment())
    by_size = next(c for c in stats.charts if c.id == "by-size")
    assert [bar.label for bar in by_size.bars] == ["Big", "Mid", "Not stated"]


# --- trends and changes --------------------------------------------------------------------


def test_trends_by_month(site: SiteView, vocabularies: Vocabularies) -> None:
    trends = build_stats(site, vocabularies, markup_environment()).trends
    rows = [(row.month, row.added, row.moved, row.quiet, row.gone) for row in trends]
    assert rows == [
        ("2026-10", 1, 0, 1, 0),
        ("2025-01", 1, 0, 0, 0),
        ("2024-03", 1, 0, 0, 0),
    ]
    assert trends[0].title == "October 2026"


def test_changes_keep_recent_months_in_detail(site: SiteView) -> None:
    changes = build_changes(site, recent_months=1)
    assert [month.row.month for month in changes.recent] == ["2026-10"]
    october = changes.recent[0]
    assert [view.slug for view in october.added] == ["secops-peers"]
    assert [view.slug for view in october.quiet] == ["acme-developers"]
    assert [row.month for row in changes.older] == ["2025-01", "2024-03"]


# --- the built pages -----------------------------------------------------------------------


def test_stats_page_draws_inline_svg_with_tables(sample_site: Path) -> None:
    page = (sample_site / "stats" / "index.html").read_text(encoding="utf-8")
    charts = page.count('<figure class="biglist-chart">\n<svg xmlns="http://www.w3.org/2000/svg"')
    assert charts == page.count('role="img" aria-labelledby="chart-') >= 8
    assert "&lt;svg" not in page
    assert "<th>Industry</th>" in page or ">Industry</th>" in page
    assert 'href="../activity/unknown/"' in page


def test_stats_and_changes_are_in_the_nav(sample_site: Path) -> None:
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    assert 'href="stats/"' in home and 'href="changes/"' in home
