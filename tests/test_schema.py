"""The schema is declared once: every field described, and the JSON Schema derived from it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from generator.catalog.models import Community, field_descriptions, required_fields
from generator.catalog.validation import load_catalog
from generator.site.exports import community_schema

REPO = Path(__file__).resolve().parents[1]
CONTRACT_FIELDS = [
    "name",
    "url",
    "sponsor",
    "description",
    "industry",
    "audience",
    "types",
    "access",
    "platform",
    "founded",
    "size",
    "languages",
    "regions",
    "big_list",
    "featured",
    "related",
    "feeds",
    "sources",
    "added",
]


def test_contract_fields_hold_still() -> None:
    assert set(CONTRACT_FIELDS) <= set(Community.model_fields)
    assert required_fields() == ["name", "url", "sources", "added"]


@pytest.mark.parametrize("name", list(Community.model_fields))
def test_every_field_has_a_description(name: str) -> None:
    assert len(field_descriptions()[name]) > 20


def test_json_schema_carries_vocabularies_and_limits(sample_data: Path) -> None:
    catalog = load_catalog(sample_data, today=dt.date(2026, 11, 25))
    schema = community_schema(catalog.vocabularies)
    properties = schema["properties"]
    assert schema["additionalProperties"] is False
    assert sorted(schema["required"]) == ["added", "name", "sources", "url"]
    assert properties["types"]["items"]["enum"] == ["developer", "professional-peer", "support"]
    industry_enum = [option for option in properties["industry"]["anyOf"] if "enum" in option]
    assert industry_enum[0]["enum"] == ["cybersecurity", "enterprise-software"]
    assert properties["name"]["maxLength"] == 100
    assert all(prop.get("description") for prop in properties.values())


def test_built_schema_accepts_the_shipped_entries(shipped_site: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((shipped_site / "schema" / "community.schema.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((REPO / "data" / "communities").glob("*.yml")):
        entry = yaml.safe_load(path.read_text("utf-8"))
        entry["added"] = entry["added"].isoformat()
        assert not list(validator.iter_errors(entry)), path.name


def test_the_committed_schema_is_the_models() -> None:
    from generator.catalog.schema import SCHEMA_PATH, schema_json
    from generator.catalog.validation import load_vocabularies

    problems: list[object] = []
    expected = schema_json(load_vocabularies(REPO / "data", problems))  # type: ignore[arg-type]
    committed = (REPO / SCHEMA_PATH).read_text("utf-8")
    assert committed == expected, "run `biglist forms` to regenerate schema/"


def test_every_shipped_entry_passes_the_committed_schema() -> None:
    import jsonschema

    schema = json.loads((REPO / "schema" / "community.schema.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((REPO / "data" / "communities").glob("*.yml"))[:40]:
        entry = yaml.safe_load(path.read_text("utf-8"))
        entry = {key: str(value) if key == "added" else value for key, value in entry.items()}
        assert not list(validator.iter_errors(entry)), path
