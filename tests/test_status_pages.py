"""The checker's state on the site: plain words on community pages, activity pages, the health
and changes pages, all built by `biglist build` from a handcrafted state file."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import build_project, make_project

from generator.cli import cli
from generator.errors import BuildError
from generator.status import (
    CheckRecord,
    HistoryEvent,
    became_dead_on,
    failing_since,
    load_check_state,
    moved_on,
    status_view,
    time_ago,
    went_quiet_on,
)

HOSTILE_URL = 'https://new.acme.test/"><script>alert(1)</script>'


def run(outcome: str, day: int, activity: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "checked_at": f"2026-11-{day:02d}T03:00:00Z",
        "outcome": outcome,
        "activity": activity,
        **extra,
    }


STATE: dict[str, Any] = {
    "generated_at": "2026-11-25T03:00:00Z",
    "communities": {
        "acme-community": {
            "outcome": "moved",
            "link_status": "moved",
            "http_status": 200,
            "final_url": HOSTILE_URL,
            "offsite": False,
            "last_activity": "2026-11-22",
            "activity_source": "feed",
            "activity": "active",
            "history": [run("ok", 1, "active"), run("moved", 25, "active", final_url=HOSTILE_URL)],
        },
        "acme-developers": {
            "outcome": "timeout",
            "link_status": "dead",
            "http_status": None,
            "final_url": None,
            "offsite": False,
            "last_activity": "2026-03-02",
            "activity_source": "discourse",
            "activity": "dormant",
            "history": [
                run("ok", 1, "slowing"),
                run("server_error", 20, "dormant"),
                run("rate_limited", 21),
                run("dns_error", 22),
                run("timeout", 25),
            ],
        },
        "secops-peers": {
            "outcome": "gated",
            "link_status": "gated",
            "http_status": 401,
            "final_url": "https://secops.test/",
            "offsite": False,
            "last_activity": None,
            "activity_source": None,
            "activity": "unknown",
            "checked_at": "2026-11-25T03:00:00Z",
            "history": [run("gated", 25)],
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
    assert "Link dead since 20 November 2026 (three checks in a row failed)" in words
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
    november = words.split("November 2026")[1].split("October 2026")[0]
    assert "Moved (1): Acme Community moved to" in november
    assert "Gone quiet (1): Acme Developers" in november
    assert "Gone (1): Acme Developers" in november
    assert "Added (1): SecOps Peers" in words.split("October 2026")[1]


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
    assert "bad.json: cannot read the checker state" in result.output
    assert "Traceback" not in result.output


def test_history_without_dates_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"communities": {"x": {"history": [{}]}}}), encoding="utf-8")
    with pytest.raises(BuildError, match="no date"):
        load_check_state(path)


# --- reading the history -------------------------------------------------------------------


def events(*runs: tuple[str, str | None]) -> tuple[HistoryEvent, ...]:
    start = dt.datetime(2026, 11, 1, 3, tzinfo=dt.UTC)
    return tuple(
        HistoryEvent(start + dt.timedelta(days=day), outcome, activity)
        for day, (outcome, activity) in enumerate(runs)
    )


def test_failing_since_skips_neutral_runs_and_stops_at_success() -> None:
    history = events(
        ("timeout", None),
        ("ok", None),
        ("timeout", None),
        ("rate_limited", None),
        ("dns_error", None),
    )
    record = CheckRecord("x", outcome="dns_error", link_status="failing", history=history)
    assert failing_since(record) == dt.date(2026, 11, 3)


def test_dead_after_three_failures_in_a_row_not_counting_rate_limits() -> None:
    history = events(
        ("timeout", None),
        ("rate_limited", None),
        ("not_found", None),
        ("ok", None),
        ("timeout", None),
        ("timeout", None),
        ("refused", None),
        ("server_error", None),
        ("timeout", None),
    )
    assert became_dead_on(history) == dt.date(2026, 11, 8)
    assert became_dead_on(history[:7]) is None


def test_moved_on_is_the_first_run_of_the_current_move() -> None:
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    history = (
        HistoryEvent(start, "moved", final_url="https://a.test/"),
        HistoryEvent(start + dt.timedelta(days=1), "moved", final_url="https://a.test/"),
        HistoryEvent(start + dt.timedelta(days=2), "moved", final_url="https://b.test/"),
    )
    assert moved_on(history) == dt.date(2026, 11, 3)
    assert moved_on(history[:2]) == dt.date(2026, 11, 1)


def test_went_quiet_only_after_being_alive() -> None:
    assert went_quiet_on(events(("ok", "dormant"), ("ok", "dormant"))) is None
    quiet = events(("ok", "active"), ("ok", "slowing"), ("ok", "dormant"), ("ok", "dormant"))
    assert went_quiet_on(quiet) == dt.date(2026, 11, 3)
    revived = events(("ok", "active"), ("ok", "dormant"), ("ok", "active"))
    assert went_quiet_on(revived) is None


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


def test_activity_from_counts_only_and_offsite_moves() -> None:
    checked = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    counts = CheckRecord("x", activity="active", activity_source="discourse", checked_at=checked)
    assert status_view(counts).activity_sentence == (
        "Active, judged by post counts from its Discourse forum's public API."
    )
    offsite = CheckRecord("x", link_status="moved", final_url="https://b.test/", offsite=True)
    view = status_view(offsite)
    assert (view.link_sentence, view.moved_to) == ("Moved to another site:", "https://b.test/")
