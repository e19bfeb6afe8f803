"""Our own steps inside the MkDocs build `biglist build` runs in-process.

They are added to the loaded configuration, not to mkdocs.yml: a plain `mkdocs build` of the
generated pages stays a plain build (the baseline bench/build_scale.py compares against).
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
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


# --- the live preview: a site rebuilt page by page ------------------------------------------


class _Recorder(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Keeps what a build gathered (files, nav, theme environment) for later page rebuilds."""

    def __init__(self) -> None:
        self.files: Any = None
        self.nav: Any = None
        self.env: Any = None

    def on_nav(self, nav: Any, /, *, files: Any, **_: Any) -> Any:
        self.files, self.nav = files, nav
        return nav

    def on_env(self, env: Any, /, **_: Any) -> Any:
        self.env = env
        return env


class LiveSite:
    """The preview's site (`biglist serve`): built once, then only the pages whose sources
    changed are read, converted and written again, with the files, nav and theme of the last
    build. MkDocs' own `serve` rebuilds every page on any change: minutes at 10,000 entries.
    A page added or removed takes a build that rewrites only pages whose source is newer than
    their output (MkDocs' "dirty" build); a changed config or theme, a whole build.
    """

    def __init__(
        self, config_file: Path, site_dir: Path, fragments: Fragments, serve_url: str
    ) -> None:
        self.config_file, self.site_dir = config_file, site_dir
        self.fragments, self.serve_url = fragments, serve_url
        self.recorder: _Recorder | None = None
        self.config: Any = None

    def build(self, *, dirty: bool = False) -> None:
        from mkdocs.commands.build import build

        config = self._load_config()
        recorder = _Recorder()
        config.plugins["biglist-live-recorder"] = recorder
        with _quiet_dirty_warning():
            build(config, serve_url=self.serve_url, dirty=dirty)
        self.config, self.recorder = config, recorder

    def rebuild(self, changed: Iterable[str]) -> None:
        """Bring the site up to date after the docs files `changed` (docs-relative paths)."""
        changed = set(changed)
        recorder = self.recorder
        if recorder is None or recorder.files is None:
            return self.build()
        known = {file.src_uri: file for file in recorder.files}
        gone = {path for path in changed if not (self.config_docs / path).exists()}
        if gone or any(path not in known for path in changed):
            self._remove_outputs(known[path] for path in gone if path in known)
            return self.build(dirty=True)
        for path in sorted(changed):
            self._rebuild_file(known[path], recorder)
        return None

    @property
    def config_docs(self) -> Path:
        return Path(self.config.docs_dir)

    def _rebuild_file(self, file: Any, recorder: _Recorder) -> None:
        from mkdocs.commands import build as mkdocs_build
        from mkdocs.structure.files import InclusionLevel

        if file.page is None:
            file.copy_file()
            return
        docs = recorder.files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        mkdocs_build._populate_page(file.page, self.config, recorder.files)
        mkdocs_build._build_page(file.page, self.config, docs, recorder.nav, recorder.env)

    def _remove_outputs(self, files: Iterable[Any]) -> None:
        for file in files:
            Path(file.abs_dest_path).unlink(missing_ok=True)

    def _load_config(self) -> Any:
        from mkdocs.config import load_config

        config = load_config(str(self.config_file), site_dir=str(self.site_dir))
        config.site_url = self.serve_url
        config.plugins["biglist-theme-parts"] = ReuseThemeParts()
        config.plugins["biglist-fragments"] = FillFragments(self.fragments)
        return config


@contextlib.contextmanager
def _quiet_dirty_warning() -> Iterator[None]:
    """MkDocs warns that a dirty build may leave links stale; the preview rebuilds every page
    whose source changed, and a page added or removed is in no nav (only top pages are)."""

    def keep(record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()

    logger = logging.getLogger("mkdocs.commands.build")
    logger.addFilter(keep)
    try:
        yield
    finally:
        logger.removeFilter(keep)
