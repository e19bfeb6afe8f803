"""`biglist import`: GitHub issue-form bodies and CSV exports in, entry files out.

Every test runs on a copy of the shipped vocabularies with two real entries, and the fixtures
are answers as GitHub and form tools render them (tests/fixtures/submissions/).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.catalog.validation import load_catalog
from generator.cli import cli
from generator.errors import DataError
from generator.submitting import import_submissions

REPO = Path(__file__).resolve().parents[1]
SUBMISSIONS = REPO / "tests" / "fixtures" / "submissions"
TODAY = dt.date(2026, 11, 25)
PROBLEM_LINE = re.compile(r"^[^:\n]+:\d+: [A-Za-z0-9_.-]+: \S.*$")
KEPT_ENTRIES = ("sophos-community.yml", "jamf-nation.yml")
INDUSTRY_LABELS = "; ".join(
    term["label"] for term in yaml.safe_load((REPO / "data/industries.yml").read_text("utf-8"))
)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (the current directory) with the shipped vocabularies, two shipped
    entries and the submission fixtures."""
    data = tmp_path / "data"
    (data / "communities").mkdir(parents=True)
    for vocabulary in (REPO / "data").glob("*.yml"):
        shutil.copy(vocabulary, data / vocabulary.name)
    for name in KEPT_ENTRIES:
        shutil.copy(REPO / "data" / "communities" / name, data / "communities" / name)
    for fixture in SUBMISSIONS.iterdir():
        shutil.copy(fixture, tmp_path / fixture.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def run_import(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["import", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output.splitlines()


SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=\S+/community\.schema\.json\n")


def entry_text(workdir: Path, slug: str) -> str:
    """A written entry without its first line, which points editors at the schema."""
    text = (workdir / "data" / "communities" / f"{slug}.yml").read_text("utf-8")
    found = SCHEMA_LINE.match(text)
    assert found, text
    return text[found.end() :]


# --- GitHub issue-form bodies -------------------------------------------------------------


def test_complete_issue_becomes_an_entry_with_every_field(workdir: Path) -> None:
    report = import_submissions(Path("issue-complete.md"), Path("data"), today=TODAY)
    assert report.problems == [] and report.refused == 0
    assert [(item.path, item.source) for item in report.imported] == [
        ("data/communities/northwind-partner-network.yml", "issue-complete.md:1")
    ]
    assert entry_text(workdir, "northwind-partner-network") == (
        "name: Northwind Partner Network\n"
        "url: https://partners.northwind.example/community/\n"
        "sponsor: Northwind Traders\n"
        "description: >-\n"
        "  Resellers and integrators of Northwind's ERP software swap implementation tips and ask"
        " Northwind\n  staff about the partner programme.\n"
        "industry: enterprise-software\n"
        "audience: Northwind resellers, integrators and consultants\n"
        "types:\n  - partner\n  - developer\n"
        "access: hybrid\n"
        "platform: discourse\n"
        "founded: 2014\n"
        "size: 1k-10k\n"
        "languages:\n  - en\n  - de\n  - pt-BR\n"
        "regions:\n  - Europe\n  - Latin America\n"
        "big_list:\n  - 2014\n  - 2016\n"
        "feeds:\n  - https://partners.northwind.example/community/latest.rss\n"
        "sources:\n  - https://northwind.example/partners/about\n"
        "  - https://northwind.example/press/2014-partner-network\n"
        "added: 2026-11-25\n"
    )


def test_written_entry_reads_back_to_the_same_values(workdir: Path) -> None:
    import_submissions(Path("issue-complete.md"), Path("data"), today=TODAY)
    entry = load_catalog(Path("data"), today=TODAY).by_slug()["northwind-partner-network"]
    community = entry.community
    assert community.types == ["partner", "developer"]
    assert community.big_list == [2014, 2016]
    assert community.description == (
        "Resellers and integrators of Northwind's ERP software swap implementation tips and ask "
        "Northwind staff about the partner programme."
    )
    assert community.added == TODAY


def test_minimal_issue_cites_its_own_address_and_is_added_today(workdir: Path) -> None:
    code, output = run_import("issue-minimal.md")
    assert code == 0
    assert output == [
        "issue-minimal.md:1: wrote data/communities/contoso-admins.yml (Contoso Admins)",
        "1 of 1 submission written.",
    ]
    assert entry_text(workdir, "contoso-admins") == (
        "name: Contoso Admins\n"
        "url: https://admins.contoso.example\n"
        "sources:\n  - https://admins.contoso.example\n"
        f"added: {dt.date.today().isoformat()}\n"
    )


def test_a_url_already_listed_is_refused_on_its_line(workdir: Path) -> None:
    before = snapshot(workdir / "data")
    code, output = run_import("issue-duplicate.md")
    assert code == 1
    assert output == [
        "issue-duplicate.md:7: url: duplicate: same URL as "
        "data/communities/sophos-community.yml, already listed",
        "0 of 1 submission written; 1 refused.",
    ]
    assert snapshot(workdir / "data") == before


def test_a_name_already_listed_is_refused(workdir: Path) -> None:
    body = (
        (workdir / "issue-minimal.md").read_text("utf-8").replace("Contoso Admins", "JAMF nation")
    )
    (workdir / "renamed.md").write_text(body, "utf-8")
    code, output = run_import("renamed.md")
    assert code == 1
    assert output[0] == (
        "renamed.md:3: name: duplicate: same name as "
        "data/communities/jamf-nation.yml, already listed"
    )


def test_hostile_issue_gets_one_message_per_problem_and_changes_nothing(workdir: Path) -> None:
    before = snapshot(workdir / "data")
    code, output = run_import("issue-hostile.md")
    assert code == 1
    problems = output[:-1]
    assert all(PROBLEM_LINE.match(line) for line in problems), problems
    located = [line.split(": ", 2)[:2] for line in problems]
    assert located == [
        ["issue-hostile.md:3", "name"],
        ["issue-hostile.md:7", "url"],
        ["issue-hostile.md:11", "sponsor"],
        ["issue-hostile.md:15", "description"],
        ["issue-hostile.md:19", "industry"],
        ["issue-hostile.md:27", "types.1"],
        ["issue-hostile.md:39", "founded"],
        ["issue-hostile.md:47", "languages.0"],
        ["issue-hostile.md:61", "feeds.0"],
        ["issue-hostile.md:65", "sources.0"],
    ]
    assert "HTML tags are not allowed" in problems[0]
    assert "URL must start with http:// or https://" in problems[1]
    assert "unknown value 'Blockchain'" in problems[4]
    assert "URL must not contain a user name or password" in problems[9]
    echoed = [line.split(" (choose from: ")[0] for line in problems]  # our choices, not theirs
    assert all(len(line) < 300 for line in echoed), "a giant field must not be echoed back"
    assert output[-1] == "0 of 1 submission written; 1 refused."
    assert snapshot(workdir / "data") == before


def test_issue_body_with_windows_line_ends_and_a_bom(workdir: Path) -> None:
    body = (workdir / "issue-minimal.md").read_text("utf-8").replace("\n", "\r\n")
    (workdir / "crlf.md").write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    assert run_import("crlf.md")[0] == 0
    assert "url: https://admins.contoso.example\n" in entry_text(workdir, "contoso-admins")


def test_a_heading_typed_inside_an_answer_stays_part_of_it(workdir: Path) -> None:
    body = (workdir / "issue-minimal.md").read_text("utf-8")
    body = body.replace(
        "### Description\n\n_No response_",
        "### Description\n\nAdmins meet here.\n### Agenda\nWeekly calls.",
    )
    (workdir / "heading.md").write_text(body, "utf-8")
    assert run_import("heading.md")[0] == 0
    # Shown literally on the site, as every Markdown character typed into a field.
    assert "description: 'Admins meet here. ### Agenda Weekly calls.'\n" in entry_text(
        workdir, "contoso-admins"
    )


def test_a_section_answered_twice_is_refused(workdir: Path) -> None:
    body = (workdir / "issue-minimal.md").read_text("utf-8")
    (workdir / "twice.md").write_text(body + "\n### URL\n\nhttps://elsewhere.example\n", "utf-8")
    code, output = run_import("twice.md")
    assert code == 1
    assert any(
        line.startswith("twice.md:67: url: answered twice (first under the heading on")
        for line in output
    ), output


def test_a_skipped_required_field_is_reported_on_its_line(workdir: Path) -> None:
    body = (workdir / "issue-minimal.md").read_text("utf-8")
    body = body.replace("https://admins.contoso.example", "_No response_")
    (workdir / "no-url.md").write_text(body, "utf-8")
    code, output = run_import("no-url.md")
    assert code == 1
    assert output[:-1] == ["no-url.md:7: url: required field is missing"]


# --- CSV exports --------------------------------------------------------------------------


def test_google_forms_export_writes_valid_rows_and_reports_the_rest(workdir: Path) -> None:
    before = {name: (workdir / "data/communities" / name).read_bytes() for name in KEPT_ENTRIES}
    report = import_submissions(Path("export-google.csv"), Path("data"), today=TODAY)
    assert [(item.path, item.source) for item in report.imported] == [
        ("data/communities/fabrikam-makers-hub.yml", "export-google.csv:2"),
        ("data/communities/tailspin-pilots-forum.yml", "export-google.csv:4"),
    ]
    assert [str(problem) for problem in report.problems] == [
        "export-google.csv:5: url: duplicate: same URL as the submission at export-google.csv:2",
        "export-google.csv:7: industry: unknown value 'Import/export' (choose from: "
        f"{INDUSTRY_LABELS})",
        "export-google.csv:7: access: unknown value 'Everyone' "
        "(choose from: Public; Gated; Hybrid; By invitation)",
        "export-google.csv:7: founded: must be a year from 1970 to 2026",
        "export-google.csv:7: big_list.0: must be one of 2011, 2014 or 2016",
    ]
    assert report.refused == 2
    fabrikam = entry_text(workdir, "fabrikam-makers-hub")
    assert "sponsor: Fabrikam, Inc.\n" in fabrikam
    assert 'description: Makers share "build logs" for Fabrikam boards.\n' in fabrikam
    assert "industry: manufacturing-engineering\n" in fabrikam
    assert "types:\n  - support\n  - user-group\n" in fabrikam
    assert "platform: khoros\n" in fabrikam  # by its label's alias
    assert "founded: 2012\n" in fabrikam  # "2012.0", as spreadsheets write numbers
    assert "size: under-1k\n" in fabrikam
    assert fabrikam.endswith("added: 2026-11-20\n")  # the US timestamp's date
    assert entry_text(workdir, "tailspin-pilots-forum").endswith("added: 2026-11-21\n")
    for name, content in before.items():
        assert (workdir / "data/communities" / name).read_bytes() == content
    load_catalog(Path("data"), today=TODAY)  # everything written validates


def test_excel_semicolon_export_with_a_sep_line_and_a_localised_timestamp(workdir: Path) -> None:
    report = import_submissions(Path("export-semicolon.csv"), Path("data"), today=TODAY)
    assert report.problems == []
    assert entry_text(workdir, "litware-anwender") == (
        "name: Litware Anwender\n"
        "url: https://anwender.litware.example/\n"
        "types:\n  - user-group\n"
        "sources:\n  - https://litware.example/anwender\n  - https://litware.example/presse\n"
        "added: 2026-11-25\n"
    )


def test_an_unknown_column_refuses_the_whole_file(workdir: Path) -> None:
    before = snapshot(workdir / "data")
    code, output = run_import("unknown-column.csv")
    assert code == 1
    assert output[0].startswith("unknown-column.csv:1: -: unknown column 'Favourite colour'")
    assert len(output) == 2, "named once, not once per row"
    assert snapshot(workdir / "data") == before


def test_a_csv_missing_the_url_column_is_refused(workdir: Path) -> None:
    (workdir / "no-url.csv").write_text("Name,Sponsor\nA,B\n", "utf-8")
    code, output = run_import("no-url.csv")
    assert code == 1
    assert output[0] == "no-url.csv:1: url: the header has no 'URL' column"


def test_a_row_with_too_many_cells_is_refused(workdir: Path) -> None:
    (workdir / "wide.csv").write_text("Name,URL\nA,https://a.example,extra\n", "utf-8")
    code, output = run_import("wide.csv")
    assert code == 1
    assert output[0] == "wide.csv:2: -: the row has 3 cells but the header has 2"


def test_a_header_only_export_holds_no_submissions(workdir: Path) -> None:
    (workdir / "header.csv").write_text("Timestamp,Name,URL\r\n", "utf-8")
    code, output = run_import("header.csv")
    assert code == 1
    assert output[0] == "header.csv:1: -: the file holds no submissions (only a header row)"


# --- files that are not submissions -------------------------------------------------------

NOT_SUBMISSIONS = {
    "junk.bin": "junk.bin:1: -: not a text file (it holds NUL bytes)",
    "not-a-form.csv": "not-a-form.csv:1: -: not a form export",
    "not-a-form.md": "not-a-form.md:1: -: not a form export",
}


@pytest.mark.parametrize("name", sorted(NOT_SUBMISSIONS))
def test_a_file_that_is_not_a_form_export_is_one_clear_message(workdir: Path, name: str) -> None:
    before = snapshot(workdir / "data")
    code, output = run_import(name)
    assert code == 1
    assert output[0].startswith(NOT_SUBMISSIONS[name])
    assert output[1] == "Invalid: 1 problem in 1 file."
    assert snapshot(workdir / "data") == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"  \r\n\n", "the file is empty"),
        (b"### Name\n\nCaf\xe9\n", "not a text file in UTF-8 (byte 0xe9)"),
        (b"x" * (2 * 1024 * 1024 + 1), "the file is larger than 2 MiB"),
    ],
)
def test_broken_files_change_nothing(workdir: Path, content: bytes, message: str) -> None:
    (workdir / "broken.txt").write_bytes(content)
    before = snapshot(workdir / "data")
    code, output = run_import("broken.txt")
    assert code == 1
    assert message in output[0] and PROBLEM_LINE.match(output[0])
    assert snapshot(workdir / "data") == before


