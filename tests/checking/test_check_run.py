"""Whole runs: state over several runs (three strikes), checkpoints and interruptions, lanes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from checker_support import days_ago, entry, make_data, quick, rfc822
from loopback_web import Reply, Web, html, rss

from generator.checking import CheckOptions, Progress, UnknownSlugError, check_communities
from generator.checking.run import CheckRun
from generator.errors import CheckError, DataError
from generator.state import load_check_state, read_state

FIRST_NIGHT = dt.datetime.now(dt.UTC).replace(hour=3, minute=0) - dt.timedelta(days=30)


def check(data: Path, options: CheckOptions | None = None, **kwargs: Any) -> CheckRun:
    return check_communities(data, options=options or quick(), **kwargs)


def nightly(data: Path, night: int, **kwargs: Any) -> CheckRun:
    """A run on the given night (a day after the one before, as the nightly job runs)."""
    moment = FIRST_NIGHT + dt.timedelta(days=night)
    return check(data, clock=lambda: moment, **kwargs)


def test_a_run_writes_every_entry_to_the_state(tmp_path: Path, web: Web) -> None:
    up = web.host().route("/", Reply(200, html()))
    down = web.host().route("/", Reply(500, "x"))
    data = make_data(tmp_path, {"up": entry(up.url()), "down": entry(down.url())})
    run = check(data)
    assert [r.slug for r in run.records] == ["down", "up"]
    records = load_check_state(data / "check-state.json")
    assert records["up"].link_status == "ok" and records["down"].link_status == "failing"
    assert records["down"].failing_since == run.started_at.date()


def test_three_failing_runs_make_a_dead_link(tmp_path: Path, web: Web) -> None:
    site = web.host().route("/", Reply(404, "gone"))
    data = make_data(tmp_path, {"gone": entry(site.url())})
    statuses = [nightly(data, night).records[0].link_status for night in range(3)]
    assert statuses == ["failing", "failing", "dead"]
    record = load_check_state(data / "check-state.json")["gone"]
    assert record.failing_runs == 3 and len(record.history) == 1


def test_a_success_resets_the_count(tmp_path: Path, web: Web) -> None:
    answers = iter([404, 404, 200, 404, 404])
    site = web.host().route("/", lambda seen: Reply(next(answers), html()))
    data = make_data(tmp_path, {"flaky": entry(site.url())})
    statuses = [nightly(data, night).records[0].link_status for night in range(5)]
    assert statuses == ["failing", "failing", "ok", "failing", "failing"]
    history = load_check_state(data / "check-state.json")["flaky"].history
    assert [segment.outcome for segment in history] == ["not_found", "ok", "not_found"]


def test_rate_limits_keep_the_standing(tmp_path: Path, web: Web) -> None:
    answers = iter(
        [
            Reply(200, html()),
            Reply(429, headers={"Retry-After": "3600"}),
            Reply(404),
            Reply(404),
            Reply(429, headers={"Retry-After": "3600"}),
            Reply(404),
        ]
    )
    site = web.host().route("/", lambda seen: next(answers))
    data = make_data(tmp_path, {"busy": entry(site.url())})
    runs = [nightly(data, night).records[0] for night in range(6)]
    assert [r.outcome for r in runs] == [
        "ok",
        "rate_limited",
        "not_found",
        "not_found",
        "rate_limited",
        "not_found",
    ]
    assert [r.link_status for r in runs] == ["ok", "ok", "failing", "failing", "failing", "dead"]


def test_a_first_rate_limited_run_is_unknown(tmp_path: Path, web: Web) -> None:
    site = web.host().route("/", Reply(429, headers={"Retry-After": "3600"}))
    data = make_data(tmp_path, {"busy": entry(site.url())})
    assert check(data).records[0].link_status == "unknown"
    assert site.count("/") == 1  # Retry-After beyond the cap: no retry in this run


def test_a_new_url_starts_a_new_history(tmp_path: Path, web: Web) -> None:
    old = web.host().route("/", Reply(404))
    new = web.host().route("/", Reply(404))
    data = make_data(tmp_path, {"x": entry(old.url())})
    check(data)
    check(data)
    make_data(tmp_path, {"x": entry(new.url())})
    assert check(data).records[0].failing_runs == 1


def test_only_checks_the_named_entries_and_keeps_the_rest(tmp_path: Path, web: Web) -> None:
    a = web.host().route("/", Reply(200, html()))
    b = web.host().route("/", Reply(200, html()))
    data = make_data(tmp_path, {"a": entry(a.url()), "b": entry(b.url())})
    check(data)
    run = check(data, only=["b"])
    assert [r.slug for r in run.records] == ["b"]
    assert a.count("/") == 1 and b.count("/") == 2
    assert set(load_check_state(data / "check-state.json")) == {"a", "b"}


def test_unknown_only_slug(tmp_path: Path) -> None:
    data = make_data(tmp_path, {})
    with pytest.raises(UnknownSlugError, match="nope"):
        check(data, only=["nope"])


def test_invalid_data_is_a_data_error(tmp_path: Path) -> None:
    data = make_data(tmp_path, {"broken": {"name": "No URL"}})
    with pytest.raises(DataError):
        check(data)


def test_entries_removed_from_the_data_leave_the_state(tmp_path: Path, web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    data = make_data(tmp_path, {"a": entry(site.url()), "b": entry(site.url("/b"), name="B")})
    check(data)
    (data / "communities" / "b.yml").unlink()
    check(data)
    assert set(load_check_state(data / "check-state.json")) == {"a"}


def test_state_is_deterministic_and_unchanged_answers_keep_it_identical(
    tmp_path: Path, web: Web
) -> None:
    site = web.host().route("/", Reply(200, html())).route("/x", Reply(200, html()))
    data = make_data(tmp_path, {"a": entry(site.url()), "b": entry(site.url("/x"), name="B")})
    state = data / "check-state.json"
    check(data)
    first = json.loads(state.read_text())
    check(data)
    second = json.loads(state.read_text())
    assert first["communities"] == second["communities"]  # only the run time moved
    assert "checked_at" not in second["communities"]["a"]
    assert state.read_text() == json.dumps(second, indent=2, sort_keys=True) + "\n"


def test_a_record_checked_earlier_keeps_its_own_time(tmp_path: Path, web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    data = make_data(
        tmp_path,
        {
            "a": entry(site.url()),
            "b": entry(site.url("/b"), name="B"),
            "c": entry(site.url("/c"), name="C"),
        },
    )
    first = check(data)
    check(data, only=["c"])
    raw = json.loads((data / "check-state.json").read_text())
    assert "checked_at" in raw["communities"]["c"] and "checked_at" not in raw["communities"]["a"]
    records = load_check_state(data / "check-state.json")
    assert records["a"].checked_at == first.started_at.replace(microsecond=0)


def test_an_interrupted_run_leaves_a_usable_state(tmp_path: Path, web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    entries = {f"e{n:02}": entry(site.url(f"/{n}"), name=f"E{n}") for n in range(6)}
    data = make_data(tmp_path, entries)

    def interrupt(progress: Progress) -> None:
        if progress.done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check(data, quick(concurrency=1), on_progress=interrupt)
    kept = load_check_state(data / "check-state.json")
    assert 2 <= len(kept) < 6
    assert not list(data.glob(".check-state.json.*"))  # no temporary file left behind
    # The next run carries on: the entries not checked yet are dealt out first. Results come
    # back in the order threads finish, and several threads may wait their turn on one host,
    # so only the first result is certain to be one of them; every entry is probed again.
    order: list[str] = []
    check(data, quick(concurrency=1), on_progress=lambda p: order.append(p.latest.slug))
    assert order[0] in set(entries) - set(kept)
    assert sorted(order) == sorted(entries)


def test_checkpoints_are_written_during_the_run(tmp_path: Path, web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    data = make_data(tmp_path, {f"e{n}": entry(site.url(f"/{n}"), name=f"E{n}") for n in range(4)})
    seen_on_disk: list[int] = []

    def look(progress: Progress) -> None:
        state = data / "check-state.json"
        seen_on_disk.append(len(read_state(state).records) if state.exists() else 0)

    check(data, quick(concurrency=1, checkpoint_seconds=0.0), on_progress=look)
    assert seen_on_disk == [0, 1, 2, 3]


def test_a_corrupt_state_file_is_reported(tmp_path: Path) -> None:
    data = make_data(tmp_path, {})
    (data / "check-state.json").write_text("{not json")
    with pytest.raises(CheckError, match=r"check-state\.json"):
        check(data)


def test_report_and_summary_files(tmp_path: Path, web: Web) -> None:
    site = web.host()
    site.route("/", Reply(200, html(head="<link rel=alternate type=application/rss+xml href=/f>")))
    site.route("/f", Reply(200, rss(rfc822(days_ago(2)))))
    gone = web.host().route("/", Reply(410))
    data = make_data(tmp_path, {"live": entry(site.url()), "gone": entry(gone.url())})
    check(data, report_path=tmp_path / "out" / "report.json", summary_path=tmp_path / "summary.md")
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert list(report) == ["generated_at", "communities"]
    assert report["generated_at"].endswith("Z") and len(report["generated_at"]) == 20
    live = report["communities"][1]
    assert live == {
        "slug": "live",
        "url": site.url(),
        "outcome": "ok",
        "link_status": "ok",
        "http_status": 200,
        "final_url": site.url(),
        "offsite": False,
        "last_activity": days_ago(2).isoformat(),
        "activity_source": "feed",
        "activity": "active",
        "detected_access": "public",  # the page and its feed's posts read without signing in
    }
    summary = (tmp_path / "summary.md").read_text()
    assert "## Failing (1)" in summary and "`gone`" in summary


def test_many_entries_on_few_hosts(tmp_path: Path, web: Web) -> None:
    hosts = [web.host() for _ in range(4)]
    entries = {}
    for n in range(24):
        host = hosts[n % 4]
        host.route(f"/c{n}", Reply(200, html(f"C{n}")))
        entries[f"c{n:02}"] = entry(host.url(f"/c{n}"), name=f"C{n}")
    data = make_data(tmp_path, entries)
    run = check(data, quick(concurrency=3))
    assert len(run.records) == 24 and {r.outcome for r in run.records} == {"ok"}
    assert max(host.max_in_flight for host in hosts) == 1


def test_an_interrupted_run_over_several_processes_keeps_what_came_back(
    tmp_path: Path, web: Web
) -> None:
    hosts = [web.host().route("/", Reply(200, html())) for _ in range(4)]
    entries = {f"e{n:02}": entry(hosts[n % 4].url(f"/{n}"), name=f"E{n}") for n in range(12)}
    data = make_data(tmp_path, entries)
    seen: list[str] = []

    def interrupt(progress: Progress) -> None:
        seen.append(progress.latest.slug)
        if progress.done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check(data, quick(processes=2, concurrency=2, delay=0.05), on_progress=interrupt)
    kept = load_check_state(data / "check-state.json")
    assert sorted(kept) == sorted(seen) and len(kept) == 3
    # The next run (the worker process of the first one is gone) checks every entry.
    again = check(data, quick(processes=2, concurrency=2))
    assert sorted(record.slug for record in again.records) == sorted(entries)
    assert len(load_check_state(data / "check-state.json")) == 12
