"""Our own steps inside the MkDocs build `biglist build` runs in-process.

They are added to the loaded configuration, not to mkdocs.yml: a plain `mkdocs build` of the
generated pages stays a plain build (the baseline bench/build_scale.py compares against).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mkdocs.plugins import BasePlugin

from generator.rendering import Fragments


class FillFragments(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Put the deferred fragments (rendering.Fragments) into each page's HTML as MkDocs
    renders it: after the Markdown pass they skip, before the theme wraps the page."""

    def __init__(self, fragments: Fragments) -> None:
        self.fragments = fragments

    def on_page_content(self, html: str, /, *, page: Any, **_: Any) -> str:
        return self.fragments.fill(page.file.src_uri, html)


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
