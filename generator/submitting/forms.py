"""The submission form, derived from the `Community` model and the vocabularies.

One list of `FormField`s drives every place a contributor types an entry: the GitHub issue
form (`.github/ISSUE_TEMPLATE/add-community.yml`), the form on the site's submit page, the
field table in CONTRIBUTING.md, `biglist import` (which reads the form's answers back) and
`biglist new`. `biglist forms` rewrites the committed copies; a test fails when they drift.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic.fields import FieldInfo

from generator.catalog.models import FIRST_FOUNDED_YEAR, VOCABULARY_FIELDS, Community, Vocabularies
from generator.catalog.schema import SCHEMA_PATH, schema_json
from generator.catalog.urls import check_url
from generator.catalog.validation import load_vocabularies
from generator.errors import BuildError, DataError, Problem

ISSUE_TEMPLATE = "add-community.yml"
ISSUE_FORM_PATH = Path(".github/ISSUE_TEMPLATE") / ISSUE_TEMPLATE
SUBMIT_PAGE_PATH = Path("directory/submit.md")
CONTRIBUTING_PATH = Path("CONTRIBUTING.md")
SUBMISSION_LABEL = "add-community"
NO_RESPONSE = "_No response_"

Widget = Literal["input", "textarea", "dropdown", "checkboxes"]
Kind = Literal["text", "url", "integer", "boolean", "date"]

# Fields a contributor does not fill in, and why (CONTRIBUTING.md prints the reasons).
NOT_ON_FORM: dict[str, str] = {
    "featured": "editorial: maintainers choose the few communities shown first",
    "related": "editorial: maintainers link sibling entries during review",
    "added": "set on import: the form's timestamp, or the day of the import",
}
# Short labels where the model's own title reads badly on a form.
LABELS: dict[str, str] = {
    "url": "URL",
    "types": "Type",
    "founded": "Year founded",
    "big_list": "Big List editions",
    "feeds": "Feeds",
}
# What the form adds to the model's description: how to type the answer.
HINTS: dict[str, str] = {
    "languages": "Separate codes with commas.",
    "regions": "Separate regions with commas.",
    "big_list": "Tick every edition it appeared in.",
    "feeds": "One address per line.",
    "sources": "One address per line. Leave empty to cite the community's own address.",
}
_LONG_TEXT = 200


@dataclass(frozen=True)
class Option:
    """One choice of a dropdown or checkbox list: the value stored and the label shown."""

    value: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormField:
    """One question of the submission form, answered by one model field."""

    id: str
    label: str
    description: str
    widget: Widget
    kind: Kind
    required: bool
    multiple: bool
    vocabulary: str | None = None
    options: tuple[Option, ...] = ()
    max_length: int | None = None
    pattern: str | None = None
    minimum: int | None = None
    placeholder: str | None = None


# --- deriving the fields -------------------------------------------------------------------


def form_fields(vocabularies: Vocabularies, *, editorial: bool = False) -> list[FormField]:
    """Every field on the form, in the model's order; `editorial` adds those left off it."""
    schema = Community.model_json_schema()["properties"]
    return [
        _form_field(name, info, schema[name], vocabularies)
        for name, info in Community.model_fields.items()
        if editorial or name not in NOT_ON_FORM
    ]


def _form_field(
    name: str, info: FieldInfo, prop: dict[str, Any], vocabularies: Vocabularies
) -> FormField:
    shape = _scalar_schema(prop)
    multiple = prop.get("type") == "array"
    vocabulary = VOCABULARY_FIELDS.get(name)
    options = _options(vocabularies, vocabulary, shape)
    kind = _kind(info, shape)
    return FormField(
        id=name,
        label=LABELS.get(name, str(prop.get("title", name))),
        description=_description(name, info),
        widget=_widget(options, vocabulary, multiple, kind, shape.get("maxLength")),
        kind=kind,
        required=name in ("name", "url"),
        multiple=multiple,
        vocabulary=vocabulary,
        options=options,
        max_length=shape.get("maxLength"),
        pattern=shape.get("pattern"),
        minimum=FIRST_FOUNDED_YEAR if kind == "integer" and not options else None,
        placeholder=_placeholder(info, kind, vocabulary),
    )


def _scalar_schema(prop: dict[str, Any]) -> dict[str, Any]:
    """The schema of one value: the items of a list, the non-null branch of an optional."""
    if prop.get("type") == "array":
        return dict(prop.get("items", {}))
    for option in prop.get("anyOf", []):
        if option.get("type") != "null":
            return dict(option)
    return prop


def _description(name: str, info: FieldInfo) -> str:
    hint = HINTS.get(name)
    return f"{info.description} {hint}" if hint else info.description or ""


