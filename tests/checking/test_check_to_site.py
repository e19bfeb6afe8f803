"""The shipped site, built from a state the checker wrote on loopback, shows what the checker
learned: detected platforms (marked, and counted by the platform facet), post counts, the
platform mismatches for maintainers, and archived copies of dead communities."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from checker_support import entry, make_data, quick
from loopback_web import Reply, Web, html
from support import build_project, make_project

from generator.checking import check_communities

NOW = dt.datetime.now(dt.UTC).replace(hour=3, minute=0, second=0, microsecond=0)
ABOUT = {"about": {"stats": {"posts_30_days": 1240, "active_users_30_days": 122}}}
SNAPSHOT = {
    "url": "x",
    "archived_snapshots": {
        "closest": {
            "available": True,
            "status": "200",
            "url": "http://web.archive.org/web/20140301120000/http://gone.example/",
            "timestamp": "20140301120000",
        }
    },
}


def words(path: Path) -> str:
    text = re.sub(r"<[^>]+>", " ", path.read_text("utf-8"))
    return " ".join(text.replace("&amp;", "&").split())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    web = Web()
    try:
        root = tmp_path_factory.mktemp("checked")
        forum = web.host().route("/", Reply(200, html(), {"X-Discourse-Route": "list/latest"}))
        forum.route("/about.json", Reply(200, json.dumps(ABOUT)))
        khoros = web.host().route("/", Reply(200, html(), {"Set-Cookie": "LiSESSIONID=1; Path=/"}))
        gone = web.host().route("/", Reply(404, "<title>Not Found</title>"))
        archive = web.host().route("/available", Reply(200, json.dumps(SNAPSHOT)))
        entries = {
            "acme-forum": entry(forum.url(), name="Acme Forum"),
            "mislabelled": entry(khoros.url(), name="Mislabelled Community", platform="vanilla"),
            "gone-community": entry(gone.url(), name="Gone Community"),
        }
        data = make_data(root, entries)
        options = quick(retries=0, archive_api=archive.url("/available"))
        for days in (2, 1, 0):
            night = NOW - dt.timedelta(days=days)
            check_communities(data, options=options, clock=lambda night=night: night)
    finally:
        web.close()
    project = make_project(root / "project", data)
    (project / "state.json").write_text((data / "check-state.json").read_text("utf-8"), "utf-8")
    return build_project(project, "--state", "state.json")


def test_a_detected_platform_is_shown_marked_and_counted(site: Path) -> None:
    page = words(site / "communities" / "acme-forum" / "index.html")
    assert "Platform Discourse (detected)" in page
    assert "1,240 posts and 122 active members in the last 30 days." in page
    facet = words(site / "platforms" / "discourse" / "index.html")
    assert "Acme Forum" in facet
    curated = words(site / "communities" / "mislabelled" / "index.html")
    assert "Vanilla" in curated and "(detected)" not in curated  # the entry's own value wins


def test_the_list_data_carries_counts_and_detected_marks(site: Path) -> None:
    data = json.loads((site / "assets" / "generated" / "list.json").read_text("utf-8"))
    row = data["slug"].index("acme-forum")
    assert data["posts_30_days"] == {"rows": [row], "values": [1240]}
    assert data["detected"]["platform"] == [row]
    platform = next(facet for facet in data["facets"] if facet["key"] == "platform")
    assert platform["values"][platform["rows"][row]][0] == "discourse"
    listing = words(site / "index.html")
    assert "Discourse (detected)" in listing and "Active , 1,240 posts in 30 days" in listing


def test_the_health_page_lists_a_platform_that_differs(site: Path) -> None:
    health = words(site / "health" / "index.html")
    section = health.split("Platform to review", 2)[-1]
    assert "Mislabelled Community" in section
    assert "The entry says Vanilla" in section and "Lithium cookie" in section
    assert "Acme Forum" not in section


def test_a_dead_community_offers_its_archived_copy(site: Path) -> None:
    raw = (site / "communities" / "gone-community" / "index.html").read_text("utf-8")
    assert "https://web.archive.org/web/20140301120000/http://gone.example/" in raw
    assert "2014" in words(site / "communities" / "gone-community" / "index.html")
    assert "Visit the community" not in raw
    api = json.loads((site / "api" / "communities.json").read_text("utf-8"))
    gone = next(c for c in api["communities"] if c["slug"] == "gone-community")
    assert gone["link_status"] == "dead" and gone["archive_date"] == "2014-03-01"
    forum = next(c for c in api["communities"] if c["slug"] == "acme-forum")
    assert forum["detected_platform"] == "discourse" and forum["posts_30_days"] == 1240
