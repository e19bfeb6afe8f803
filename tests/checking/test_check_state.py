"""The state file's read API for the site build, its words, and the progress lines."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from generator.checking.history import advance
from generator.checking.progress import Throttle, bar_line, plain_line
from generator.checking.run import Progress
from generator.state import (
    CheckRecord,
    CheckState,
    FeedCache,
    Segment,
    StateError,
    activity_phrase,
    classify_activity,
    default_state_path,
    link_phrase,
    load_check_state,
    read_state,
    state_to_json,
    time_ago,
)

NOW = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def record(**changes: object) -> CheckRecord:
    fields: dict[str, object] = {
        "slug": "acme",
        "url": "https://acme.example/",
        "checked_at": NOW,
        "outcome": "ok",
        "link_status": "ok",
        "http_status": 200,
        "final_url": "https://acme.example/",
        "offsite": False,
        "last_activity": TODAY - dt.timedelta(days=3),
        "activity_source": "feed",
        "activity": "active",
    }
    fields.update(changes)
    return CheckRecord(**fields)  # type: ignore[arg-type]


def test_a_missing_file_means_nothing_checked(tmp_path: Path) -> None:
    assert load_check_state(tmp_path / "check-state.json") == {}
    assert default_state_path(tmp_path) == tmp_path / "check-state.json"


def test_records_round_trip(tmp_path: Path) -> None:
    original = record(
        history=(Segment("ok", TODAY),),
        feeds={"https://acme.example/f": FeedCache("e", None, TODAY)},
        failing_runs=0,
        detail="HTTP 200",
        activity_url="https://acme.example/f",
    )
    path = tmp_path / "state.json"
    path.write_text(state_to_json(CheckState({"acme": original})))
    assert load_check_state(path) == {"acme": original}


def test_damaged_records_are_kept_as_they_were_and_reported(tmp_path: Path) -> None:
    good = json.loads(state_to_json(CheckState({"acme": record()})))
    broken = {**good["communities"]["acme"], "url": 7}
    good["communities"]["broken"] = broken
    good["communities"]["odd"] = "not a record"
    good["communities"]["bad-history"] = {**good["communities"]["acme"], "history": [1]}
    path = tmp_path / "state.json"
    path.write_text(json.dumps(good))
    state = read_state(path)
    assert set(state.records) == {"acme"}
    assert state.unreadable == {
        "broken": broken,
        "odd": "not a record",
        "bad-history": good["communities"]["bad-history"],
    }
    assert sorted(state.problems) == [
        f"{path}: communities.bad-history: 'history' holds a number 1 where a segment belongs; "
        "record kept as it was",
        f"{path}: communities.broken: 'url' must be a non-empty string, not a number 7; "
        "record kept as it was",
        f'{path}: communities.odd: not a record but a string "not a record"; record kept as it was',
    ]
    path.write_text(state_to_json(state))  # written back unchanged
    assert json.loads(path.read_text())["communities"]["broken"] == broken


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", "not a check state file"),
        ('{"version": 99, "communities": {}}', "unsupported state version 99"),
        ("\x00", "cannot read the check state"),
        ('{"version": 1, "communities": {}, "thresholds": [30, 180]}', "'thresholds' must be"),
        ('{"version": 1, "communities": {}, "thresholds": "30"}', "'thresholds' must be"),
        (
            '{"version": 1, "communities": {}, "thresholds": {"active_days": "x"}}',
            "'thresholds.active_days' must be a positive whole number",
        ),
        ('{"version": 1, "communities": {}, "checked_at": 5}', "'checked_at' must be a string"),
        ('{"version": 1, "communities": {}, "last_run": []}', "'last_run' must be a mapping"),
        ('{"version": 1, "communities": []}', "no 'communities' mapping"),
        ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
        ('{"communities": {"a": ' * 100_000 + "}" * 100_000, "cannot read"),
    ],
)
def test_unusable_files_are_state_errors_naming_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "state.json"
    path.write_text(text)
    with pytest.raises(StateError, match="state\\.json") as raised:
        read_state(path)
    assert message in str(raised.value)


def test_activity_phrases() -> None:
    assert activity_phrase(record(), TODAY) == "last post 3 days ago, from its RSS/Atom feed"
    sitemap = record(activity_source="sitemap", last_activity=TODAY - dt.timedelta(days=90))
    assert activity_phrase(sitemap, TODAY) == "last update 3 months ago, from its sitemap"
    counts = record(activity_source="discourse", last_activity=None, recent_posts=40)
    assert activity_phrase(counts, TODAY) == (
        "40 posts in the last 30 days, from its Discourse forum"
    )
    nothing = record(activity_source=None, last_activity=None, activity="unknown")
    assert activity_phrase(nothing, TODAY) == "no sign of recent activity could be found"


def test_link_phrases_and_facts() -> None:
    moved = record(outcome="moved", link_status="moved", final_url="https://new.example/")
    assert link_phrase(moved) == "moved to https://new.example/"
    assert moved.moved_to == "https://new.example/"
    gated = record(outcome="gated", link_status="gated")
    assert link_phrase(gated) == "members must sign in" and gated.members_must_sign_in
    dead = record(
        outcome="not_found",
        link_status="dead",
        failing_runs=3,
        failing_since=dt.date(2026, 11, 20),
        detail="HTTP 404",
    )
    assert link_phrase(dead) == "gone: failing on 3 checks in a row since 2026-11-20"
    assert dead.failing and dead.moved_to is None


def test_time_ago() -> None:
    assert [time_ago(TODAY - dt.timedelta(days=n), TODAY) for n in (0, 1, 12, 400, 1000)] == [
        "today",
        "yesterday",
        "12 days ago",
        "13 months ago",
        "2 years ago",
    ]


def test_classify_activity_matches_the_checker() -> None:
    assert classify_activity(TODAY - dt.timedelta(days=31), TODAY) == "slowing"
    assert classify_activity(TODAY - dt.timedelta(days=10), TODAY, 7, 14) == "slowing"


def test_failing_since_is_kept_across_failing_runs() -> None:
    first = advance(None, "u", "timeout", NOW - dt.timedelta(days=1), 3)
    earlier = record(
        link_status=first.link_status,
        failing_runs=first.failing_runs,
        failing_since=TODAY - dt.timedelta(days=1),
        url="u",
        outcome="timeout",
    )
    second = advance(earlier, "u", "server_error", NOW + dt.timedelta(days=1), 3)
    assert (second.link_status, second.failing_runs, second.failing_since) == (
        "failing",
        2,
        TODAY - dt.timedelta(days=1),
    )


def progress(done: int) -> Progress:
    return Progress(done, 10, {"ok": done - 1, "timeout": 1}, record())


def test_progress_lines() -> None:
    assert plain_line(progress(5)) == "checked 5/10 (50%): ok 4, timeout 1"
    assert bar_line(progress(5)).startswith("[############            ] 5/10 ok 4, timeout 1")


def test_throttle_lets_the_last_line_through() -> None:
    clock = iter([0.0, 1.0, 20.0, 21.0])
    throttle = Throttle(10.0, clock=lambda: next(clock))
    assert [throttle.due(progress(n)) for n in (1, 2, 3, 10)] == [True, False, True, True]
