"""A broken runner is not a broken web: inconclusive runs, strikes spaced in time, `--now`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from checker_support import entry, make_data
from click.testing import CliRunner
from loopback_web import Reply, Seen, Web, html

from generator.catalog.validation import load_catalog
from generator.checking import CheckOptions, check_communities
from generator.cli import cli
from generator.site.building import render_site
from generator.state import load_check_state, read_state

FLAGS = ["check", "--delay", "0", "--timeout", "2", "--retries", "0", "--allow-private"]
NIGHTS = ["2026-11-20T03:00:00Z", "2026-11-21T03:00:00Z", "2026-11-22T03:00:00Z"]


class Switch:
    """Hosts that answer until the runner's network "goes down" (connections dropped)."""

    def __init__(self) -> None:
        self.down = False

    def __call__(self, seen: Seen) -> Reply:
        return Reply(drop=True) if self.down else Reply(200, html())


def sites(web: Web, count: int, switch: Switch) -> dict[str, dict[str, object]]:
    return {f"c{n:02}": entry(web.host().route("/", switch).url()) for n in range(count)}


def run(data: Path, now: str, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*FLAGS, "--data", str(data), "--now", now, *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def test_a_run_where_most_hosts_fail_at_the_network_level_is_inconclusive(
    tmp_path: Path, web: Web
) -> None:
    switch = Switch()
    data = make_data(tmp_path, sites(web, 22, switch))
    assert run(data, NIGHTS[0])[0] == 0
    switch.down = True
    report = tmp_path / "report.json"
    summary = tmp_path / "health.md"
    for night in NIGHTS[1:]:
        code, out, _ = run(data, night, "--report", str(report), "--summary", str(summary))
        assert code == 3
        assert "Inconclusive run: 22 of 22 hosts failed at the network level" in out
    written = json.loads(report.read_text())
    assert written["inconclusive"] is True and "22 of 22 hosts" in written["reason"]
    rows = written["communities"]
    assert {(row["outcome"], row["link_status"]) for row in rows} == {("connection_error", "ok")}
    assert "**Inconclusive run**" in summary.read_text()
    state = read_state(data / "check-state.json")
    assert {r.link_status for r in state.records.values()} == {"ok"}
    assert {r.failing_runs for r in state.records.values()} == {0}
    assert state.last_run is not None and state.last_run.inconclusive
    health = render_site(load_catalog(data), state)["health.md"]
    assert "The latest check was inconclusive" in str(health)


def test_a_conclusive_run_after_an_inconclusive_one_clears_the_note(
    tmp_path: Path, web: Web
) -> None:
    switch = Switch()
    data = make_data(tmp_path, sites(web, 20, switch))
    switch.down = True
    assert run(data, NIGHTS[0])[0] == 3
    switch.down = False
    assert run(data, NIGHTS[1])[0] == 0
    state = read_state(data / "check-state.json")
    assert state.last_run is not None and not state.last_run.inconclusive
    assert "inconclusive" not in str(render_site(load_catalog(data), state)["health.md"])


def test_fewer_than_twenty_hosts_or_half_of_them_failing_is_conclusive(
    tmp_path: Path, web: Web
) -> None:
    switch = Switch()
    data = make_data(tmp_path, sites(web, 19, switch))
    switch.down = True
    code, _, _ = run(data, NIGHTS[0])
    assert code == 0
    assert {r.link_status for r in load_check_state(data / "check-state.json").values()} == {
        "failing"
    }
    healthy = {
        f"h{n:02}": entry(web.host().route("/", Reply(200, html())).url()) for n in range(19)
    }
    make_data(tmp_path, healthy)  # 19 failing hosts and 19 answering ones: exactly half
    assert run(data, NIGHTS[1])[0] == 0


def test_strikes_count_only_twenty_hours_apart(tmp_path: Path, web: Web) -> None:
    site = web.host().route("/", Reply(404))
    data = make_data(tmp_path, {"gone": entry(site.url())})
    same_night = ["2026-11-20T03:00:00Z", "2026-11-20T03:05:00Z", "2026-11-20T22:59:00Z"]
    for now in same_night:
        assert run(data, now)[0] == 0
    record = load_check_state(data / "check-state.json")["gone"]
    assert (record.link_status, record.failing_runs) == ("failing", 1)
    run(data, "2026-11-20T23:00:00+00:00")  # 20 hours after the first strike
    run(data, "2026-11-21T19:00:00Z")  # 20 hours after the second
    record = load_check_state(data / "check-state.json")["gone"]
    assert (record.link_status, record.failing_runs) == ("dead", 3)
    assert record.failing_since is not None and record.failing_since.isoformat() == "2026-11-20"


def test_a_success_clears_the_strikes_even_on_the_same_night(tmp_path: Path, web: Web) -> None:
    answers = iter([404, 200])
    site = web.host().route("/", lambda seen: Reply(next(answers), html()))
    data = make_data(tmp_path, {"flaky": entry(site.url())})
    run(data, "2026-11-20T03:00:00Z")
    run(data, "2026-11-20T04:00:00Z")
    record = load_check_state(data / "check-state.json")["flaky"]
    assert (record.link_status, record.failing_runs) == ("ok", 0)


def test_now_sets_the_run_clock(tmp_path: Path, web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    data = make_data(tmp_path, {"a": entry(site.url())})
    report = tmp_path / "r.json"
    assert run(data, "2026-11-25T03:00:00", "--report", str(report))[0] == 0
    record = load_check_state(data / "check-state.json")["a"]
    assert record.checked_at.isoformat() == "2026-11-25T03:00:00+00:00"
    assert json.loads(report.read_text())["generated_at"].startswith("2026-11-25T03:0")
    assert run(data, "yesterday")[0] == 2


def test_network_failures_are_held_back_in_checkpoints(tmp_path: Path, web: Web) -> None:
    """A run cut short before it could be judged counts no strike for network failures."""
    switch = Switch()
    data = make_data(tmp_path, sites(web, 3, switch))
    run(data, NIGHTS[0])
    switch.down = True
    seen: list[str] = []

    def interrupt(progress: object) -> None:
        seen.append("x")
        if len(seen) == 2:
            raise KeyboardInterrupt

    options = CheckOptions(delay=0, timeout=2, retries=0, allow_private=True)
    with pytest.raises(KeyboardInterrupt):
        check_communities(data, options=options, on_progress=interrupt)
    records = load_check_state(data / "check-state.json")
    assert {r.link_status for r in records.values()} == {"ok"}
