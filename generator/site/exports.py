"""Machine-readable exports: the entry's JSON Schema, the API (JSON + its schema), the CSV,
the Atom feed of new communities and the "Listed on the Big List" badges.

Contributed text is escaped where it lands: by `json` in JSON, by `csv` (and a leading `'`
against spreadsheet formulas) in CSV, and by the autoescaping markup environment in XML.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment

from generator.catalog.models import Community, Vocabularies
from generator.catalog.schema import community_schema, schema_json
from generator.catalog.slugs import SLUG_PATTERN
from generator.outcomes import ACTIVITY_LEVELS, OUTCOMES
from generator.site.status import LINK_LABELS, SOURCE_WORDS, check_fields
from generator.site.views import CommunityView, SiteView

# --- the API: every community with its status ----------------------------------------------

API_VERSION = 1
API_SCHEMA_PATH = "api/communities.schema.json"
DEFAULT_SITE_URL = "https://biglist-b2b.github.io/biglist/"
LIST_SEPARATOR = "; "

_NULLABLE_STRING: dict[str, Any] = {"type": ["string", "null"]}
CHECK_PROPERTIES: dict[str, dict[str, Any]] = {
    "outcome": {
        "enum": [*OUTCOMES, None],
        "description": "The latest check's result for the entry URL; null before the first check.",
    },
    "link_status": {
        "enum": list(LINK_LABELS),
        "description": "The link's standing over its history (dead after three failing checks).",
    },
    "http_status": {
        "type": ["integer", "null"],
        "description": "HTTP status of the last response; null when no response came.",
    },
    "final_url": {
        **_NULLABLE_STRING,
        "description": "Where the entry URL led after redirects (the new address when moved).",
    },
    "offsite": {
        "type": "boolean",
        "description": "True when a move ends on another registrable domain: review it.",
    },
    "last_activity": {
        **_NULLABLE_STRING,
        "format": "date",
        "description": "Date of the latest post or update found, or null.",
    },
    "activity_source": {
        "enum": [*SOURCE_WORDS, None],
        "description": "Where the activity date came from, most trusted first.",
    },
    "activity": {
        "enum": list(ACTIVITY_LEVELS),
        "description": "active (≤ 30 days), slowing (≤ 180 days), dormant, or unknown.",
    },
    "checked_at": {
        **_NULLABLE_STRING,
        "format": "date-time",
        "description": "When the community was last checked (UTC), or null.",
    },
}
CSV_COLUMNS = ("slug", *Community.model_fields, *CHECK_PROPERTIES)
# Spreadsheets run a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def community_record(view: CommunityView) -> dict[str, Any]:
    """One community as the API gives it: slug, every entry field, then its check fields."""
    return {
        "slug": view.slug,
        **view.community.model_dump(mode="json"),
        **check_fields(view.status.record),
    }


def communities_json(views: Iterable[CommunityView], generated_at: dt.datetime) -> str:
    """The API document, one community per line: compact at scale, small diffs night to night."""
    head = json.dumps({"version": API_VERSION, "generated_at": iso_timestamp(generated_at)})
    rows = ",\n".join(_json_line(community_record(view)) for view in views)
    return f'{head[:-1]}, "communities": [\n{rows}\n]}}\n'


def _json_line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def iso_timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def api_schema(vocabularies: Vocabularies) -> dict[str, Any]:
    """The versioned JSON Schema of `api/communities.json`."""
    entry = community_schema(vocabularies)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": DEFAULT_SITE_URL + API_SCHEMA_PATH,
        "title": f"The Big List API, version {API_VERSION}",
        "type": "object",
        "required": ["version", "generated_at", "communities"],
        "properties": {
            "version": {"const": API_VERSION, "description": "Changes only on breaking changes."},
            "generated_at": {"type": "string", "format": "date-time"},
            "communities": {"type": "array", "items": {"$ref": "#/$defs/community"}},
        },
        "$defs": {**entry.pop("$defs", {}), "community": _api_entry(entry)},
    }


def _api_entry(entry: dict[str, Any]) -> dict[str, Any]:
    slug = {"type": "string", "pattern": SLUG_PATTERN, "description": "The entry's file name."}
    properties = {"slug": slug, **entry["properties"], **CHECK_PROPERTIES}
    return {
        "type": "object",
        "description": "One community: its entry fields and its latest check.",
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
    }


def api_schema_json(vocabularies: Vocabularies) -> str:
    return json.dumps(api_schema(vocabularies), indent=2, ensure_ascii=False) + "\n"


# --- CSV ----------------------------------------------------------------------------------


def communities_csv(views: Iterable[CommunityView]) -> str:
    """Every community, one row each, with lists joined by "; " and formulas defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for view in views:
        record = community_record(view)
        writer.writerow([csv_cell(record[column]) for column in CSV_COLUMNS])
    return buffer.getvalue()


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = LIST_SEPARATOR.join(str(item) for item in value)
    else:
        text = str(value)
    return defuse_formula(text)