def _kind(info: FieldInfo, shape: dict[str, Any]) -> Kind:
    if _uses_validator(info, check_url):
        return "url"
    if shape.get("format") == "date":
        return "date"
    kinds: dict[str, Kind] = {"integer": "integer", "boolean": "boolean"}
    return kinds.get(str(shape.get("type")), "text")


def _uses_validator(info: FieldInfo, validator: Callable[..., Any]) -> bool:
    return any(getattr(meta, "func", None) is validator for meta in info.metadata) or (
        _annotation_uses(info.annotation, validator)
    )


def _annotation_uses(annotation: Any, validator: Callable[..., Any]) -> bool:
    for meta in getattr(annotation, "__metadata__", ()):
        if getattr(meta, "func", None) is validator:
            return True
    return any(_annotation_uses(arg, validator) for arg in get_args(annotation))


def _options(
    vocabularies: Vocabularies, vocabulary: str | None, shape: dict[str, Any]
) -> tuple[Option, ...]:
    if vocabulary is not None:
        terms = vocabularies.get(vocabulary).values()
        return tuple(Option(term.id, term.label, tuple(term.aliases)) for term in terms)
    return tuple(Option(str(value), str(value)) for value in shape.get("enum", []))


def _widget(
    options: tuple[Option, ...],
    vocabulary: str | None,
    multiple: bool,
    kind: Kind,
    max_length: int | None,
) -> Widget:
    if vocabulary is not None:
        return "dropdown"
    if options:
        return "checkboxes"
    if (multiple and kind == "url") or (kind == "text" and (max_length or 0) > _LONG_TEXT):
        return "textarea"
    return "input"


def _placeholder(info: FieldInfo, kind: Kind, vocabulary: str | None) -> str | None:
    if vocabulary is not None or not info.examples:
        return None
    example = info.examples[0]
    if isinstance(example, list):
        separator = "\n" if kind == "url" else ", "
        return separator.join(str(item) for item in example)
    return str(example)


# Other names form tools and people give the same question (headers of hand-made exports).
LABEL_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("community name", "community"),
    "url": ("website", "web address", "address", "community url", "link", "homepage"),
    "types": ("types", "community type", "kind"),
    "founded": ("founded", "year", "launched"),
    "big_list": ("big list", "editions"),
    "feeds": ("feed", "rss", "rss feed"),
    "sources": ("source", "references"),
}


def field_by_label(fields: Iterable[FormField]) -> dict[str, FormField]:
    """Fields keyed by a normalised label, id or alias: how submissions name their answers."""
    keyed: dict[str, FormField] = {}
    for field in fields:
        for name in (field.id, field.label, *LABEL_ALIASES.get(field.id, ())):
            keyed.setdefault(normalise_label(name), field)
    return keyed


def normalise_label(text: str) -> str:
    """Compare labels as people retype them: case, spacing, a trailing `*` or `(optional)`."""
    text = re.sub(r"\s*(\*|\(optional\)|\(required\)|:)\s*$", "", text.strip(), flags=re.I)
    return " ".join(text.replace("_", " ").split()).casefold()


# --- the GitHub issue form -----------------------------------------------------------------

_ISSUE_FORM_HEADER = """\
# Generated by `biglist forms` from generator/catalog/models.py and data/*.yml: do not edit by hand.
# Field ids are the entry's field names; `biglist import` reads the issue body back.
"""


def issue_form(vocabularies: Vocabularies, repo_url: str) -> dict[str, Any]:
    """The GitHub issue form as a mapping, ready to dump as YAML."""
    return {
        "name": "Add a community",
        "description": "Suggest a B2B online community for The Big List. "
        "Only the name and the address are required.",
        "title": "Add community: ",
        "labels": [SUBMISSION_LABEL],
        "body": [_intro(repo_url), *(_issue_element(f) for f in form_fields(vocabularies))],
    }


def _intro(repo_url: str) -> dict[str, Any]:
    text = (
        "Thank you for adding a community. Only the **name** and the **URL** are required; "
        "the more you fill in, the less a maintainer has to look up.\n\n"
        "We list business-to-business communities: vendor customer and support communities, "
        "developer and partner networks, professional peer groups. A bot turns this issue "
        "into a pull request and a maintainer reviews it; see "
        f"[how review works]({repo_url}/blob/main/CONTRIBUTING.md).\n"
    )
    return {"type": "markdown", "attributes": {"value": text}}


def _issue_element(field: FormField) -> dict[str, Any]:
    attributes: dict[str, Any] = {"label": field.label, "description": field.description}
    if field.widget == "dropdown":
        attributes["multiple"] = field.multiple
        attributes["options"] = [option.label for option in field.options]
    elif field.widget == "checkboxes":
        attributes["options"] = [{"label": option.label} for option in field.options]
    elif field.placeholder:
        attributes["placeholder"] = field.placeholder
    element: dict[str, Any] = {"type": field.widget, "id": field.id, "attributes": attributes}
    if field.widget != "checkboxes":
        element["validations"] = {"required": field.required}
    return element


