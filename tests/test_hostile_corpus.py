"""A corpus of hostile contributions (tests/fixtures/hostile): each is refused with located
messages in our words, nothing of it acts on the terminal or CI, and nothing is written."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import cli

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "fixtures" / "hostile"
EXPECTED = yaml.safe_load((CORPUS / "expected.yml").read_text("utf-8"))
SAMPLE_DATA = REPO / "tests" / "fixtures" / "sample-data"
# One problem per line: printable text only, never a line that starts a workflow command.
PROBLEM = re.compile(r"^(?!::)[^\x00-\x1f\x7f-\x9f\u2028\u2029]+:\d+: \S[^\x00-\x1f\x7f]*$")
LEAKS = ("Input should", "String should", "Traceback", "Value error", "pydantic")


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(SAMPLE_DATA, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def answered(output: str, path: str, expected: list[str]) -> None:
    lines = output.splitlines()
    assert lines, "no answer at all"
    problems, summary = lines[:-1], lines[-1]
    assert summary.startswith(("Invalid: ", "0 of ")), summary
    assert all(PROBLEM.match(line) for line in problems), problems
    assert not any(leak in output for leak in LEAKS), output
    for start in expected:
        assert any(line.startswith(f"{path}:{start}") for line in problems), (start, problems)


def test_the_corpus_is_all_expected() -> None:
    assert sorted(EXPECTED["entries"]) == sorted(p.name for p in (CORPUS / "entries").iterdir())
    files = sorted(p.name for p in (CORPUS / "submissions").iterdir())
    assert sorted(EXPECTED["submissions"]) == files


@pytest.mark.parametrize("name", sorted(EXPECTED["entries"]))
def test_a_hostile_entry_is_refused_where_it_is_wrong(project: Path, name: str) -> None:
    shutil.copy(CORPUS / "entries" / name, project / "data" / "communities" / name)
    before = snapshot(project)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 1, result.output
    answered(result.output, f"data/communities/{name}", EXPECTED["entries"][name])
    assert snapshot(project) == before


@pytest.mark.parametrize("name", sorted(EXPECTED["submissions"]))
def test_a_hostile_submission_is_refused_and_nothing_is_written(project: Path, name: str) -> None:
    shutil.copy(CORPUS / "submissions" / name, project / name)
    before = snapshot(project)
    result = CliRunner().invoke(cli, ["import", name])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    answered(result.output, name, EXPECTED["submissions"][name])
    assert snapshot(project) == before
