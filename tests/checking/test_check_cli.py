"""`biglist check`: flags, exit codes, the report file and what it prints."""

from __future__ import annotations

import json
from pathlib import Path

from checker_support import entry, make_data
from click.testing import CliRunner
from loopback_web import Reply, Web, html

from generator.cli import cli

QUICK_FLAGS = ["--delay", "0", "--timeout", "2", "--retries", "0", "--archive-api", ""]


def run_check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", *QUICK_FLAGS, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def test_exit_0_even_when_every_site_is_down(tmp_path: Path, web: Web) -> None:
    data = make_data(tmp_path, {"a": entry(web.closed_port()), "b": entry(web.closed_port())})
    report = tmp_path / "report.json"
    code, out, err = run_check("--data", str(data), "--allow-private", "--report", str(report))
    assert code == 0, err
    rows = json.loads(report.read_text())["communities"]
    assert [(row["slug"], row["outcome"], row["http_status"]) for row in rows] == [
        ("a", "connection_error", None),
        ("b", "connection_error", None),
    ]
    assert "Checked 2 communities" in out
    assert (data / "check-state.json").is_file()


def test_loopback_is_refused_without_allow_private(tmp_path: Path, web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    data = make_data(tmp_path, {"local": entry(site.url())})
    report = tmp_path / "report.json"
    code, _, _ = run_check("--data", str(data), "--report", str(report))
    assert code == 0
    row = json.loads(report.read_text())["communities"][0]
    assert (row["outcome"], row["link_status"], row["http_status"]) == ("refused", "unknown", None)
    assert site.requests == []


def test_named_hosts_through_resolve(tmp_path: Path, web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    data = make_data(tmp_path, {"named": entry(site.named_url("forum.test"))})
    report = tmp_path / "r.json"
    code, _, err = run_check(
        "--data",
        str(data),
        "--allow-private",
        "--resolve",
        f"forum.test:{site.address}",
        "--report",
        str(report),
    )
    assert code == 0, err
    assert json.loads(report.read_text())["communities"][0]["outcome"] == "ok"


def test_invalid_data_exits_1_with_every_problem(tmp_path: Path) -> None:
    data = make_data(tmp_path, {"bad": {"name": "Only a name"}})
    code, out, _ = run_check("--data", str(data))
    assert code == 1
    assert "bad.yml:1: url: required field is missing" in out


def test_an_unknown_only_slug_is_a_usage_error(tmp_path: Path) -> None:
    data = make_data(tmp_path, {})
    code, _, err = run_check("--data", str(data), "--only", "nobody")
    assert code == 2
    assert "nobody" in err


def test_bad_flag_values_are_usage_errors(tmp_path: Path) -> None:
    data = make_data(tmp_path, {})
    assert run_check("--data", str(data), "--timeout", "31")[0] == 2
    assert run_check("--data", str(data), "--concurrency", "0")[0] == 2
    assert run_check("--data", str(data), "--resolve", "no-address")[0] == 2
    assert run_check("--data", str(data), "--active-days", "200")[0] == 2


def test_state_and_summary_paths(tmp_path: Path, web: Web) -> None:
    site = web.host().route("/", Reply(404))
    data = make_data(tmp_path, {"gone": entry(site.url())})
    state, summary = tmp_path / "elsewhere" / "state.json", tmp_path / "health.md"
    code, out, _ = run_check(
        "--data", str(data), "--allow-private", "--state", str(state), "--summary", str(summary)
    )
    assert code == 0
    assert json.loads(state.read_text())["communities"]["gone"]["link_status"] == "failing"
    assert not (data / "check-state.json").exists()
    assert "## Failing (1)" in summary.read_text()
    assert f"Summary written to {summary}" in out


def test_progress_lines_in_a_log(tmp_path: Path, web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    data = make_data(tmp_path, {"a": entry(site.url())})
    _, _, err = run_check("--data", str(data), "--allow-private")
    assert "checked 1/1 (100%): ok 1" in err


def test_an_unwritable_report_exits_1(tmp_path: Path, web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    data = make_data(tmp_path, {"a": entry(site.url())})
    (tmp_path / "file").write_text("in the way")
    report = tmp_path / "file" / "report.json"
    code, _, err = run_check("--data", str(data), "--allow-private", "--report", str(report))
    assert code == 1
    assert "Error: cannot write the report" in err


def test_a_malformed_state_file_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    data = make_data(tmp_path, {})
    for text in ('{"version": 1, "communities": {}, "thresholds": []}', "[" * 200_000):
        (data / "check-state.json").write_text(text)
        code, _, err = run_check("--data", str(data))
        assert code == 1
        assert err.startswith("Error: ") and "check-state.json" in err
        assert "Traceback" not in err and "unexpected" not in err


def test_an_unreadable_record_is_kept_and_reported(tmp_path: Path, web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    data = make_data(tmp_path, {"a": entry(site.url()), "b": entry(site.url("/b"))})
    state = data / "check-state.json"
    run_check("--data", str(data), "--allow-private")
    raw = json.loads(state.read_text())
    raw["communities"]["b"]["url"] = 42
    state.write_text(json.dumps(raw))
    code, _, err = run_check("--data", str(data), "--allow-private", "--only", "a")
    assert code == 0
    assert "Warning: " in err and "communities.b: 'url' must be a non-empty string" in err
    assert json.loads(state.read_text())["communities"]["b"]["url"] == 42
    run_check("--data", str(data), "--allow-private", "--only", "b")  # checked again: replaced
    assert json.loads(state.read_text())["communities"]["b"]["url"] == site.url("/b")
