"""Our own steps inside the MkDocs build `biglist build` runs in-process.

They are added to the loaded configuration, not to mkdocs.yml: a plain `mkdocs build` of the
generated pages stays a plain build (the baseline bench/build_scale.py compares against).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from mkdocs.plugins import BasePlugin
from mkdocs.structure.toc import get_toc

from generator.site.rendering import Fragments


class FillFragments(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Put the deferred fragments (rendering.Fragments) into each page's HTML as MkDocs
    renders it: after the Markdown pass they skip, before the theme wraps the page."""

    def __init__(self, fragments: Fragments) -> None:
        self.fragments = fragments

    def on_page_markdown(self, markdown: str, /, *, page: Any, **_: Any) -> str:
        """A page that is nothing but one fragment (a community's) skips Python-Markdown:
        setting up its parser alone cost more than the rest of such a page."""
        whole = len(self.fragments.by_page.get(page.file.src_uri, [])) == 1
        if whole and markdown.strip() == self.fragments.placeholder(0):
            page.render = functools.partial(_render_as_is, page)
        return markdown

    def on_page_content(self, html: str, /, *, page: Any, **_: Any) -> str:
        return self.fragments.fill(page.file.src_uri, html)


def _render_as_is(page: Any, config: Any, files: Any) -> None:
    """What `Page.render` leaves for a page whose Markdown is one raw HTML block: that block,
    no table of contents, no anchors or links for MkDocs to check."""
    page.content = page.markdown.strip()
    page.toc = get_toc([])
    page.present_anchor_ids = set()
    page.links_to_anchors = {}


class ReuseThemeParts(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Give the theme `biglist_once(key, render)`: the HTML of `render()`, rendered once per
    key (overrides/main.html keys the page-independent parts by page depth)."""

    def __init__(self) -> None:
        self.parts: dict[str, str] = {}

    def on_env(self, env: Any, /, **_: Any) -> Any:
        env.globals["biglist_once"] = self.once
        return env

    def once(self, key: str, render: Callable[[], str]) -> str:
        if key not in self.parts:
            self.parts[key] = render()
        return self.parts[key]