def test_utf16_export_with_its_byte_order_mark_is_read(workdir: Path) -> None:
    text = "Name\tURL\r\nÜber Admins\thttps://uber.example/\r\n"
    (workdir / "utf16.csv").write_bytes(text.encode("utf-16"))
    assert run_import("utf16.csv")[0] == 0
    assert entry_text(workdir, "uber-admins").startswith("name: Über Admins\n")


def test_missing_file_and_missing_argument_are_usage_errors(workdir: Path) -> None:
    assert run_import("nowhere.md")[0] == 2
    assert run_import()[0] == 2
    assert run_import("--bogus", "issue-minimal.md")[0] == 2


def test_missing_data_folder_is_reported(workdir: Path) -> None:
    code, output = run_import("issue-minimal.md", "--data", "elsewhere")
    assert code == 1
    assert "elsewhere/communities:1: -: folder of community entries not found" in output


# --- writing ------------------------------------------------------------------------------


def test_dry_run_reports_the_same_and_writes_nothing(workdir: Path) -> None:
    before = snapshot(workdir / "data")
    code, output = run_import("export-google.csv", "--dry-run")
    assert code == 1
    assert output[0] == (
        "export-google.csv:2: would write data/communities/fabrikam-makers-hub.yml "
        "(Fabrikam Makers Hub)"
    )
    assert output[-1] == "2 of 4 submissions would be written; 2 refused."
    assert snapshot(workdir / "data") == before


