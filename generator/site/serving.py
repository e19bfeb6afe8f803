"""`biglist serve`: a live preview that shows an edited entry within a second or two, even at
10,000 entries.

Each change is handled in two steps. First the edited entries' own pages: the data is loaded
again (only changed files are read: validation.EntryCache), the view models are rebuilt
keeping every unchanged community's view, the pages of the communities whose view changed are
rendered, and MkDocs rebuilds just those pages (mkdocs_plugins.LiveSite); then the browser
reloads. Then the rest: list, facet, sponsor and report pages and the exports are rendered,
only those whose text changed are written and rebuilt, and the search index is made again in
the background. A newer change interrupts the second step, which the next change redoes.

Bad data never stops the preview: the problems are logged and the pages stay as they were.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from time import perf_counter as clock
from typing import Any

from generator.catalog.models import Vocabularies
from generator.catalog.validation import EntryCache, load_catalog
from generator.errors import BigListError, BuildError, DataError
from generator.site.building import docs_pages, render_docs
from generator.site.corrections import repository_from_settings
from generator.site.docs import MANIFEST, write_generated
from generator.site.exports import build_settings, build_time, configured_site_url, exports
from generator.site.listing import LIST_DATA_PATH, list_json
from generator.site.pages import community_page
from generator.site.rendering import (
    TEMPLATES_DIR,
    Fragments,
    markdown_environment,
    markup_environment,
    render_pages,
)
from generator.site.search import BUNDLE_DIR, index_cards, search_cards, top_level_pages
from generator.site.status import read_check_state
from generator.site.views import SiteView, build_site_view
from generator.state import default_state_path

log = logging.getLogger("mkdocs.biglist")
CHANGES = frozenset({"created", "modified", "deleted", "moved"})
QUIET_SECONDS = 3.0
STOP_WAIT_SECONDS = 60  # Pagefind's run at 10,000 entries takes seconds, not minutes


class Preview:
    """The generated part of the preview's docs folder, kept in step with the data."""

    def __init__(self, data_dir: Path, docs_dir: Path, config_file: Path) -> None:
        self.data_dir, self.docs_dir, self.config_file = data_dir, docs_dir, config_file
        self.entries = EntryCache()
        self.fragments = Fragments()
        self.site: SiteView | None = None
        self.written: dict[str, bytes] = {}
        self.removed: set[str] = set()
        self.templates: frozenset[tuple[str, int, int]] = frozenset()
        self.vocabularies = Vocabularies(terms={})
        # One time for the whole session: exports dated "now" would change at every edit.
        self.generated_at = build_time()
        self.settings_read()

    def settings_read(self) -> None:
        self.site_url = configured_site_url(self.config_file)
        self.repository = repository_from_settings(build_settings(self.config_file))

    # --- the whole docs folder, at start ---------------------------------------------------

    def write_all(self) -> None:
        """Render and write every generated file (and forget what was written before)."""
        self.site = self._site_view(None)
        self.templates = _fingerprint(TEMPLATES_DIR)
        self.fragments.by_page.clear()
        files = self._render_all(self.site)
        write_generated(self.docs_dir, files)
        self.written = {path: _as_bytes(text) for path, text in files.items()}

    # --- step one: the pages of the communities that changed ------------------------------

    def update_communities(self) -> set[str]:
        """Load the data again and write the pages of communities whose view changed; the
        docs paths written. Raises DataError (nothing written) for bad data."""
        templates = _fingerprint(TEMPLATES_DIR)
        before = self.site if templates == self.templates else None
        self.site = self._site_view(before)
        self.templates = templates
        old = {view.slug: view for view in before.communities} if before else {}
        changed = [view for view in self.site.communities if old.get(view.slug) is not view]
        fragments = Fragments()
        pages = [community_page(view, self.site_url, self.repository) for view in changed]
        rendered = render_pages(pages, markdown_environment(fragments=fragments))
        return self._write(rendered, fragments)

    # --- step two: everything else ---------------------------------------------------------

    def update_the_rest(self, stop: Callable[[], bool]) -> set[str] | None:
        """Render the other pages and the exports, write what changed and remove what is no
        longer generated; None when `stop()` said a newer change came first."""
        site = self.site
        if site is None:
            return set()
        fragments = Fragments()
        files = self._render_pages_until(site, fragments, stop)
        if files is None:
            return None
        files.update(self._exports(site))
        if stop():
            return None
        community_paths = {view.path for view in site.communities}
        everything = set(files) | community_paths
        written = self._write(files, fragments)
        gone = set(self.written) - everything
        if gone:
            for path in gone:
                self.written.pop(path, None)
                self.fragments.by_page.pop(path, None)
            self.removed |= gone
            write_generated(self.docs_dir, {p: self.written[p] for p in sorted(self.written)})
            written |= gone
        return written

    def search_cards(self) -> dict[str, str]:
        site = self.site
        if site is None:
            return {}
        written = dict(self.written)  # a copy: the preview goes on writing meanwhile
        top_pages = top_level_pages(
            self.docs_dir, {p: t.decode() for p, t in written.items() if "/" not in p}
        )
        return search_cards(site.communities, top_pages, self.config_file, self.fragments)

    # --- helpers ---------------------------------------------------------------------------

    def _site_view(self, previous: SiteView | None) -> SiteView:
        catalog = load_catalog(self.data_dir, cache=self.entries)
        self.vocabularies = catalog.vocabularies
        state = read_check_state(default_state_path(self.data_dir))
        return build_site_view(catalog, state, previous)

    def _render_all(
        self, site: SiteView, *, fragments: Fragments | None = None, communities: bool = True
    ) -> dict[str, str | bytes]:
        return {**self._render_pages(site, fragments, communities), **self._exports(site)}

    def _render_pages(
        self, site: SiteView, fragments: Fragments | None, communities: bool
    ) -> dict[str, str | bytes]:
        return render_docs(
            site,
            self.vocabularies,
            site_url=self.site_url,
            repository=self.repository,
            fragments=fragments or self.fragments,
            communities=communities,
        )

    def _render_pages_until(
        self, site: SiteView, fragments: Fragments, stop: Callable[[], bool]
    ) -> dict[str, str | bytes] | None:
        """The pages but the communities' own, one by one while `stop()` says go on."""
        pages = docs_pages(
            site, self.vocabularies, self.site_url, self.repository, communities=False
        )
        env = markdown_environment(fragments=fragments)
        files: dict[str, str | bytes] = {LIST_DATA_PATH: list_json(site)}
        for page in pages:
            if stop():
                return None
            files.update(render_pages([page], env))
        return files

    def _exports(self, site: SiteView) -> dict[str, str]:
        markup = markup_environment()
        when = self.generated_at
        return exports(site, self.vocabularies, markup, site_url=self.site_url, generated_at=when)

    def _write(self, files: Mapping[str, str | bytes], fragments: Fragments) -> set[str]:
        """Write the files whose text or whose deferred HTML (`fragments`, which then replace
        the kept ones) changed; the paths written."""
        written = set()
        for path, content in files.items():
            data = _as_bytes(content)
            fresh = fragments.by_page.get(path, [])
            if self.written.get(path) == data and self.fragments.by_page.get(path, []) == fresh:
                continue
            self.fragments.by_page[path] = fresh
            target = self.docs_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            self.written[path] = data
            written.add(path)
        if written - set(_manifest(self.docs_dir)):
            write_generated(self.docs_dir, {p: self.written[p] for p in sorted(self.written)})
        return written