def defuse_formula(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


# --- Atom feed and badges -----------------------------------------------------------------

FEED_SIZE = 50


def page_url(site_url: str, view: CommunityView) -> str:
    return f"{site_url}communities/{view.slug}/"


def badge_url(site_url: str, view: CommunityView) -> str:
    return f"{site_url}badges/{view.slug}.svg"


def newest(views: Iterable[CommunityView], count: int = FEED_SIZE) -> list[CommunityView]:
    """The most recent additions; ties on the date fall back to the slug, for stable output."""
    by_slug = sorted(views, key=lambda view: view.slug)
    return sorted(by_slug, key=lambda view: view.community.added, reverse=True)[:count]


@dataclass(frozen=True)
class FeedEntry:
    view: CommunityView
    url: str
    summary: str


def feed_entry(view: CommunityView, site_url: str) -> FeedEntry:
    c = view.community
    summary = c.description or (f"{c.name}, run by {c.sponsor}." if c.sponsor else f"{c.name}.")
    return FeedEntry(view, page_url(site_url, view), summary)


def atom_feed(views: Iterable[CommunityView], site_url: str, env: Environment) -> str:
    """The Atom feed of new communities; `updated` is the newest addition, so it is stable."""
    entries = newest(views)
    updated = max((view.community.added for view in entries), default=dt.date(1970, 1, 1))
    return env.get_template("feed.xml.j2").render(
        site_url=site_url,
        updated=f"{updated.isoformat()}T00:00:00Z",
        entries=[feed_entry(view, site_url) for view in entries],
    )


def badge_svg(view: CommunityView, env: Environment) -> str:
    return env.get_template("badge.svg.j2").render(name=view.name)


def embed_snippet(site_url: str, view: CommunityView) -> str:
    """HTML a community can paste to show the badge, linking back to its page here."""
    page, image = html.escape(page_url(site_url, view)), html.escape(badge_url(site_url, view))
    alt = "Listed on The Big List of B2B Online Communities"
    return f'<a href="{page}"><img src="{image}" alt="{alt}" width="150" height="20"></a>'


def exports(
    site: SiteView,
    vocabularies: Vocabularies,
    env: Environment,
    *,
    site_url: str,
    generated_at: dt.datetime,
) -> dict[str, str]:
    """Every machine-readable file, by docs-relative path; `env` is the markup environment."""
    files = {
        "schema/community.schema.json": schema_json(vocabularies),
        "api/communities.json": communities_json(site.communities, generated_at),
        API_SCHEMA_PATH: api_schema_json(vocabularies),
        "communities.csv": communities_csv(site.communities),
        "feed.xml": atom_feed(site.communities, site_url, env),
    }
    files.update({f"badges/{view.slug}.svg": badge_svg(view, env) for view in site.communities})
    return files


# --- the API's documentation page ---------------------------------------------------------


@dataclass(frozen=True)
class ApiField:
    name: str
    kind: str
    description: str


@dataclass(frozen=True)
class ApiDoc:
    version: int
    fields: list[ApiField]
    csv_columns: tuple[str, ...]
    list_separator: str
    feed_size: int


def api_doc(vocabularies: Vocabularies) -> ApiDoc:
    properties = api_schema(vocabularies)["$defs"]["community"]["properties"]
    fields = [
        ApiField(name, schema_kind(prop), prop.get("description", ""))
        for name, prop in properties.items()
    ]
    return ApiDoc(API_VERSION, fields, CSV_COLUMNS, LIST_SEPARATOR, FEED_SIZE)


def schema_kind(prop: dict[str, Any]) -> str:
    """A property's type in words: "string", "list of string", "date or null", "one of …"."""
    if "enum" in prop:
        return "one of " + ", ".join("null" if v is None else str(v) for v in prop["enum"])
    options = prop.get("anyOf") or [prop]
    return " or ".join(_kind(option) for option in options)


def _kind(prop: dict[str, Any]) -> str:
    kind = prop.get("type", "any")
    if isinstance(kind, list):
        return " or ".join(str(prop.get("format", k)) if k == "string" else k for k in kind)
    if kind == "array":
        return "list of " + _kind(prop.get("items", {}))
    return str(prop.get("format", kind)) if kind == "string" else str(kind)


# --- build settings -----------------------------------------------------------------------


class _LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml safely, ignoring the !!python/... tags MkDocs configs may carry."""


_LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def build_settings(config_file: Path) -> dict[str, Any]:
    """mkdocs.yml as plain data; empty when it cannot be read (the build then says why)."""
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_LenientLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return config if isinstance(config, dict) else {}


def configured_site_url(config_file: Path) -> str:
    """The MkDocs `site_url` (with a trailing slash), which absolute links in exports need."""
    url = build_settings(config_file).get("site_url")
    if not isinstance(url, str) or not url:
        return DEFAULT_SITE_URL
    return url if url.endswith("/") else url + "/"


def build_time() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH when set, so reproducible builds give identical exports."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