class _FormDumper(yaml.SafeDumper):
    """Safe YAML that writes multi-line text as a literal block, as a person would."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_FormDumper.add_representer(str, _represent_text)


def issue_form_yaml(vocabularies: Vocabularies, repo_url: str) -> str:
    body = yaml.dump(
        issue_form(vocabularies, repo_url),
        Dumper=_FormDumper,
        sort_keys=False,
        allow_unicode=True,
        width=4096,
    )
    return _ISSUE_FORM_HEADER + body


# --- the form on the site's submit page ----------------------------------------------------

FORM_START = "<!-- biglist:form:start (generated by `biglist forms`; do not edit) -->"
FORM_END = "<!-- biglist:form:end -->"


def submit_form_html(vocabularies: Vocabularies, repo_url: str) -> str:
    """The submit page's form: plain HTML that works as a GET form even without script."""
    action = html.escape(f"{repo_url}/issues/new")
    lines = [
        f'<form id="biglist-submit" class="biglist-submit" action="{action}" method="get" '
        f'novalidate data-repo="{html.escape(repo_url)}" data-template="{ISSUE_TEMPLATE}">',
        f'<input type="hidden" name="template" value="{ISSUE_TEMPLATE}">',
    ]
    for field in form_fields(vocabularies):
        lines.extend(_html_field(field))
    lines += [
        '<p class="biglist-submit__actions">',
        '<button type="submit" class="md-button md-button--primary">'
        "Open the prefilled GitHub issue</button>",
        '<button type="button" class="md-button" data-action="yaml">'
        "Show the YAML for a pull request</button>",
        "</p>",
        '<div class="biglist-submit__result" id="biglist-submit-result" aria-live="polite"></div>',
        "</form>",
        '<script src="../assets/submit.js" defer></script>',
    ]
    return "\n".join(lines)


def _html_field(field: FormField) -> list[str]:
    control = f"submit-{field.id}"
    required = ' <span class="biglist-submit__required">(required)</span>' if field.required else ""
    attributes = _data_attributes(field)
    help_id, error_id = f"{control}-help", f"{control}-error"
    if field.widget in ("checkboxes",) or (field.widget == "dropdown" and field.multiple):
        head = [
            f'<fieldset class="biglist-submit__field" {attributes}>',
            f"<legend>{html.escape(field.label)}{required}</legend>",
        ]
        body = [_checkbox(field, option) for option in field.options]
        tail = "</fieldset>"
    else:
        head = [
            f'<div class="biglist-submit__field" {attributes}>',
            f'<label for="{control}">{html.escape(field.label)}{required}</label>',
        ]
        body = [_control(field, control, f"{help_id} {error_id}")]
        tail = "</div>"
    return [
        *head,
        f'<p class="biglist-submit__help" id="{help_id}">{_help_html(field.description)}</p>',
        *body,
        f'<p class="biglist-submit__error" id="{error_id}" hidden></p>',
        tail,
    ]


def _help_html(text: str) -> str:
    """Escaped text; the model's `code` spans (as in `pt-BR`) shown as code."""
    return re.sub(r"`([^`<>]+)`", r"<code>\1</code>", html.escape(text))


def _data_attributes(field: FormField) -> str:
    pairs = {
        "data-field": field.id,
        "data-kind": field.kind,
        "data-widget": field.widget,
        "data-multiple": "true" if field.multiple else "false",
        "data-max-length": str(field.max_length) if field.max_length else "",
        "data-pattern": field.pattern or "",
        "data-min": str(field.minimum) if field.minimum is not None else "",
    }
    return " ".join(f'{key}="{html.escape(value)}"' for key, value in pairs.items() if value)


def _checkbox(field: FormField, option: Option) -> str:
    return (
        f'<label class="biglist-submit__choice"><input type="checkbox" name="{field.id}" '
        f'value="{html.escape(option.label)}" data-id="{html.escape(option.value)}"> '
        f"{html.escape(option.label)}</label>"
    )


def _control(field: FormField, control: str, described_by: str) -> str:
    common = f'id="{control}" name="{field.id}" aria-describedby="{described_by}"'
    if field.required:
        common += " required"
    if field.placeholder:
        common += f' placeholder="{html.escape(field.placeholder)}"'
    if field.widget == "dropdown":
        options = ['<option value="">(choose one)</option>']
        options += [
            f'<option value="{html.escape(o.label)}" data-id="{html.escape(o.value)}">'
            f"{html.escape(o.label)}</option>"
            for o in field.options
        ]
        return f"<select {common}>{''.join(options)}</select>"
    if field.widget == "textarea":
        return f'<textarea {common} rows="3"></textarea>'
    input_type = {"url": "url", "integer": "number"}.get(field.kind, "text")
    if field.multiple:
        input_type = "text"
    return f'<input type="{input_type}" {common}>'


