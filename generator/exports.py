"""Machine-readable exports: the JSON Schema of an entry (more exports join it here)."""

from __future__ import annotations

import json
from typing import Any

from generator.models import VOCABULARY_FIELDS, Community, Vocabularies

SCHEMA_ID = "https://biglist-b2b.github.io/biglist/schema/community.schema.json"


def community_schema(vocabularies: Vocabularies) -> dict[str, Any]:
    """The entry's JSON Schema, from the model, with the vocabularies filled in as enums."""
    schema = Community.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    for field, vocabulary in VOCABULARY_FIELDS.items():
        _restrict(schema["properties"][field], sorted(vocabularies.get(vocabulary)))
    return schema


def _restrict(prop: dict[str, Any], allowed: list[str]) -> None:
    """Put an enum on the string part of a property (plain, nullable, or a list of strings)."""
    if prop.get("type") == "array":
        prop["items"] = {**prop.get("items", {}), "enum": allowed}
        return
    for option in prop.get("anyOf", [prop]):
        if option.get("type") == "string":
            option["enum"] = allowed


def schema_json(vocabularies: Vocabularies) -> str:
    return json.dumps(community_schema(vocabularies), indent=2, ensure_ascii=False) + "\n"
