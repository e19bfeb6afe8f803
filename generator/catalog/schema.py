"""The entry's JSON Schema, derived from the model: published with the site, committed at
`schema/community.schema.json` for editors (a YAML language server reads it from the
`# yaml-language-server: $schema=...` line that `new` and `import` write first).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from generator.catalog.models import VOCABULARY_FIELDS, Community, Vocabularies

SCHEMA_PATH = Path("schema") / "community.schema.json"
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


def schema_line(entry_path: Path) -> str:
    """The first line of a written entry: where an editor finds the schema. The committed
    copy, relative to the entry, when the project holds one; else the published one."""
    folder = entry_path.parent.absolute()
    for root in (folder, *folder.parents):
        if (root / SCHEMA_PATH).is_file():
            where = os.path.relpath(root / SCHEMA_PATH, folder)
            return f"# yaml-language-server: $schema={Path(where).as_posix()}\n"
    return f"# yaml-language-server: $schema={SCHEMA_ID}\n"
