"""Archived copies: the Wayback Machine's availability API, played by a loopback stand-in that
answers in the API's JSON shape (a snapshot, "no snapshot", errors)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from checker_support import entry, make_data, quick
from click.testing import CliRunner
from loopback_web import Host, Reply, Seen, Web, html

from generator.checking import check_communities
from generator.checking.archive import NO_SNAPSHOT, Snapshot, parse_availability
from generator.cli import cli
from generator.state import read_state

NIGHT = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)
# The availability API's answer for a URL it has archived (shape as documented by the
# Internet Archive: https://archive.org/help/wayback_api.php).
FOUND = {
    "url": "example.com",
    "archived_snapshots": {
        "closest": {
            "status": "200",
            "available": True,
            "url": "http://web.archive.org/web/20130919044612/http://example.com/",
            "timestamp": "20130919044612",
        }
    },
}
NOT_FOUND = {"url": "example.com", "archived_snapshots": {}}


def asked_about(seen: Seen) -> str:
    return parse_qs(urlsplit(seen.path).query)["url"][0]


def stand_in(web: Web, answers: dict[str, Any]) -> Host:
    """`answers`: entry URL → JSON to answer, or a Reply (an error)."""

    def answer(seen: Seen) -> Reply:
        found = answers.get(asked_about(seen), NOT_FOUND)
        if isinstance(found, Reply):
            return found
        return Reply(200, json.dumps(found), {"Content-Type": "application/json"})

    return web.host().route("/wayback/available", answer)


def check(data: Path, api: Host, night: dt.datetime = NIGHT) -> None:
    options = quick(retries=0, archive_api=api.url("/wayback/available"))
    check_communities(data, options=options, clock=lambda: night)


def test_the_api_shapes() -> None:
    assert parse_availability(FOUND) == Snapshot(
        "https://web.archive.org/web/20130919044612/http://example.com/", dt.date(2013, 9, 19)
    )
    assert parse_availability(NOT_FOUND) is NO_SNAPSHOT
    unavailable = {"archived_snapshots": {"closest": {**FOUND["archived_snapshots"]["closest"]}}}
    unavailable["archived_snapshots"]["closest"]["available"] = False
    assert parse_availability(unavailable) is NO_SNAPSHOT
    bad_url = json.loads(json.dumps(FOUND))
    bad_url["archived_snapshots"]["closest"]["url"] = "javascript:alert(1)"
    assert parse_availability(bad_url) is NO_SNAPSHOT
    assert parse_availability([]) is None and parse_availability({"x": 1}) is None


def test_failing_dead_and_moved_entries_get_their_latest_archived_copy(
    tmp_path: Path, web: Web
) -> None:
    gone = web.host().route("/", Reply(404, "<title>Not Found</title>"))
    moved = web.host().route("/", Reply(301, headers={"Location": "/new/"}))
    moved.route("/new/", Reply(200, html()))
    never = web.host().route("/", Reply(500, "x"))
    alive = web.host().route("/", Reply(200, html()))
    api = stand_in(web, {gone.url(): FOUND, moved.url(): FOUND})
    data = make_data(
        tmp_path,
        {"gone": entry(gone.url()), "moved": entry(moved.url()), "never": entry(never.url()),
         "alive": entry(alive.url())},
    )  # fmt: skip
    report = tmp_path / "report.json"
    options = quick(retries=0, archive_api=api.url("/wayback/available"))
    check_communities(data, options=options, clock=lambda: NIGHT, report_path=report)
    records = read_state(data / "check-state.json").records
    for slug in ("gone", "moved"):
        learned = records[slug].learned
        assert learned.archive_url == FOUND["archived_snapshots"]["closest"]["url"].replace(
            "http:", "https:", 1
        )
        assert learned.archive_date == dt.date(2013, 9, 19)
        assert learned.archive_checked == NIGHT.date()
    assert records["never"].learned.archive_url is None  # no snapshot
    assert records["never"].learned.archive_checked == NIGHT.date()
    assert sorted(map(asked_about, api.requests)) == sorted([gone.url(), moved.url(), never.url()])
    rows = {row["slug"]: row for row in json.loads(report.read_text())["communities"]}
    assert rows["gone"]["archive_date"] == "2013-09-19"
    assert rows["gone"]["archive_url"].startswith("https://web.archive.org/web/2013")
    assert "archive_url" not in rows["alive"] and "archive_url" not in rows["never"]


def test_the_archive_is_asked_again_only_after_a_month(tmp_path: Path, web: Web) -> None:
    gone = web.host().route("/", Reply(404, "<title>Not Found</title>"))
    api = stand_in(web, {gone.url(): FOUND})
    data = make_data(tmp_path, {"gone": entry(gone.url())})
    for days in (0, 1, 2, 29):
        check(data, api, NIGHT + dt.timedelta(days=days))
    assert len(api.requests) == 1
    learned = read_state(data / "check-state.json").records["gone"].learned
    assert learned.archive_date == dt.date(2013, 9, 19)  # kept from the first night
    check(data, api, NIGHT + dt.timedelta(days=30))
    assert len(api.requests) == 2


def test_a_working_link_forgets_its_archived_copy(tmp_path: Path, web: Web) -> None:
    answers = iter([Reply(404), Reply(200, html())])
    site = web.host().route("/", lambda seen: next(answers))
    api = stand_in(web, {site.url(): FOUND})
    data = make_data(tmp_path, {"back": entry(site.url())})
    check(data, api)
    assert read_state(data / "check-state.json").records["back"].learned.archive_url
    check(data, api, NIGHT + dt.timedelta(days=1))
    assert read_state(data / "check-state.json").records["back"].learned.archive_url is None


def test_errors_keep_what_was_found_and_stop_the_lookups(tmp_path: Path, web: Web) -> None:
    sites = [web.host().route("/", Reply(404)) for _ in range(3)]
    answers: dict[str, Any] = {site.url(): FOUND for site in sites}
    api = stand_in(web, answers)
    data = make_data(tmp_path, {f"gone{n}": entry(site.url()) for n, site in enumerate(sites)})
    check(data, api)
    for site in sites:
        answers[site.url()] = Reply(503, "busy")
    check(data, api, NIGHT + dt.timedelta(days=31))
    assert len(api.requests) == 3 + 1  # the first error ends the lookups of the run
    records = read_state(data / "check-state.json").records
    assert {r.learned.archive_date for r in records.values()} == {dt.date(2013, 9, 19)}
    assert {r.learned.archive_checked for r in records.values()} == {NIGHT.date()}
    # Nonsense in a 200 answer is skipped, the others are still asked.
    answers[sites[0].url()] = Reply(200, "<html>not json</html>")
    answers[sites[1].url()] = NOT_FOUND
    answers[sites[2].url()] = FOUND
    check(data, api, NIGHT + dt.timedelta(days=32))
    records = read_state(data / "check-state.json").records
    assert records["gone0"].learned.archive_checked == NIGHT.date()
    assert records["gone1"].learned.archive_url is None
    assert records["gone2"].learned.archive_checked == (NIGHT + dt.timedelta(days=32)).date()


def test_an_unreachable_api_leaves_the_run_as_it_was(tmp_path: Path, web: Web) -> None:
    gone = web.host().route("/", Reply(404))
    data = make_data(tmp_path, {"gone": entry(gone.url())})
    options = quick(retries=0, archive_api=web.closed_port() + "wayback/available")
    run = check_communities(data, options=options, clock=lambda: NIGHT)
    assert run.records[0].link_status == "failing"
    assert run.records[0].learned.archive_checked is None


def test_the_cli_flag_names_the_api_and_empty_turns_it_off(tmp_path: Path, web: Web) -> None:
    gone = web.host().route("/", Reply(404))
    api = stand_in(web, {gone.url(): FOUND})
    data = make_data(tmp_path, {"gone": entry(gone.url())})
    base = ["check", "--data", str(data), "--allow-private", "--delay", "0", "--retries", "0"]
    result = CliRunner().invoke(cli, [*base, "--archive-api", ""])
    assert result.exit_code == 0, result.output
    assert api.requests == []
    result = CliRunner().invoke(cli, [*base, "--archive-api", api.url("/wayback/available")])
    assert result.exit_code == 0, result.output
    assert len(api.requests) == 1
    assert read_state(data / "check-state.json").records["gone"].learned.archive_url


def test_a_night_asks_about_a_bounded_number_never_asked_first(
    tmp_path: Path, web: Web, monkeypatch: Any
) -> None:
    monkeypatch.setattr("generator.checking.archive.MAX_LOOKUPS_PER_RUN", 2)
    sites = [web.host().route("/", Reply(404)) for _ in range(3)]
    api = stand_in(web, {site.url(): FOUND for site in sites})
    data = make_data(tmp_path, {f"gone{n}": entry(site.url()) for n, site in enumerate(sites)})
    check(data, api)
    first = set(map(asked_about, api.requests))
    assert len(first) == 2
    check(data, api, NIGHT + dt.timedelta(days=1))
    assert len(api.requests) == 3
    assert {asked_about(api.requests[-1])} == {site.url() for site in sites} - first


def test_the_lookups_go_on_while_the_run_visits_other_hosts(tmp_path: Path, web: Web) -> None:
    """The archive is asked during the run, not after it: a slow host at the end of the run
    and the lookups overlap."""
    gone = web.host().route("/", Reply(404))
    slow = web.host().route("/", Reply(200, html(), delay=2.0))
    api = stand_in(web, {gone.url(): FOUND})
    data = make_data(tmp_path, {"a-gone": entry(gone.url()), "b-slow": entry(slow.url())})
    options = quick(retries=0, timeout=8.0, archive_api=api.url("/wayback/available"))
    check_communities(data, options=options, clock=lambda: NIGHT)
    assert len(api.requests) == 1
    assert api.requests[0].started < slow.requests[0].ended  # type: ignore[operator]
    assert read_state(data / "check-state.json").records["a-gone"].learned.archive_url


def test_a_slow_archive_does_not_hold_up_the_run(
    tmp_path: Path, web: Web, monkeypatch: Any
) -> None:
    """Past a short grace after the visits, unanswered lookups wait for a later night."""
    monkeypatch.setattr("generator.checking.archive.FINISH_GRACE_SECONDS", 0.5)
    gone = web.host().route("/", Reply(404))
    api = web.host().route("/wayback/available", Reply(200, json.dumps(FOUND), delay=3.0))
    data = make_data(tmp_path, {"gone": entry(gone.url())})
    options = quick(retries=0, timeout=8.0, archive_api=api.url("/wayback/available"))
    run = check_communities(data, options=options, clock=lambda: NIGHT)
    assert run.records[0].learned.archive_checked is None  # still due: asked again next night