def replace_region(text: str, start: str, end: str, content: str, where: str) -> str:
    """Replace what lies between two marker lines (the markers stay)."""
    try:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
    except ValueError:
        raise BuildError(f"{where}: markers {start!r} and {end!r} not found") from None
    return f"{head}{start}\n{content}\n{end}{tail}"


# --- CONTRIBUTING.md's field table ---------------------------------------------------------

TABLE_START = "<!-- biglist:fields:start (generated by `biglist forms`; do not edit) -->"
TABLE_END = "<!-- biglist:fields:end -->"


def field_table(vocabularies: Vocabularies) -> str:
    """Every model field with its description, whether it is required and how to fill it."""
    on_form = {field.id: field for field in form_fields(vocabularies)}
    rows = ["| field | required | on the form | what it holds |", "|---|---|---|---|"]
    for name, info in Community.model_fields.items():
        required = "yes" if info.is_required() else "no"
        form = f"{on_form[name].label}" if name in on_form else f"no ({NOT_ON_FORM[name]})"
        description = _table_cell(info.description or "")
        rows.append(f"| `{name}` | {required} | {_table_cell(form)} | {description} |")
    return "\n".join(rows)


def _table_cell(text: str) -> str:
    return text.replace("|", "\\|")


# --- keeping the committed copies in step --------------------------------------------------


@dataclass(frozen=True)
class GeneratedFile:
    path: Path
    expected: str
    current: str | None

    @property
    def stale(self) -> bool:
        return self.expected != self.current


def repo_url(config_file: Path = Path("mkdocs.yml")) -> str:
    """The project's GitHub address, from one place: `repo_url` in mkdocs.yml."""
    try:
        config = yaml.safe_load(config_file.read_text("utf-8"))
        # `extra.repo_url` serves when the theme's repo_url is left out (Material asks the
        # GitHub API for stars on every page view when it is set).
        url = str(config.get("repo_url") or config["extra"]["repo_url"]).rstrip("/")
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as error:
        raise BuildError(f"{config_file}: cannot read repo_url ({error})") from None
    if not url.startswith("https://github.com/"):
        raise BuildError(f"{config_file}: repo_url must be a https://github.com/ address")
    return url


def generated_files(root: Path, vocabularies: Vocabularies) -> list[GeneratedFile]:
    """The issue form, the entry schema, the submit page and CONTRIBUTING.md as `biglist
    forms` would write them."""
    url = repo_url(root / "mkdocs.yml")
    issue_form_text = issue_form_yaml(vocabularies, url)
    regions = {
        SUBMIT_PAGE_PATH: (FORM_START, FORM_END, submit_form_html(vocabularies, url)),
        CONTRIBUTING_PATH: (TABLE_START, TABLE_END, field_table(vocabularies)),
    }
    files = [
        GeneratedFile(root / ISSUE_FORM_PATH, issue_form_text, _read(root / ISSUE_FORM_PATH)),
        # For editors: entries written by `new` and `import` point at it in their first line.
        GeneratedFile(root / SCHEMA_PATH, schema_json(vocabularies), _read(root / SCHEMA_PATH)),
    ]
    for relative, (start, end, content) in regions.items():
        current = _read(root / relative)
        if current is None:
            raise BuildError(f"{relative}: not found (it holds the generated {start!r} region)")
        expected = replace_region(current, start, end, content, str(relative))
        files.append(GeneratedFile(root / relative, expected, current))
    return files


def _read(path: Path) -> str | None:
    try:
        return path.read_text("utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise BuildError(f"{path}: cannot read ({error.strerror})") from None


def write_generated_files(files: Iterable[GeneratedFile]) -> list[Path]:
    """Write the stale files; return their paths."""
    written = []
    for file in files:
        if file.stale:
            file.path.parent.mkdir(parents=True, exist_ok=True)
            file.path.write_text(file.expected, "utf-8")
            written.append(file.path)
    return written


def sync_forms(root: Path, data_dir: Path, *, write: bool) -> list[Path]:
    """The generated files that are out of date under `root`; rewritten when `write`."""
    problems: list[Problem] = []
    vocabularies = load_vocabularies(data_dir, problems)
    if problems:
        raise DataError(problems)
    files = generated_files(root, vocabularies)
    return write_generated_files(files) if write else [f.path for f in files if f.stale]