def test_an_existing_file_is_never_overwritten(workdir: Path) -> None:
    # A different community already holds the file name the submission's name maps to.
    taken = workdir / "data" / "communities" / "contoso-admins.yml"
    taken.write_text("name: Contoso Administrators\nurl: https://other.example\n", "utf-8")
    before = snapshot(workdir / "data")
    code, output = run_import("issue-minimal.md")
    assert code == 0
    assert output[0].endswith("wrote data/communities/contoso-admins-2.yml (Contoso Admins)")
    after = snapshot(workdir / "data")
    assert {key: after[key] for key in before} == before


def test_importing_twice_refuses_the_second_time(workdir: Path) -> None:
    assert run_import("issue-complete.md")[0] == 0
    before = snapshot(workdir / "data")
    code, output = run_import("issue-complete.md")
    assert code == 1
    assert output[:2] == [
        "issue-complete.md:3: name: duplicate: same name as "
        "data/communities/northwind-partner-network.yml, already listed",
        "issue-complete.md:7: url: duplicate: same URL as "
        "data/communities/northwind-partner-network.yml, already listed",
    ]
    assert snapshot(workdir / "data") == before


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Café Società: Forum & Friends", "cafe-societa-forum-friends"),
        ("  SAP   Community  ", "sap-community"),
        ("Das große Händler-Forum", "das-groe-handler-forum"),
        ("Ünïcödé 2.0 — Users", "unicode-2-0-users"),
        ("日本のユーザー会", "nihon-users-example-forum"),
        (
            "The Extraordinarily Long Name of a Community That Goes On and On Forever",
            "the-extraordinarily-long-name-of-a-community-that-goes-on",
        ),
    ],
)
def test_slugs_are_kebab_case_ascii_and_deterministic(workdir: Path, name: str, slug: str) -> None:
    body = (workdir / "issue-minimal.md").read_text("utf-8")
    body = body.replace("Contoso Admins", name).replace(
        "https://admins.contoso.example", "https://nihon-users.example/forum"
    )
    (workdir / "named.md").write_text(body, "utf-8")
    report = import_submissions(Path("named.md"), Path("data"), today=TODAY, dry_run=True)
    assert [item.path for item in report.imported] == [f"data/communities/{slug}.yml"]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) and len(slug) <= 60


