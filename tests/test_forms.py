"""The submission form, derived from the model: the committed copies must not drift."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.catalog.models import VOCABULARY_FIELDS, Community, Vocabularies
from generator.catalog.validation import load_vocabularies
from generator.cli import cli
from generator.errors import BuildError, Problem
from generator.submitting.forms import (
    FORM_END,
    FORM_START,
    ISSUE_FORM_PATH,
    NOT_ON_FORM,
    form_fields,
    issue_form_yaml,
    replace_region,
    repo_url,
    sync_forms,
)

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PROJECT_REPO_URL = "https://github.com/biglist-b2b/biglist"


@pytest.fixture(scope="module")
def vocabularies() -> Vocabularies:
    problems: list[Problem] = []
    loaded = load_vocabularies(REPO / "data", problems)
    assert problems == []
    return loaded


@pytest.fixture(scope="module")
def committed_form() -> dict[str, object]:
    loaded = yaml.safe_load((REPO / ISSUE_FORM_PATH).read_text("utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def elements(form: dict[str, object]) -> list[dict[str, object]]:
    body = form["body"]
    assert isinstance(body, list)
    return [element for element in body if element.get("id")]


def test_committed_files_match_the_model_and_the_vocabularies() -> None:
    stale = sync_forms(REPO, REPO / "data", write=False)
    assert stale == [], f"run `biglist forms` to regenerate: {stale}"


def test_committed_issue_form_is_exactly_what_the_generator_writes(
    vocabularies: Vocabularies,
) -> None:
    expected = issue_form_yaml(vocabularies, PROJECT_REPO_URL)
    assert (REPO / ISSUE_FORM_PATH).read_text("utf-8") == expected


def test_every_form_field_id_is_a_model_field(committed_form: dict[str, object]) -> None:
    ids = [element["id"] for element in elements(committed_form)]
    assert ids, "the form has no fields"
    assert all(field_id in Community.model_fields for field_id in ids)
    expected = [name for name in Community.model_fields if name not in NOT_ON_FORM]
    assert ids == expected  # every field a contributor can know, in the model's order
    assert "featured" not in ids  # editorial


def test_only_name_and_url_are_required(committed_form: dict[str, object]) -> None:
    required = set()
    for element in elements(committed_form):
        validations = element.get("validations") or {}
        assert isinstance(validations, dict)
        if validations.get("required"):
            required.add(element["id"])
    assert required == {"name", "url"}


def test_vocabulary_fields_are_dropdowns_of_their_labels(
    committed_form: dict[str, object], vocabularies: Vocabularies
) -> None:
    by_id = {element["id"]: element for element in elements(committed_form)}
    for field_id, vocabulary in VOCABULARY_FIELDS.items():
        element = by_id[field_id]
        attributes = element["attributes"]
        assert isinstance(attributes, dict)
        assert element["type"] == "dropdown"
        labels = [term.label for term in vocabularies.get(vocabulary).values()]
        assert attributes["options"] == labels
        assert attributes["multiple"] is (field_id == "types")
        assert "None" not in labels  # a reserved word in GitHub dropdowns


def test_labels_and_descriptions_come_from_the_model(committed_form: dict[str, object]) -> None:
    labels = []
    for element in elements(committed_form):
        attributes = element["attributes"]
        assert isinstance(attributes, dict)
        description = Community.model_fields[str(element["id"])].description
        assert description and str(attributes["description"]).startswith(description)
        labels.append(attributes["label"])
    assert len(labels) == len(set(labels))  # GitHub requires unique labels


def test_sources_is_a_textarea_one_address_per_line(committed_form: dict[str, object]) -> None:
    by_id = {element["id"]: element for element in elements(committed_form)}
    assert by_id["sources"]["type"] == "textarea"
    assert by_id["feeds"]["type"] == "textarea"
    assert by_id["big_list"]["type"] == "checkboxes"
    assert by_id["name"]["type"] == by_id["url"]["type"] == "input"


def test_ids_use_only_characters_github_allows(committed_form: dict[str, object]) -> None:
    for element in elements(committed_form):
        assert re.fullmatch(r"[A-Za-z0-9_-]+", str(element["id"]))


def test_issue_form_passes_githubs_issue_form_schema() -> None:
    tool = BIN / "check-jsonschema"
    if not tool.exists():
        pytest.skip("check-jsonschema is not installed (pip install -e '.[dev]')")
    result = subprocess.run(
        [str(tool), "--builtin-schema", "vendor.github-issue-forms", str(REPO / ISSUE_FORM_PATH)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_repository_address_comes_from_mkdocs_yml() -> None:
    assert repo_url(REPO / "mkdocs.yml") == PROJECT_REPO_URL
    page = (REPO / "directory/submit.md").read_text("utf-8")
    assert f'action="{PROJECT_REPO_URL}/issues/new"' in page


def test_submit_page_form_has_one_control_per_form_field(vocabularies: Vocabularies) -> None:
    page = (REPO / "directory/submit.md").read_text("utf-8")
    names = re.findall(r'<(?:input|select|textarea)[^>]* name="([a-z_]+)"', page)
    expected = [field.id for field in form_fields(vocabularies)]
    assert list(dict.fromkeys(names)) == ["template", *expected]


def test_forms_command_regenerates_after_a_vocabulary_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    for relative in ("mkdocs.yml", "CONTRIBUTING.md", "directory/submit.md", str(ISSUE_FORM_PATH)):
        (project / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / relative, project / relative)
    shutil.copytree(REPO / "data", project / "data", ignore=shutil.ignore_patterns("communities"))
    with (project / "data/access.yml").open("a", encoding="utf-8") as handle:
        handle.write("- id: paid\n  label: Paid membership\n  description: Members pay.\n")
    monkeypatch.chdir(project)
    runner = CliRunner()
    check = runner.invoke(cli, ["forms", "--check"])
    assert check.exit_code == 1
    assert f"Out of date: {ISSUE_FORM_PATH} (run `biglist forms`)" in check.output
    assert runner.invoke(cli, ["forms"]).exit_code == 0
    assert "- Paid membership\n" in (project / ISSUE_FORM_PATH).read_text("utf-8")
    assert 'data-id="paid"' in (project / "directory/submit.md").read_text("utf-8")
    again = runner.invoke(cli, ["forms", "--check"])
    assert (again.exit_code, again.output) == (
        0,
        "The forms match the model and the vocabularies.\n",
    )


def test_a_page_without_its_markers_is_a_clear_error() -> None:
    with pytest.raises(BuildError, match="markers"):
        replace_region("no markers here", FORM_START, FORM_END, "x", "directory/submit.md")
    replaced = replace_region(
        f"a\n{FORM_START}\nold\n{FORM_END}\nb", FORM_START, FORM_END, "new", "p"
    )
    assert replaced == f"a\n{FORM_START}\nnew\n{FORM_END}\nb"
