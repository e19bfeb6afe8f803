"""`biglist new`: scaffold an entry from flags or prompts; validated first, never overwriting."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.catalog.validation import load_catalog
from generator.cli import cli
from generator.errors import Problem
from generator.submitting.forms import FormField
from generator.submitting.scaffold import EntryRefused, choice_answer, entry_flags, scaffold

REPO = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped vocabularies and one shipped entry, in the current directory."""
    data = tmp_path / "data"
    (data / "communities").mkdir(parents=True)
    for vocabulary in (REPO / "data").glob("*.yml"):
        shutil.copy(vocabulary, data / vocabulary.name)
    shutil.copy(REPO / "data/communities/sophos-community.yml", data / "communities")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def new(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["new", *args], input=input)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_flags_write_a_valid_entry_and_print_its_path(workdir: Path) -> None:
    code, output = new(
        "--name", "Fabrikam Admins",
        "--url", "https://admins.fabrikam.example",
        "--sponsor", "Fabrikam",
        "--type", "Customer support", "--type", "developer",
        "--industry", "Software",
        "--founded", "2019",
        "--language", "English",
        "--source", "https://fabrikam.example/admins",
    )  # fmt: skip
    assert (code, output) == (0, "data/communities/fabrikam-admins.yml\n")
    text = (workdir / "data/communities/fabrikam-admins.yml").read_text("utf-8")
    assert text == (
        "# yaml-language-server: $schema="
        "https://biglist-b2b.github.io/biglist/schema/community.schema.json\n"
        "name: Fabrikam Admins\n"
        "url: https://admins.fabrikam.example\n"
        "sponsor: Fabrikam\n"
        "industry: enterprise-software\n"
        "types:\n  - support\n  - developer\n"
        "founded: 2019\n"
        "languages:\n  - en\n"
        "sources:\n  - https://fabrikam.example/admins\n"
        f"added: {dt.date.today().isoformat()}\n"
    )
    assert "fabrikam-admins" in load_catalog(Path("data")).by_slug()


def test_editorial_fields_can_be_set_by_flags(workdir: Path) -> None:
    code, _ = new(
        "--name", "Sophos Partners", "--url", "https://partners.sophos.example/",
        "--featured", "yes", "--related", "sophos-community", "--added", "2026-01-31",
        "--big-list", "2014,2016",
    )  # fmt: skip
    assert code == 0
    entry = load_catalog(Path("data"), today=TODAY).by_slug()["sophos-partners"].community
    assert entry.featured is True
    assert entry.related == ["sophos-community"]
    assert entry.added == dt.date(2026, 1, 31)
    assert entry.big_list == [2014, 2016]


def test_invalid_values_are_all_reported_by_flag_and_nothing_is_written(workdir: Path) -> None:
    before = sorted(p.name for p in (workdir / "data/communities").iterdir())
    code, output = new(
        "--name", "<b>Bold</b> Forum", "--url", "javascript:alert(1)",
        "--founded", "1850", "--access", "Secret", "--related", "nowhere",
    )  # fmt: skip
    assert code == 1
    assert output.splitlines() == [
        "Error: the entry was not written:",
        "  --name: HTML tags are not allowed; write plain text",
        "  --url: URL must start with http:// or https://",
        "  --access: unknown value 'Secret' (choose from: Public; Gated; Hybrid; By invitation)",
        f"  --founded: must be a year from 1970 to {dt.date.today().year}",
        "  --related: no entry named 'nowhere'",
    ]
    assert sorted(p.name for p in (workdir / "data/communities").iterdir()) == before


def test_without_a_terminal_missing_required_flags_are_refused(workdir: Path) -> None:
    code, output = new("--url", "https://x.example")
    assert code == 1
    assert "  --name: required field is missing" in output.splitlines()


def test_a_community_already_listed_is_refused(workdir: Path) -> None:
    code, output = new("--name", "SOPHOS community", "--url", "https://community.sophos.com/")
    assert code == 1
    assert (
        "  --url: duplicate: same URL as data/communities/sophos-community.yml, already listed"
        in (output.splitlines())
    )
    assert (
        "  --name: duplicate: same name as data/communities/sophos-community.yml, already listed"
        in (output.splitlines())
    )


