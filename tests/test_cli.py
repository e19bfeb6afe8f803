"""The `biglist` command line: exit codes, exact messages, and no tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("command", ["validate", "build", "serve"])
def test_every_command_has_help(command: str) -> None:
    code, output = invoke(command, "--help")
    assert code == 0
    assert "Usage: " in output and "--data" in output


def test_validate_ok(project: Path) -> None:
    assert invoke("validate") == (0, "OK: 3 entries are valid.\n")


def test_validate_reports_every_problem_then_a_summary(project: Path) -> None:
    entry = project / "data" / "communities" / "secops-peers.yml"
    entry.write_text(entry.read_text("utf-8").replace("gated", "secret"), "utf-8")
    (project / "data" / "communities" / "x.yml").write_text("name: [\n", "utf-8")
    code, output = invoke("validate")
    lines = output.splitlines()
    assert code == 1
    assert lines[0].startswith(
        "data/communities/secops-peers.yml:6: access: unknown value 'secret'"
    )
    assert lines[1].startswith("data/communities/x.yml:2: -: YAML syntax error at column 1")
    assert lines[-1] == "Invalid: 2 problems in 2 files."


def test_usage_errors_exit_2(project: Path) -> None:
    assert invoke("validate", "--nope")[0] == 2
    assert invoke("frobnicate")[0] == 2


def test_missing_data_folder_is_a_clear_error(project: Path) -> None:
    code, output = invoke("validate", "--data", "elsewhere")
    assert code == 1
    assert "elsewhere/communities:1: -: folder of community entries not found" in output
    assert "Traceback" not in output


def test_failed_build_keeps_the_previous_site(project: Path) -> None:
    assert invoke("build", "--strict")[0] == 0
    marker = project / "site" / "marker.txt"
    marker.write_text("previous build", "utf-8")
    (project / "data" / "communities" / "bad.yml").write_text("name: Bad\n", "utf-8")
    code, output = invoke("build", "--strict")
    assert code == 1
    assert "data/communities/bad.yml:1: url: required field is missing" in output
    assert marker.read_text("utf-8") == "previous build"


def test_mkdocs_failure_keeps_the_previous_site(project: Path) -> None:
    assert invoke("build", "--strict")[0] == 0
    (project / "site" / "marker.txt").write_text("previous build", "utf-8")
    # A hand-written page with a broken link fails a strict build after rendering succeeded.
    (project / "directory" / "about.md").write_text("[broken](nowhere.md)\n", "utf-8")
    code, output = invoke("build", "--strict")
    assert code == 1
    assert "nowhere.md" in output
    assert (project / "site" / "marker.txt").exists()
    assert not list(project.glob(".site.building-*"))
    assert not list(project.glob(".biglist-beside-*"))  # the forked job stopped, folder gone


def test_build_removes_stale_generated_pages(project: Path) -> None:
    assert invoke("build")[0] == 0
    page = project / "directory" / "communities" / "secops-peers.md"
    assert page.exists()
    (project / "data" / "communities" / "secops-peers.yml").unlink()
    assert invoke("build")[0] == 0
    assert not page.exists()
    assert not (project / "site" / "communities" / "secops-peers").exists()
    assert (project / "directory" / "about.md").exists()