def _as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _manifest(docs_dir: Path) -> list[str]:
    import json

    try:
        listed = json.loads((docs_dir / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return []
    return [str(item) for item in listed] if isinstance(listed, list) else []


def _fingerprint(folder: Path) -> frozenset[tuple[str, int, int]]:
    return frozenset(
        (str(path), path.stat().st_mtime_ns, path.stat().st_size)
        for path in folder.rglob("*")
        if path.is_file()
    )


# --- the server --------------------------------------------------------------------------


def serve(
    data_dir: Path,
    *,
    dev_addr: str = "127.0.0.1:8000",
    docs_dir: Path = Path("directory"),
    config_file: Path = Path("mkdocs.yml"),
) -> None:
    """Preview the site at `dev_addr` until interrupted."""
    with tempfile.TemporaryDirectory(prefix="biglist-serve-") as folder:
        LivePreview(data_dir, docs_dir, config_file, Path(folder), dev_addr).run()


class LivePreview:
    """MkDocs' live-reload server around a Preview and a LiveSite."""

    def __init__(
        self, data_dir: Path, docs_dir: Path, config_file: Path, site_dir: Path, dev_addr: str
    ) -> None:
        import watchdog.observers
        from mkdocs.livereload import LiveReloadServer, _serve_url

        from generator.site.mkdocs_plugins import LiveSite

        host, _, port = dev_addr.rpartition(":")
        self.preview = Preview(data_dir, docs_dir, config_file)
        self.site_dir = site_dir
        self.server = LiveReloadServer(
            builder=self.build, host=host, port=int(port), root=str(site_dir)
        )
        # Told of changes by the system at once, rather than by stat-ing 30,000 files twice a
        # second as MkDocs' polling observer does.
        self.server.observer = watchdog.observers.Observer()  # type: ignore[assignment]
        self.live = LiveSite(
            config_file, site_dir, self.preview.fragments, _serve_url(host, int(port), "/")
        )
        self.search = SearchJob(self.preview, site_dir / BUNDLE_DIR)
        self.changed: set[Path] = set()
        self.builds = 0

    def run(self) -> None:
        self.preview.write_all()
        self.live.build()
        self.search.request()
        for path in (self.preview.data_dir, TEMPLATES_DIR, self.preview.docs_dir):
            self._watch(path)
        self._watch(self.preview.config_file)
        try:
            self.server.serve()  # type: ignore[no-untyped-call]
        except OSError as error:
            raise BuildError(f"cannot serve on {self.server.url}: {error.strerror}") from None
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            self.server.shutdown()
            self.search.stop()

    def stop(self) -> None:
        """End `run` from another thread."""
        self.server.shutdown()

    def build(self) -> None:
        """Called by the server after files changed; the browser reloads when it returns."""
        start = clock()
        self.builds += 1
        changed, self.changed = self.changed, set()
        if self.preview.config_file.resolve() in changed or self._theme_changed(changed):
            self.preview.settings_read()
            self.preview.write_all()
            self.live.build()
            self.search.request()
            return
        hand_written = self._hand_written(changed)
        try:
            written = self.preview.update_communities()
        except DataError as error:
            for problem in error.problems:
                log.warning("%s", problem)
            return
        except BigListError as error:
            log.warning("%s", error)
            return
        try:
            self.live.rebuild(written | hand_written)
            log.info("Rebuilt %d page(s) in %.2f s", len(written | hand_written), clock() - start)
            self._reload_browsers()
            rest = self.preview.update_the_rest(self._newer_change)
            if rest is not None:
                self.live.rebuild(rest)
                log.info("Brought %d more file(s) up to date in %.2f s", len(rest), clock() - start)
                self.search.request()
        except Exception as error:  # a preview reports and goes on: MkDocs raises anything
            log.warning("the preview could not be rebuilt: %s", error)

    def _watch(self, path: Path) -> None:
        # Like LiveReloadServer.watch, but the files the preview writes itself are not news.
        import watchdog.events

        server = self.server
        server._watched_paths[str(path)] = 1

        def callback(event: Any) -> None:
            # The system also tells of files opened and closed unchanged (reading is no news).
            if event.is_directory or event.event_type not in CHANGES:
                return
            paths = {Path(event.src_path), *([Path(event.dest_path)] if event.dest_path else [])}
            news = {path.resolve() for path in paths if self._news(path)}
            if not news:
                return
            self.changed |= news
            with server._rebuild_cond:
                server._want_rebuild = True
                server._rebuild_cond.notify_all()

        handler = watchdog.events.FileSystemEventHandler()
        handler.on_any_event = callback  # type: ignore[method-assign]
        server.observer.schedule(handler, str(path), recursive=path.is_dir())

    def _news(self, path: Path) -> bool:
        docs = self.preview.docs_dir.resolve()
        try:
            relative = path.resolve().relative_to(docs).as_posix()
        except ValueError:
            return True
        generated = self.preview.written.keys() | self.preview.removed
        return relative != MANIFEST and relative not in generated

    def _hand_written(self, changed: Iterable[Path]) -> set[str]:
        docs = self.preview.docs_dir.resolve()
        return {path.relative_to(docs).as_posix() for path in changed if docs in path.parents}

    def _theme_changed(self, changed: Iterable[Path]) -> bool:
        overrides = (self.preview.docs_dir / "overrides").resolve()
        return any(overrides in path.parents for path in changed)

    def _newer_change(self) -> bool:
        return bool(self.server._want_rebuild)

    def _reload_browsers(self) -> None:
        # What the server does once a build returns, done before the rest of the site is
        # brought up to date: a reader sees the edited page without waiting for the lists.
        server = self.server
        with server._epoch_cond:
            server._visible_epoch = server._wanted_epoch
            server._epoch_cond.notify_all()


class SearchJob:
    """Makes the search index again in the background, one run at a time, into the served
    site (no reload: the next search uses it)."""

    def __init__(self, preview: Preview, bundle_dir: Path) -> None:
        self.preview, self.bundle_dir = preview, bundle_dir
        self.wanted = threading.Event()
        self.stopped = False
        self.thread = threading.Thread(target=self._loop, name="biglist-search", daemon=True)
        self.thread.start()

    def request(self) -> None:
        self.wanted.set()

    def stop(self) -> None:
        """Stop, letting an index being made finish: Pagefind is still writing into its
        temporary folder, which could not be removed from under it."""
        self.stopped = True
        self.wanted.set()
        self.thread.join(timeout=STOP_WAIT_SECONDS)

    def _loop(self) -> None:
        while self.wanted.wait() and not self.stopped:
            self._wait_for_quiet()
            if self.stopped:
                return
            try:
                self._index()
            except Exception as error:  # the preview goes on without a fresh index
                log.warning("the search index could not be made again: %s", error)

    def _wait_for_quiet(self) -> None:
        # Indexing takes seconds of both cores at 10,000 entries: while edits keep coming,
        # it waits, so that each edit's own page comes first.
        self.wanted.clear()
        while self.wanted.wait(QUIET_SECONDS) and not self.stopped:
            self.wanted.clear()

    def _index(self) -> None:
        cards = self.preview.search_cards()
        with tempfile.TemporaryDirectory(prefix="biglist-search-") as folder:
            fresh = Path(folder) / BUNDLE_DIR
            index_cards(cards, fresh, Path(folder))
            shutil.rmtree(self.bundle_dir, ignore_errors=True)
            shutil.copytree(fresh, self.bundle_dir)
