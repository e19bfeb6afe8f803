"""Render view models into the Markdown pages and files MkDocs builds from.

Every value a template prints is escaped for Markdown by default (the environment's
`finalize`), the way autoescape works for HTML: contributed text can never become Markdown,
HTML or template syntax. Templates mark trusted output with the `link`, `attr` and `raw`
filters, which return `Markup`.
"""

from __future__ import annotations

import functools
import html
import json
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from markupsafe import Markup

from generator.errors import BuildError

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "site_templates"
# Characters that start Markdown, HTML, attribute-list or table syntax anywhere in a line;
# each becomes a numeric entity, which Markdown passes through and browsers show as typed.
_INLINE_SPECIAL = "\\`*_{}[]<>&|"
_ENTITIES = {ord(char): f"&#{ord(char)};" for char in _INLINE_SPECIAL}
# At the start of a line more characters open a block (heading, list, quote, setext rule).
_LINE_START = re.compile(r"^([#>+\-=~:!]|\d+(?=[.)]))")


def escape_markdown(value: Any) -> str:
    """Make any text inert in Markdown: it will display exactly as typed.

    Only syntax characters are replaced (escaping every punctuation mark made MkDocs twice as
    slow on big list pages); the value is joined onto one line and its first character is
    escaped too, as a value may begin a line.
    """
    if isinstance(value, Markup):
        return str(value)
    return _escaped_text(str(value))


@functools.lru_cache(maxsize=65536)
def _escaped_text(text: str) -> str:
    text = text.translate(_ENTITIES).replace("\n", " ")
    return _LINE_START.sub(lambda match: _entities(match.group(0)), text)


def _entities(text: str) -> str:
    return "".join(f"&#{ord(char)};" for char in text)


def escape_attribute(value: Any) -> Markup:
    return Markup(html.escape(str(value), quote=True))


def front_matter_string(value: Any) -> Markup:
    """A YAML string for front matter; HTML-escaped because Material prints titles raw."""
    return Markup(json.dumps(html.escape(str(value), quote=True)))


def json_value(value: Any) -> Markup:
    """JSON for an inline script or data attribute, safe inside HTML."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@pass_context
def relative_link(context: Context, target: str) -> Markup:
    """Link from the page being rendered to another docs-relative path."""
    here = posixpath.dirname(str(context["page_path"]))
    return Markup(relative_path(target, here))


@pass_context
def page_href(context: Context, target: str) -> Markup:
    """An href for raw HTML: the URL of a docs-relative page, relative to the current page.

    Big tables are written as HTML because MkDocs parses Markdown tables of links slowly; with
    directory URLs `industries/saas.md` is served at `industries/saas/`.
    """
    relative = relative_path(page_url(target), page_url(str(context["page_path"])))
    return Markup(html.escape("./" if relative == "." else f"{relative}/", quote=True))


@pass_context
def file_href(context: Context, target: str) -> Markup:
    """An href for raw HTML to a docs-relative file (an image, a download), which is served
    at its own path rather than as a folder."""
    relative = relative_path(target, page_url(str(context["page_path"])))
    return Markup(html.escape(relative, quote=True))


@functools.lru_cache(maxsize=262144)
def relative_path(target: str, start: str) -> str:
    """`target` relative to the folder `start` (both docs-relative, '/'-separated).

    Pure string work: posixpath.relpath asks the OS for the working directory on every call,
    which dominated rendering time at 10,000 pages.
    """
    target_parts = [part for part in target.split("/") if part]
    start_parts = [part for part in start.split("/") if part]
    common = 0
    for mine, theirs in zip(target_parts, start_parts, strict=False):
        if mine != theirs:
            break
        common += 1
    parts = [".."] * (len(start_parts) - common) + target_parts[common:]
    return "/".join(parts) or "."


def page_url(docs_path: str) -> str:
    """The site-relative folder a docs page is served from (`types/a.md` → `types/a`)."""
    stem = docs_path.removesuffix(".md")
    return "" if stem == "index" else stem.removesuffix("/index")


class Fragments:
    """Big generated HTML kept out of MkDocs' Markdown pass and filled into the pages' HTML.

    Python-Markdown parses raw HTML tag by tag; the list and facet pages carry tens of thousands
    of tags at 10,000 entries, which made MkDocs several times slower. A deferred fragment
    leaves a placeholder in the Markdown and goes into the page's HTML during the build, after
    the Markdown pass (mkdocs_plugins.FillFragments).
    """

    def __init__(self) -> None:
        self.by_page: dict[str, list[str]] = {}

    def defer(self, page_path: str, html_text: str) -> Markup:
        items = self.by_page.setdefault(page_path, [])
        items.append(html_text)
        return Markup(f"\n\n{self.placeholder(len(items) - 1)}\n\n")

    @staticmethod
    def placeholder(number: int) -> str:
        return f'<div class="biglist-deferred" data-biglist-fragment="{number}"></div>'

    def fill(self, page_path: str, html_text: str) -> str:
        """`html_text`, the HTML of the page at `page_path`, with its fragments in place."""
        for number, item in enumerate(self.by_page.get(page_path, [])):
            marker = self.placeholder(number)
            if marker not in html_text:
                raise BuildError(f"{page_path}: placeholder {number} for its content is missing")
            html_text = html_text.replace(marker, item, 1)
        return html_text


def _deferring_filter(fragments: Fragments | None) -> Any:
    @pass_context
    def deferred(context: Context, html_text: str) -> Markup:
        if fragments is None:
            return Markup(html_text)
        return fragments.defer(str(context["page_path"]), html_text)

    return deferred


def markdown_environment(
    templates_dir: Path = TEMPLATES_DIR, fragments: Fragments | None = None
) -> Environment:
    """The environment for generated Markdown; with `fragments`, the `deferred` filter keeps
    big HTML out of MkDocs (see Fragments), else it leaves it in place."""
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        undefined=StrictUndefined,
        finalize=escape_markdown,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        link=relative_link,
        href=page_href,
        file_href=file_href,
        attr=escape_attribute,
        front_matter=front_matter_string,
        json=json_value,
        raw=Markup,
        deferred=_deferring_filter(fragments),
    )
    return env


def markup_environment(templates_dir: Path = TEMPLATES_DIR) -> Environment:
    """For XML/HTML outputs (the Atom feed, badges): standard autoescaping applies."""
    return Environment(
        loader=FileSystemLoader(templates_dir),
        undefined=StrictUndefined,
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
    )


@dataclass(frozen=True)
class Page:
    """One generated file: where it goes under the docs folder and how to render it."""

    path: str
    template: str
    context: Mapping[str, Any]


def render_pages(pages: Iterable[Page], env: Environment) -> dict[str, str]:
    rendered = {}
    for page in pages:
        try:
            template = env.get_template(page.template)
            rendered[page.path] = template.render(page_path=page.path, **page.context)
        except TemplateError as error:
            raise BuildError(f"template {page.template} failed for {page.path}: {error}") from error
    return rendered