def test_an_existing_file_name_is_never_overwritten(workdir: Path) -> None:
    taken = workdir / "data/communities/acme-hub.yml"
    taken.write_text("# someone else's draft\n", "utf-8")
    code, output = new("--name", "Acme Hub", "--url", "https://hub.acme.example/")
    assert (code, output) == (0, "data/communities/acme-hub-2.yml\n")
    assert taken.read_text("utf-8") == "# someone else's draft\n"


def test_dry_run_prints_the_entry_and_writes_nothing(workdir: Path) -> None:
    code, output = new("--name", "Acme Hub", "--url", "https://hub.acme.example/", "--dry-run")
    assert code == 0
    assert output.startswith("# yaml-language-server: $schema=")
    assert "\nname: Acme Hub\nurl: https://hub.acme.example/\n" in output
    assert output.endswith("Dry run: would write data/communities/acme-hub.yml\n")
    assert not (workdir / "data/communities/acme-hub.yml").exists()


def test_prompts_ask_for_every_field_and_again_for_a_bad_answer(workdir: Path) -> None:
    answers = [
        "Tailspin Pilots",  # name
        "ftp://pilots.tailspin.example",  # url: refused, asked again below
        "Tailspin Toys",  # sponsor
        "",  # description
        "",  # industry
        "",  # audience
        "7",  # type: by its number (Shared interest)
        "1",  # access: Public
        "",  # platform
        "",  # founded
        "",  # size
        "",  # languages
        "",  # regions
        "",  # big list editions
        "",  # feeds
        "",  # sources
        "https://pilots.tailspin.example",  # url, asked again
    ]
    code, output = new("--interactive", input="\n".join(answers) + "\n")
    assert code == 0, output
    assert "URL must start with http:// or https://" in output
    assert output.rstrip().endswith("\ndata/communities/tailspin-pilots.yml")
    entry = load_catalog(Path("data")).by_slug()["tailspin-pilots"].community
    assert (entry.types, entry.access, entry.sponsor) == (["interest"], "public", "Tailspin Toys")


def test_the_library_asks_only_for_fields_not_given(workdir: Path) -> None:
    asked: list[str] = []

    def ask(field: FormField, problems: list[Problem]) -> str:
        asked.append(field.id)
        return ""

    result = scaffold(
        {"name": "Acme Hub", "url": "https://hub.acme.example/", "types": ("support",)},
        Path("data"),
        ask=ask,
        today=TODAY,
    )
    assert result.path == "data/communities/acme-hub.yml" and result.written
    assert "name" not in asked and "types" not in asked and "featured" not in asked
    assert asked[:2] == ["sponsor", "description"]


def test_the_library_refuses_with_every_problem(workdir: Path) -> None:
    with pytest.raises(EntryRefused) as caught:
        scaffold({"name": "", "url": "not a url"}, Path("data"), today=TODAY)
    assert [(p.field, p.message) for p in caught.value.problems] == [
        ("name", "required field is missing"),
        ("url", "URL must not contain spaces or control characters"),
    ]


def test_every_model_field_has_a_flag_and_help_names_them() -> None:
    flags = {flag.field: flag for flag in entry_flags()}
    assert flags["types"].names == ("--types", "--type") and flags["types"].multiple
    assert flags["big_list"].names == ("--big-list",)
    code, output = new("--help")
    assert code == 0
    for option in ("--name", "--url", "--sponsor", "--type", "--source", "--dry-run", "--data"):
        assert option in output


def test_choice_numbers_map_to_labels_and_other_answers_pass_through() -> None:
    from generator.catalog.validation import load_vocabularies
    from generator.submitting.forms import form_fields

    problems: list[Problem] = []
    fields = {f.id: f for f in form_fields(load_vocabularies(REPO / "data", problems))}
    assert choice_answer(fields["access"], "2") == "Gated"
    assert choice_answer(fields["types"], "1, 3") == "Customer support\nPartner"
    assert choice_answer(fields["access"], "9") == "9"
    assert choice_answer(fields["big_list"], "2014") == "2014"
    assert choice_answer(fields["name"], "3") == "3"