def test_the_library_raises_data_error_for_a_file_that_is_not_a_submission(
    workdir: Path,
) -> None:
    with pytest.raises(DataError) as caught:
        import_submissions(Path("not-a-form.csv"), Path("data"), today=TODAY)
    assert [problem.line for problem in caught.value.problems] == [1]


YAML_HOSTILE_NAMES = [
    "- Dash Forum",
    "? Question Club",
    "&anchor Users",
    "*alias Users",
    "!tag Users",
    "%directive Users",
    "@mention Users",
    "`backtick` Users",
    "yes",
    "null",
    "2024",
    "Key: Value Users",
    "Hash # Users",
    "'Single' and \"double\" quotes",
    "Ends with a colon:",
    "Über 🚀 Users",
]


def test_names_that_mean_something_in_yaml_are_written_safely(workdir: Path) -> None:
    rows = ["Name,URL"] + [
        '"{}",https://n{}.example/'.format(name.replace('"', '""'), index)
        for index, name in enumerate(YAML_HOSTILE_NAMES)
    ]
    (workdir / "yaml-names.csv").write_text("\n".join(rows) + "\n", "utf-8")
    report = import_submissions(Path("yaml-names.csv"), Path("data"), today=TODAY)
    assert report.problems == []
    names = {entry.community.name for entry in load_catalog(Path("data"), today=TODAY).entries}
    assert set(YAML_HOSTILE_NAMES) <= names


