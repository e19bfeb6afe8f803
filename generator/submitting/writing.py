"""Write a new entry file: a deterministic slug, safe YAML, proof it reads back, no overwrite."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import yaml

from generator.catalog.loading import Document, load_yaml_bytes
from generator.catalog.models import Community, ValidationContext
from generator.catalog.schema import schema_line
from generator.catalog.slugs import slugify
from generator.catalog.urls import url_key
from generator.catalog.validation import validate_document
from generator.errors import Problem, display_path

MAX_SLUG_LENGTH = 60


def slug_for(community: Community, taken: set[str]) -> str:
    """The file name an entry gets: its name in kebab-case, made unique with `-2`, `-3`, ..."""
    base = _short(slugify(community.name))
    if base == "x":  # nothing Latin in the name: fall back to the address
        base = _short(slugify(url_key(community.url)))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _short(slug: str) -> str:
    """At most MAX_SLUG_LENGTH characters, cut at a hyphen where there is one."""
    if len(slug) <= MAX_SLUG_LENGTH:
        return slug
    cut = slug[: MAX_SLUG_LENGTH + 1].rsplit("-", 1)[0]
    return cut if len(cut) >= MAX_SLUG_LENGTH // 2 else slug[:MAX_SLUG_LENGTH].rstrip("-")


def entry_values(community: Community) -> dict[str, Any]:
    """The fields an entry file holds, in the model's order; defaults are left out."""
    return community.model_dump(mode="python", exclude_defaults=True)


FOLD_LONGER_THAN = 80


class _EntryDumper(yaml.SafeDumper):
    """Safe YAML in the house style of the entry files: list items indented under their key,
    long text folded (`>-`) over lines of at most about 100 characters."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # The emitter falls back to a quoted style when folding could change the text.
    style = ">" if len(value) > FOLD_LONGER_THAN else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_EntryDumper.add_representer(str, _represent_text)


def entry_yaml(community: Community) -> str:
    """The entry as YAML that our loader reads back to the same values."""
    return yaml.dump(
        entry_values(community),
        Dumper=_EntryDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=96,
    )


def entry_file_text(community: Community, path: Path) -> str:
    """What a new entry file holds: the schema line for editors, then the entry."""
    return schema_line(path) + entry_yaml(community)


def verify_round_trip(
    text: str, path: Path, community: Community, context: ValidationContext
) -> Problem | None:
    """Read the text back as `validate` will; a Problem if it does not give the same entry."""
    doc = load_yaml_bytes(text.encode("utf-8"), Document(display_path(path)))
    problems: list[Problem] = []
    entry = validate_document(doc, context, problems)
    if entry is not None and entry.community == community:
        return None
    return Problem(display_path(path), 1, "-", "the entry would not read back as submitted")


def write_new(path: Path, text: str) -> Problem | None:
    """Create the file whole or not at all, and never replace one that exists.

    The text goes to a temporary file first and is then hard-linked into place: the link fails
    if the name exists, even if it appeared a moment ago, and a reader never sees half a file.
    The file gets the usual permissions (0666 less the umask: 0644 under umask 022), not the
    0600 of a private temporary file.
    """
    try:
        temporary = _write_temporary(path.parent, text.encode("utf-8"))
        try:
            os.link(temporary, path)
        finally:
            os.unlink(temporary)
    except FileExistsError:
        return Problem(display_path(path), 1, "-", "file already exists; not overwritten")
    except OSError as error:
        return Problem(display_path(path), 1, "-", f"cannot write: {error.strerror or error}")
    return None


def _write_temporary(folder: Path, data: bytes) -> Path:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    while True:
        candidate = folder / f".import-{secrets.token_hex(8)}"
        try:
            descriptor = os.open(candidate, flags, 0o666)  # the umask applies, as for any file
        except FileExistsError:
            continue
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
        except OSError:
            os.unlink(candidate)
            raise
        return candidate
