"""What a reader sees on a community's page and in every page's head: a gone, failing or moved
community says so (and a gone one offers no Visit button, but its archived copy when there is
one), a "suggest a correction" link, feed autodiscovery and titles that do not repeat the site
name."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from support import SAMPLE_DATA, build_project, make_project
from test_status_pages import CHECKED, HOSTILE_URL, STATE, Text, record

from generator.catalog.validation import load_catalog
from generator.site.building import render_site
from generator.site.corrections import DEFAULT_REPOSITORY, Repository, correction_links
from generator.site.status import ArchivedCopy, archived_copy, status_view
from generator.state import CheckRecord, CheckState, Learned, state_from_json


class Links(HTMLParser):
    """Every link of a page's article: (class, href, text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[list[str]] = []
        self.inside = self.in_link = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "article":
            self.inside = True
        if tag == "a" and self.inside:
            self.links.append([values.get("class") or "", values.get("href") or "", ""])
            self.in_link = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.inside = False
        self.in_link = self.in_link and tag != "a"

    def handle_data(self, data: str) -> None:
        if self.in_link:
            self.links[-1][2] += data

    @classmethod
    def of(cls, page: Path) -> list[list[str]]:
        parser = cls()
        parser.feed(page.read_text("utf-8"))
        return parser.links


def buttons(page: Path) -> list[tuple[str, str]]:
    return [(href, text) for cls, href, text in Links.of(page) if "md-button" in cls]


def community(site: Path, slug: str) -> Path:
    return site / "communities" / slug / "index.html"


# --- link status on the page (the status site of test_status_pages.py) ----------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("reader") / "project")
    (root / "state.json").write_text(json.dumps(STATE), encoding="utf-8")
    return build_project(root, "--state", "state.json")


def test_a_dead_community_says_so_and_offers_no_visit_button(site: Path) -> None:
    page = community(site, "acme-developers")
    words = Text.of(page).words
    assert "This community seems to be gone" in words
    assert "Link dead since 20 November 2026 (3 checks in a row failed)" in words
    assert (
        "Its last known address, which no longer answers: https://developers.acme.test/forum"
        in words
    )
    assert buttons(page) == []
    assert "Visit the community" not in words


def test_a_moved_community_sends_its_button_to_the_new_address(site: Path) -> None:
    page = community(site, "acme-community")
    assert "This community has moved" in Text.of(page).words
    assert buttons(page) == [(HOSTILE_URL, "Visit its new address")]


def test_a_community_in_good_standing_keeps_its_button(site: Path) -> None:
    page = community(site, "secops-peers")
    assert buttons(page) == [("https://secops.test/", "Visit the community")]
    assert "admonition" not in page.read_text("utf-8").split("<article", 1)[1]


def dead_record(**archive: Any) -> CheckRecord:
    return record(
        slug="acme-developers",
        url="https://developers.acme.test/forum",
        outcome="dns_error",
        link_status="dead",
        http_status=None,
        failing_runs=3,
        failing_since=dt.date(2026, 11, 20),
        learned=Learned(**archive),
    )


ARCHIVE = "https://web.archive.org/web/20250301120000/https://developers.acme.test/forum"


@pytest.mark.parametrize(
    ("date", "label"),
    [(dt.date(2025, 3, 1), "Archived copy of 1 March 2025"), (None, "Archived copy")],
)
def test_an_archived_copy_is_read_from_the_record(date: dt.date | None, label: str) -> None:
    copy = archived_copy(dead_record(archive_url=ARCHIVE, archive_date=date))
    assert copy is not None
    assert (copy.url, copy.label) == (ARCHIVE, label)


def test_the_archived_copy_comes_from_the_state_file() -> None:
    state = json.loads(json.dumps(STATE))
    dead = state["communities"]["acme-developers"]
    dead.update(archive_url=ARCHIVE, archive_date="2025-03-01")
    record_read = state_from_json(state).records["acme-developers"]
    assert status_view(record_read).archive == ArchivedCopy(ARCHIVE, dt.date(2025, 3, 1))


def test_no_archived_copy_without_one_or_with_a_bad_address() -> None:
    assert archived_copy(record()) is None
    assert archived_copy(dead_record(archive_url="javascript:alert(1)")) is None
    assert status_view(record()).archive is None


def test_a_dead_page_offers_its_archived_copy() -> None:
    catalog = load_catalog(SAMPLE_DATA, today=CHECKED.date())
    state = CheckState(
        {"acme-developers": dead_record(archive_url=ARCHIVE, archive_date=dt.date(2025, 3, 1))}
    )
    page = str(render_site(catalog, state)["communities/acme-developers.md"])
    assert f'<a href="{ARCHIVE}" rel="nofollow noopener">Archived copy of 1 March 2025</a>' in page
    assert "md-button" not in page


# --- suggest a correction ------------------------------------------------------------------


def test_every_community_page_links_to_its_file_and_a_prefilled_issue(sample_site: Path) -> None:
    for path in sorted((SAMPLE_DATA / "communities").glob("*.yml")):
        links = {text: href for _, href, text in Links.of(community(sample_site, path.stem))}
        edit = links["Suggest a correction to this entry"]
        assert edit == (
            f"https://github.com/biglist-b2b/biglist/edit/main/data/communities/{path.stem}.yml"
        )
        issue = urlsplit(links["report it in an issue"])
        assert issue.path == "/biglist-b2b/biglist/issues/new"
        query = parse_qs(issue.query)
        assert query["title"][0].startswith("Correction: ")
        assert f"communities/{path.stem}.yml" in query["body"][0]


def test_correction_links_follow_the_repository_settings() -> None:
    absolute = Repository("https://gitlab.test/a/b", "https://gitlab.test/a/b/-/edit/trunk/data")
    links = correction_links(absolute, "x-y", "X & Y", "https://site.test/communities/x-y/")
    assert links.edit_url == "https://gitlab.test/a/b/-/edit/trunk/data/communities/x-y.yml"
    assert links.issue_url is None  # only GitHub prefills an issue from its address
    issue = correction_links(DEFAULT_REPOSITORY, "x-y", "X & Y", "p").issue_url
    assert issue is not None and "title=Correction%3A%20X%20%26%20Y" in issue
    assert not correction_links(None, "x-y", "X", "p")
    assert Repository("https://github.com/a/b").edit_url("communities/x.yml") is None


# --- the head of every page ----------------------------------------------------------------


def head(page: Path) -> str:
    return page.read_text("utf-8").split("</head>", 1)[0]


def test_every_page_advertises_the_feed(sample_site: Path) -> None:
    pages = sorted(sample_site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        if page.parts[len(sample_site.parts)] in ("pagefind", "assets"):
            continue
        links = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', head(page))
        assert len(links) == 1, page
        href = re.search(r'href="([^"]+)"', links[0])
        assert href, page
        # The error page is served at any depth, so its links are absolute (site_url's path).
        target = href.group(1).replace("/biglist/", str(sample_site) + "/", 1)
        assert (page.parent / target).resolve() == sample_site / "feed.xml", page


def test_titles_name_the_page_then_the_site_once(sample_site: Path) -> None:
    def title(path: str) -> str:
        found = re.search(r"<title>(.*?)</title>", head(sample_site / path))
        assert found
        return found.group(1)

    site_name = "The Big List of B2B Online Communities"
    assert title("index.html") == site_name
    assert title("communities/acme-community/index.html") == f"Acme Community - {site_name}"
    for page in sample_site.rglob("index.html"):
        assert title(str(page.relative_to(sample_site))).count(site_name) == 1, page
