"""`import` refuses what it would have to change: no URL, list or date is "repaired"."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.submitting.normalising import date_order, parse_timestamp

REPO = Path(__file__).resolve().parents[1]
MINIMAL = (REPO / "tests/fixtures/submissions/issue-minimal.md").read_text("utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    (data / "communities").mkdir(parents=True)
    for vocabulary in (REPO / "data").glob("*.yml"):
        shutil.copy(vocabulary, data / vocabulary.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_import(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["import", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output.splitlines()


def written(project: Path) -> list[str]:
    return sorted(path.name for path in (project / "data/communities").iterdir())


def issue_with(section: str, answer: str) -> str:
    """The minimal issue body with one section's answer replaced."""
    head, rest = MINIMAL.split(f"### {section}\n\n", 1)
    _, tail = rest.split("\n", 1)
    return f"{head}### {section}\n\n{answer}\n{tail}"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("htp//acmeforum.example", "URL must start with http:// or https://"),
        ("acmeforum.example", "URL must start with http:// or https://"),
        ("https://exa mple.com", "URL must not contain spaces"),
        ("https://htp//x", "'htp' is not a valid host name"),
        ("<https://acmeforum.example>", "URL must start with http:// or https://"),
    ],
)
def test_a_url_that_is_not_one_is_refused_not_repaired(
    project: Path, url: str, message: str
) -> None:
    body = MINIMAL.replace("https://admins.contoso.example", url)
    (project / "issue.md").write_text(body, "utf-8")
    code, output = run_import("issue.md")
    assert code == 1
    assert output[0].startswith("issue.md:7: url: "), output
    assert message in output[0]
    assert written(project) == []


def test_a_list_answer_is_split_on_lines_and_commas_only(project: Path) -> None:
    (project / "issue.md").write_text(issue_with("Feeds", "not a feed"), "utf-8")
    code, output = run_import("issue.md")
    assert code == 1
    assert [line.split(": ", 2)[:2] for line in output[:-1]] == [["issue.md:61", "feeds.0"]]
    assert written(project) == []


def test_each_list_item_stands_alone(project: Path) -> None:
    answer = "https://a.contoso.example/feed, https://b.contoso.example/feed\nc.contoso.example"
    (project / "issue.md").write_text(issue_with("Feeds", answer), "utf-8")
    code, output = run_import("issue.md")
    assert code == 1
    assert output[:-1] == ["issue.md:62: feeds.2: URL must start with http:// or https://"]


def csv_import(project: Path, text: str) -> tuple[int, list[str]]:
    (project / "answers.csv").write_text(text, "utf-8")
    return run_import("answers.csv")


def test_a_date_that_reads_two_ways_is_refused(project: Path) -> None:
    code, output = csv_import(
        project, "Timestamp,Name,URL\n01/12/2026 10:00:00,Acme Hub,https://hub.acme.example/\n"
    )
    assert code == 1
    assert output[0] == (
        "answers.csv:2: added: date '01/12/2026 10:00:00' could be read two ways "
        "(12 January 2026 or 1 December 2026); write it as YYYY-MM-DD"
    )
    assert written(project) == []


@pytest.mark.parametrize(
    ("other", "added"), [("25/11/2026", "2026-12-01"), ("11/25/2026", "2026-01-12")]
)
def test_the_exports_own_timestamps_settle_the_order(project: Path, other: str, added: str) -> None:
    code, output = csv_import(
        project,
        "Timestamp,Name,URL\n"
        f"01/12/2026 10:00:00,Acme Hub,https://hub.acme.example/\n"
        f"{other} 09:00:00,Acme Two,https://two.acme.example/\n",
    )
    assert code == 0, output
    text = (project / "data/communities/acme-hub.yml").read_text("utf-8")
    assert text.endswith(f"added: {added}\n")


def test_iso_dates_always_work() -> None:
    assert str(parse_timestamp("2026-01-12 10:00")) == "2026-01-12"
    assert str(parse_timestamp("2026/01/12")) == "2026-01-12"
    assert date_order(["01/02/2026", "03/04/2026"]) is None
    assert date_order(["13/02/2026", "02/13/2026"]) is None  # the export contradicts itself


def test_bookkeeping_columns_are_ignored_with_one_note(project: Path) -> None:
    code, output = csv_import(
        project,
        "Timestamp,Email Address,Name,URL,Score\n"
        "2026-11-20 10:00,a@b.example,Acme Hub,https://hub.acme.example/,3\n"
        "2026-11-21 10:00,c@d.example,Acme Two,https://two.acme.example/,\n",
    )
    assert code == 0, output
    notes = [line for line in output if "note:" in line]
    assert notes == [
        "answers.csv:1: -: note: ignored the form tool's own columns 'Email Address', 'Score'"
    ]
    assert written(project) == ["acme-hub.yml", "acme-two.yml"]


def test_an_unknown_column_is_named_once(project: Path) -> None:
    rows = "".join(f"Acme {n},https://{n}.acme.example/,x\n" for n in range(5))
    code, output = csv_import(project, "Name,URL,Shoe size\n" + rows)
    assert code == 1
    assert sum("'Shoe size'" in line for line in output) == 1
    assert written(project) == []


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600)])
def test_written_files_get_the_permissions_the_umask_gives(
    project: Path, umask: int, mode: int
) -> None:
    previous = os.umask(umask)
    try:
        (project / "issue.md").write_text(MINIMAL, "utf-8")
        assert run_import("issue.md")[0] == 0
    finally:
        os.umask(previous)
    (path,) = (project / "data/communities").iterdir()
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_an_unknown_industry_lists_the_choices_not_a_file(project: Path) -> None:
    (project / "issue.md").write_text(issue_with("Industry", "Blockchain"), "utf-8")
    code, output = run_import("issue.md")
    assert code == 1
    assert "unknown value 'Blockchain'" in output[0]
    assert "Enterprise software; " in output[0]
    assert "data/industries.yml" not in output[0]
