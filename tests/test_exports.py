"""The machine-readable exports, parsed the way their readers parse them: JSON (against its
own published schema), CSV with the csv module, Atom with ElementTree, SVG as XML."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from generator.catalog.models import Community
from generator.catalog.validation import load_catalog
from generator.site.building import render_site
from generator.site.exports import (
    CSV_COLUMNS,
    DEFAULT_SITE_URL,
    build_time,
    configured_site_url,
    defuse_formula,
)
from generator.state import state_from_json

SAMPLE = Path(__file__).parent / "fixtures" / "sample-data"
ATOM = "{http://www.w3.org/2005/Atom}"
CLOCK = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)
SITE_URL = "https://lists.example.test/big/"
CHECK_FIELDS = (
    "outcome",
    "link_status",
    "http_status",
    "final_url",
    "offsite",
    "last_activity",
    "activity_source",
    "activity",
)
STATE = {
    "version": 1,
    "checked_at": "2026-11-25T03:00:00Z",
    "communities": {
        "acme-community": {
            "url": "https://community.acme.test/",
            "outcome": "moved",
            "link_status": "moved",
            "http_status": 200,
            "final_url": "https://new.acme.test/?a=1&b=<2>",
            "offsite": True,
            "last_activity": "2026-11-22",
            "activity_source": "feed",
            "activity": "active",
        }
    },
}


def write_entry(data: Path, slug: str, **fields: Any) -> None:
    entry = {"url": f"https://{slug}.test/", "sources": [f"https://{slug}.test/about"], **fields}
    entry.setdefault("name", slug.replace("-", " ").title())
    entry.setdefault("added", dt.date(2025, 6, 1))
    (data / "communities" / f"{slug}.yml").write_text(yaml.safe_dump(entry), encoding="utf-8")


def render(data: Path, state: dict[str, Any] | None = None) -> dict[str, str | bytes]:
    catalog = load_catalog(data)
    state_file = state or {"version": 1, "communities": {}}
    return render_site(catalog, state_from_json(state_file), site_url=SITE_URL, generated_at=CLOCK)


def text(files: dict[str, str | bytes], path: str) -> str:
    value = files[path]
    assert isinstance(value, str)
    return value


@pytest.fixture(scope="module")
def files() -> dict[str, str | bytes]:
    return render(SAMPLE, STATE)


# --- api/communities.json ------------------------------------------------------------------


def test_api_has_every_model_and_check_field_and_the_injected_clock(
    files: dict[str, str | bytes],
) -> None:
    document = json.loads(text(files, "api/communities.json"))
    assert document["version"] == 1
    assert document["generated_at"] == "2026-11-25T03:00:00Z"
    slugs = [record["slug"] for record in document["communities"]]
    assert sorted(slugs) == ["acme-community", "acme-developers", "secops-peers"]
    for record in document["communities"]:
        assert {"slug", *Community.model_fields, *CHECK_FIELDS} <= set(record)


def test_api_carries_the_checker_state_and_defaults_for_unchecked_entries(
    files: dict[str, str | bytes],
) -> None:
    records = {r["slug"]: r for r in json.loads(text(files, "api/communities.json"))["communities"]}
    moved = records["acme-community"]
    assert moved["final_url"] == "https://new.acme.test/?a=1&b=<2>"
    assert (moved["outcome"], moved["link_status"], moved["offsite"]) == ("moved", "moved", True)
    assert (moved["last_activity"], moved["activity_source"]) == ("2026-11-22", "feed")
    assert moved["added"] == "2024-03-01" and moved["languages"] == ["en", "de"]
    unchecked = records["secops-peers"]
    assert unchecked["outcome"] is None and unchecked["http_status"] is None
    assert (unchecked["link_status"], unchecked["activity"]) == ("unknown", "unknown")


def test_api_validates_against_its_published_schema(files: dict[str, str | bytes]) -> None:
    schema = json.loads(text(files, "api/communities.schema.json"))
    jsonschema.Draft202012Validator.check_schema(schema)
    document = json.loads(text(files, "api/communities.json"))
    jsonschema.Draft202012Validator(schema).validate(document)
    document["communities"][0]["activity"] = "thriving"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(document)


def test_api_schema_refuses_a_missing_check_field(files: dict[str, str | bytes]) -> None:
    schema = json.loads(text(files, "api/communities.schema.json"))
    document = json.loads(text(files, "api/communities.json"))
    del document["communities"][1]["link_status"]
    with pytest.raises(jsonschema.ValidationError, match="link_status"):
        jsonschema.validate(document, schema)


def test_exports_are_identical_for_the_same_clock_and_data() -> None:
    assert render(SAMPLE, STATE) == render(SAMPLE, STATE)


def test_build_time_honours_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764039600")
    assert build_time() == dt.datetime(2025, 11, 25, 3, 0, tzinfo=dt.UTC)


def test_the_api_page_documents_every_field(files: dict[str, str | bytes]) -> None:
    page = text(files, "api.md")
    for field in ("slug", *Community.model_fields, *CHECK_FIELDS, "checked_at"):
        assert f"| `{field}` |" in page


# --- communities.csv -----------------------------------------------------------------------


def rows(files: dict[str, str | bytes]) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text(files, "communities.csv"), newline="")))


def test_csv_has_a_row_per_community_with_every_column(files: dict[str, str | bytes]) -> None:
    table = rows(files)
    assert list(table[0]) == list(CSV_COLUMNS)
    by_slug = {row["slug"]: row for row in table}
    acme = by_slug["acme-community"]
    assert acme["languages"] == "en; de" and acme["featured"] == "true"
    assert acme["final_url"] == "https://new.acme.test/?a=1&b=<2>"
    assert by_slug["secops-peers"]["http_status"] == ""


@pytest.fixture
def formula_data(tmp_path: Path) -> Path:
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    write_entry(data, "eq", name='=HYPERLINK("https://evil.test","x")', sponsor="+1 Corp")
    write_entry(data, "minus", name="-2+3", audience="@SUM(A1:A2)", description="=1+1 said so")
    write_entry(data, "comma", name='Quotes "and", commas', sponsor="Plain")
    return data


def test_csv_defuses_formulas_and_keeps_other_text_exact(formula_data: Path) -> None:
    by_slug = {row["slug"]: row for row in rows(render(formula_data))}
    assert by_slug["eq"]["name"] == '\'=HYPERLINK("https://evil.test","x")'
    assert by_slug["eq"]["sponsor"] == "'+1 Corp"
    assert by_slug["minus"]["name"] == "'-2+3"
    assert by_slug["minus"]["audience"] == "'@SUM(A1:A2)"
    assert by_slug["minus"]["description"] == "'=1+1 said so"
    assert by_slug["comma"]["name"] == 'Quotes "and", commas'
    assert by_slug["comma"]["sponsor"] == "Plain"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("=1", "'=1"),
        ("a=1", "a=1"),
        (" =1", " =1"),
        ("", ""),
    ],
)
def test_defuse_formula(cell: str, expected: str) -> None:
    assert defuse_formula(cell) == expected


# --- feed.xml ------------------------------------------------------------------------------


@pytest.fixture
def many(tmp_path: Path) -> Path:
    """The sample vocabularies with 60 entries added on 60 different days."""
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    for sample in (data / "communities").glob("*.yml"):
        sample.unlink()
    for number in range(60):
        added = dt.date(2026, 1, 1) + dt.timedelta(days=number)
        name = (
            f"Community {number:02d} & <3 > friends" if number == 59 else f"Community {number:02d}"
        )
        write_entry(data, f"community-{number:02d}", name=name, added=added)
    return data


def test_feed_is_atom_with_the_50_most_recent_additions(many: Path) -> None:
    feed = ET.fromstring(text(render(many), "feed.xml"))
    assert feed.tag == f"{ATOM}feed"
    for child in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{child}") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 50
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    expected = [f"{SITE_URL}communities/community-{n:02d}/" for n in range(59, 9, -1)]
    assert ids == expected
    assert feed.findtext(f"{ATOM}updated") == "2026-03-01T00:00:00Z"


def test_feed_entries_are_complete_and_escaped(many: Path) -> None:
    feed = ET.fromstring(text(render(many), "feed.xml"))
    first = feed.findall(f"{ATOM}entry")[0]
    assert first.findtext(f"{ATOM}title") == "Community 59 & <3 > friends"
    assert first.findtext(f"{ATOM}updated") == "2026-03-01T00:00:00Z"
    link = first.find(f"{ATOM}link[@rel='alternate']")
    assert link is not None and link.get("href") == f"{SITE_URL}communities/community-59/"
    assert first.findtext(f"{ATOM}summary")
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == f"{SITE_URL}feed.xml"


def test_feed_of_a_small_list_has_every_entry(files: dict[str, str | bytes]) -> None:
    feed = ET.fromstring(text(files, "feed.xml"))
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
    assert titles == ["SecOps Peers", "Acme Developers", "Acme Community"]


# --- badges --------------------------------------------------------------------------------


def test_every_community_has_a_well_formed_badge(many: Path) -> None:
    files = render(many)
    badge = ET.fromstring(text(files, "badges/community-59.svg"))
    assert badge.tag == "{http://www.w3.org/2000/svg}svg"
    title = badge.findtext("{http://www.w3.org/2000/svg}title") or ""
    assert title.startswith("Community 59 & <3 > friends is listed")
    assert len([path for path in files if path.startswith("badges/")]) == 60


def test_community_page_gives_the_embed_snippet(files: dict[str, str | bytes]) -> None:
    page = text(files, "communities/acme-developers.md")
    page_url = f"{SITE_URL}communities/acme-developers/"
    assert f"&lt;a href=&quot;{page_url}&quot;&gt;" in page
    assert f"{SITE_URL}badges/acme-developers.svg" in page
    assert 'src="../../badges/acme-developers.svg"' in page


# --- settings ------------------------------------------------------------------------------


def test_site_url_comes_from_mkdocs_yml_even_with_python_tags(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_url: https://x.test/list/\n"
        "markdown_extensions:\n"
        "  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        encoding="utf-8",
    )
    assert configured_site_url(config) == "https://x.test/list/"
    config.write_text("site_url: https://x.test/list\n", encoding="utf-8")
    assert configured_site_url(config) == "https://x.test/list/"
    assert configured_site_url(tmp_path / "missing.yml") == DEFAULT_SITE_URL
