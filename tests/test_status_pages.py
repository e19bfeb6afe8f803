"""The checker's state on the site: plain words on community pages, activity pages, the health
and changes pages, all built by `biglist build` from a handcrafted state file (the format of
generator/state.py)."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support import build_project, make_project

from generator.cli import cli
from generator.site.status import (
    check_fields,
    failing_since,
    moved_on,
    status_for,
    status_view,
    time_ago,
    went_quiet_on,
)
from generator.state import CheckRecord, CheckState, Segment, state_to_json

HOSTILE_URL = 'https://new.acme.test/"><script>alert(1)</script>'
CHECKED = dt.datetime(2026, 11, 25, 3, tzinfo=dt.UTC)


def segments(*runs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"outcome": outcome, "since": since} for outcome, since in runs]


STATE: dict[str, Any] = {
    "version": 1,
    "checked_at": "2026-11-25T03:00:00Z",
    "thresholds": {"active_days": 30, "dormant_days": 180},
    "communities": {
        "acme-community": {
            "url": "https://community.acme.test/",
            "outcome": "moved",
            "link_status": "moved",
            "http_status": 200,
            "final_url": HOSTILE_URL,
            "offsite": False,
            "last_activity": "2026-11-22",
            "activity_source": "feed",
            "activity": "active",
            "history": segments(("ok", "2026-11-01"), ("moved", "2026-11-24")),
        },
        "acme-developers": {
            "url": "https://developers.acme.test/forum",
            "outcome": "timeout",
            "link_status": "dead",
            "http_status": None,
            "final_url": "https://developers.acme.test/forum",
            "offsite": False,
            "last_activity": "2026-03-02",
            "activity_source": "discourse",
            "activity": "dormant",
            "failing_runs": 3,
            "failing_since": "2026-11-20",
            "detail": "no answer within 30 s",
            "history": segments(
                ("ok", "2026-03-01"),
                ("server_error", "2026-11-20"),
                ("rate_limited", "2026-11-21"),
                ("timeout", "2026-11-22"),
            ),
        },
        "secops-peers": {
            "url": "https://secops.test/",
            "outcome": "gated",
            "link_status": "gated",
            "http_status": 401,
            "final_url": "https://secops.test/",
            "offsite": False,
            "last_activity": None,
            "activity_source": None,
            "activity": "unknown",
            "history": segments(("gated", "2026-11-25")),
        },
    },
}


class Text(HTMLParser):
    """The visible text of a page's article, and every href and src in it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside, self.text, self.links = 0, [], []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.inside += 1
        if self.inside:
            self.links += [value or "" for name, value in attrs if name in ("href", "src")]

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.inside -= 1

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.text.append(data)

    @classmethod
    def of(cls, page: Path) -> Text:
        parser = cls()
        parser.feed(page.read_text(encoding="utf-8"))
        return parser

    @property
    def words(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text))


