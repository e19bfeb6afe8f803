"""CONTRIBUTING.md and the pull-request template stay true to the model and the tools."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from generator.catalog.models import Community
from generator.cli import cli
from generator.submitting.forms import TABLE_END, TABLE_START

REPO = Path(__file__).resolve().parents[1]
GUIDE = (REPO / "CONTRIBUTING.md").read_text("utf-8")


def table_rows() -> dict[str, list[str]]:
    table = GUIDE.split(TABLE_START, 1)[1].split(TABLE_END, 1)[0]
    rows = {}
    for line in table.strip().splitlines()[2:]:
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        rows[cells[0].strip("`")] = cells
    return rows


def test_the_field_table_lists_every_model_field_with_its_description() -> None:
    rows = table_rows()
    assert list(rows) == list(Community.model_fields)
    for name, info in Community.model_fields.items():
        required, description = rows[name][1], rows[name][3].replace("\\|", "|")
        assert description == info.description, name
        assert required == ("yes" if info.is_required() else "no"), name


def test_the_guide_says_what_we_accept_and_how_review_works() -> None:
    headings = re.findall(r"^## (.+)$", GUIDE, flags=re.MULTILINE)
    assert "What we accept, and why" in headings
    assert "How review works" in headings
    assert "The fields of an entry" in headings


def test_the_commands_the_guide_shows_exist() -> None:
    shown = set(re.findall(r"biglist ([a-z]+)", GUIDE))
    assert {"new", "import", "validate", "forms"} <= shown
    assert shown <= set(cli.commands), shown - set(cli.commands)
    result = CliRunner().invoke(cli, ["new", "--help"])
    for option in re.findall(r"biglist new (.*)", GUIDE)[0].split():
        if option.startswith("--"):
            assert option in result.output, option


def test_the_issue_form_link_names_the_committed_template() -> None:
    assert "issues/new?template=add-community.yml" in GUIDE
    assert (REPO / ".github/ISSUE_TEMPLATE/add-community.yml").is_file()


def test_the_pull_request_template_has_a_short_checklist() -> None:
    template = (REPO / ".github/pull_request_template.md").read_text("utf-8")
    items = re.findall(r"^- \[ \] (.+)$", template, flags=re.MULTILINE)
    assert 3 <= len(items) <= 7
    assert any("biglist validate" in item for item in items)
    assert any("sources" in item for item in items)