def test_a_cell_larger_than_any_form_field_is_one_message(workdir: Path) -> None:
    giant = "x" * 200_000
    (workdir / "giant.csv").write_text(f'Name,URL,Description\nBig,https://b.example,"{giant}"\n')
    before = snapshot(workdir / "data")
    code, output = run_import("giant.csv")
    assert code == 1
    assert (
        output[0] == "giant.csv:2: -: CSV could not be read: field larger than field limit (131072)"
    )
    assert snapshot(workdir / "data") == before


def test_headers_may_be_field_ids_or_common_names(workdir: Path) -> None:
    (workdir / "ids.csv").write_text(
        "Submitted at,Community name,Website,types,Year,source\n"
        "2026-11-02T10:00:00Z,Proseware Guild,https://guild.proseware.example,developer,2021,"
        "https://proseware.example/guild\n",
        "utf-8",
    )
    report = import_submissions(Path("ids.csv"), Path("data"), today=TODAY)
    assert report.problems == []
    assert entry_text(workdir, "proseware-guild") == (
        "name: Proseware Guild\n"
        "url: https://guild.proseware.example\n"
        "types:\n  - developer\n"
        "founded: 2021\n"
        "sources:\n  - https://proseware.example/guild\n"
        "added: 2026-11-02\n"
    )