def build(project: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["build", "--strict", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("status") / "project")
    (root / "state.json").write_text(json.dumps(STATE), encoding="utf-8")
    return build_project(root, "--state", "state.json")


# --- community pages -----------------------------------------------------------------------


def test_activity_in_plain_words(site: Path) -> None:
    words = Text.of(site / "communities" / "acme-community" / "index.html").words
    assert "Active Last post 3 days ago, from its RSS/Atom feed." in words
    assert "Checked 2026-11-25." in words


def test_a_move_names_the_new_address_and_stays_escaped(site: Path) -> None:
    page = Text.of(site / "communities" / "acme-community" / "index.html")
    assert f"Moved to a new address: {HOSTILE_URL}" in page.words
    assert HOSTILE_URL in page.links
    assert (
        "<script>alert(1)"
        not in (site / "communities" / "acme-community" / "index.html").read_text()
    )


def test_dead_link_says_since_when_and_why(site: Path) -> None:
    words = Text.of(site / "communities" / "acme-developers" / "index.html").words
    assert "Link dead since 20 November 2026 (3 checks in a row failed)" in words
    assert "the site does not answer in time" in words
    assert "Dormant Last post 8 months ago, from its Discourse forum's public API." in words


def test_gated_community_says_members_must_sign_in(site: Path) -> None:
    words = Text.of(site / "communities" / "secops-peers" / "index.html").words
    assert "Members must sign in to see it." in words
    assert "No sign of recent activity could be found." in words


# --- activity pages, the Big List, health and changes ----------------------------------------


def test_one_page_per_activity_value_lists_its_communities(site: Path) -> None:
    listed = {
        value: Text.of(site / "activity" / value / "index.html").words
        for value in ("active", "slowing", "dormant", "unknown")
    }
    assert "Acme Community" in listed["active"]
    assert "Acme Developers" in listed["dormant"]
    assert "SecOps Peers" in listed["unknown"]
    assert "No community is listed here yet" in listed["slowing"]
    assert "Acme Community" not in listed["dormant"]


def test_lists_show_an_activity_badge_per_entry(site: Path) -> None:
    page = (site / "index.html").read_text(encoding="utf-8")
    assert page.count('class="biglist-activity biglist-activity--active"') >= 1
    assert 'class="biglist-activity biglist-activity--dormant"' in page


def section(words: str, title: str, following: str) -> str:
    """The text under one heading (headings end with their permalink mark)."""
    return words.split(f"{title}¶")[1].split(f"{following}¶")[0]


def test_health_lists_each_kind_of_trouble(site: Path) -> None:
    health = Text.of(site / "health" / "index.html")
    words = health.words
    dead = section(words, "Dead links", "Failing links")
    assert "Acme Developers" in dead and "since 20 November 2026" in dead
    assert "Acme Community" not in dead
    assert "None." in section(words, "Failing links", "Moved")
    moved = section(words, "Moved", "Moved to another domain")
    assert "Acme Community" in moved and HOSTILE_URL in moved
    assert "Acme Developers" in section(words, "Dormant", "Blocked by a bot wall")
    assert "SecOps Peers" not in words
    assert HOSTILE_URL in health.links


def test_changes_page_shows_moves_and_deaths_by_month(site: Path) -> None:
    words = Text.of(site / "changes" / "index.html").words
    november = words.split("November 2026¶")[1].split("October 2026¶")[0]
    assert "Moved (1): Acme Community moved to" in november
    assert "Gone (1): Acme Developers" in november
    assert "Gone quiet" not in november
    assert "Added (1): SecOps Peers" in words.split("October 2026¶")[1]
    # Last post on 2 March, watched since 1 March: dormant from 30 August.
    august = words.split("August 2026¶")[1].split("¶")[0]
    assert "Gone quiet (1): Acme Developers" in august


def test_about_links_to_health(site: Path) -> None:
    assert "../health/" in Text.of(site / "about" / "index.html").links


# --- the state file ------------------------------------------------------------------------


def test_default_state_path_is_in_the_data_folder(project: Path) -> None:
    (project / "data" / "check-state.json").write_text(json.dumps(STATE), encoding="utf-8")
    assert build(project).exit_code == 0
    words = Text.of(project / "site" / "communities" / "secops-peers" / "index.html").words
    assert "Members must sign in" in words


def test_without_a_state_every_community_is_unchecked(project: Path) -> None:
    assert build(project).exit_code == 0
    words = Text.of(project / "site" / "communities" / "acme-community" / "index.html").words
    assert "Unknown Not checked yet." in words


def test_a_broken_state_file_fails_with_a_message(project: Path) -> None:
    (project / "bad.json").write_text('{"communities": [{"slug": 1', encoding="utf-8")
    result = build(project, "--state", "bad.json")
    assert result.exit_code == 1
    assert "cannot read the check state bad.json" in result.output
    assert "Traceback" not in result.output


def test_the_checkers_own_writer_round_trips_to_the_page(project: Path) -> None:
    failing = record(
        slug="acme-developers",
        url="https://developers.acme.test/forum",
        outcome="dns_error",
        link_status="failing",
        http_status=None,
        failing_runs=1,
        failing_since=dt.date(2026, 11, 24),
        detail="developers.acme.test does not resolve",
        history=(Segment("dns_error", dt.date(2026, 11, 24)),),
    )
    text = state_to_json(CheckState({"acme-developers": failing}))
    (project / "data" / "check-state.json").write_text(text, encoding="utf-8")
    assert build(project).exit_code == 0
    words = Text.of(project / "site" / "communities" / "acme-developers" / "index.html").words
    assert "Link failing since 24 November 2026: the domain name does not resolve." in words
    assert "Activity cannot be checked while the link fails." in words
    health = Text.of(project / "site" / "health" / "index.html").words
    assert "developers.acme.test does not resolve; since 24 November 2026" in health


def test_a_record_of_an_older_address_does_not_count(project: Path) -> None:
    state = json.loads(json.dumps(STATE))
    state["communities"]["secops-peers"]["url"] = "https://old-secops.test/"
    (project / "data" / "check-state.json").write_text(json.dumps(state), encoding="utf-8")
    assert build(project).exit_code == 0
    words = Text.of(project / "site" / "communities" / "secops-peers" / "index.html").words
    assert "Unknown Not checked yet." in words


# --- reading the record --------------------------------------------------------------------


def record(**fields: Any) -> CheckRecord:
    defaults: dict[str, Any] = {
        "slug": "x",
        "url": "https://x.test/",
        "checked_at": CHECKED,
        "outcome": "ok",
        "link_status": "ok",
        "http_status": 200,
        "final_url": "https://x.test/",
        "offsite": False,
        "last_activity": None,
        "activity_source": None,
        "activity": "unknown",
    }
    return CheckRecord(**{**defaults, **fields})


def history(*runs: tuple[str, int]) -> tuple[Segment, ...]:
    return tuple(Segment(outcome, dt.date(2026, 11, day)) for outcome, day in runs)


def test_failing_since_comes_from_the_record_or_the_check() -> None:
    failing = record(outcome="timeout", link_status="failing", failing_since=dt.date(2026, 11, 3))
    assert failing_since(failing) == dt.date(2026, 11, 3)
    assert failing_since(record(outcome="timeout", link_status="dead")) == dt.date(2026, 11, 25)
    assert failing_since(record()) is None


def test_moved_on_is_the_start_of_the_current_move_across_rate_limits() -> None:
    runs = history(("moved", 1), ("ok", 5), ("moved", 10), ("rate_limited", 12), ("moved", 14))
    assert moved_on(record(outcome="moved", link_status="moved", history=runs)) == dt.date(
        2026, 11, 10
    )
    assert moved_on(record(history=runs)) is None


def test_went_quiet_only_while_the_checker_was_watching() -> None:
    watched = record(
        activity="dormant",
        last_activity=dt.date(2026, 5, 1),
        history=(Segment("ok", dt.date(2026, 6, 1)),),
    )
    assert went_quiet_on(watched, 180) == dt.date(2026, 10, 29)
    found_dormant = record(
        activity="dormant",
        last_activity=dt.date(2025, 1, 1),
        history=(Segment("ok", dt.date(2026, 6, 1)),),
    )
    assert went_quiet_on(found_dormant, 180) is None
    assert went_quiet_on(record(activity="active", last_activity=dt.date(2026, 11, 1)), 180) is None


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (0, "today"),
        (1, "yesterday"),
        (3, "3 days ago"),
        (59, "59 days ago"),
        (90, "3 months ago"),
        (800, "2 years ago"),
    ],
)
def test_time_ago(days: int, words: str) -> None:
    now = dt.date(2026, 11, 25)
    assert time_ago(now - dt.timedelta(days=days), now) == words


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        (
            {"activity": "active", "activity_source": "discourse", "recent_posts": 12},
            "12 posts in the last 30 days, from its Discourse forum's public API.",
        ),
        (
            {
                "activity": "slowing",
                "activity_source": "sitemap",
                "last_activity": dt.date(2026, 8, 1),
            },
            "Last page update 3 months ago, from its sitemap.",
        ),
        (
            {
                "activity": "dormant",
                "activity_source": "page",
                "last_activity": dt.date(2023, 8, 1),
            },
            "Latest date 3 years ago, from dates on its front page.",
        ),
        ({}, "No sign of recent activity could be found."),
    ],
)
def test_activity_sentences(fields: dict[str, Any], sentence: str) -> None:
    assert status_view(record(**fields)).activity_sentence == sentence


def test_offsite_moves_and_unknown_values() -> None:
    view = status_view(
        record(outcome="moved", link_status="moved", final_url="https://b.test/", offsite=True)
    )
    assert (view.link_sentence, view.moved_to) == ("Moved to another site:", "https://b.test/")
    odd = status_view(record(link_status="sideways", activity="thriving"))
    assert (odd.link_status, odd.activity) == ("unknown", "unknown")


def test_status_for_matches_the_address_loosely() -> None:
    state = CheckState({"x": record(url="https://www.X.test:443/")})
    assert status_for(state, "x", "https://x.test").checked
    assert not status_for(state, "x", "https://y.test/").checked
    assert not status_for(state, "other", "https://x.test/").checked


def test_check_fields_of_an_unchecked_and_a_checked_community() -> None:
    assert check_fields(None)["link_status"] == "unknown"
    fields = check_fields(record(last_activity=dt.date(2026, 11, 20)))
    assert fields["checked_at"] == "2026-11-25T03:00:00Z"
    assert fields["last_activity"] == "2026-11-20"
    assert "slug" not in fields and "url" not in fields
