"""`biglist serve`: MkDocs' live preview, with our pages re-rendered when the data changes.

MkDocs watches the docs folder; a small thread watches the data and templates and rewrites the
generated pages (only those that changed) and the search index, which MkDocs then picks up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from pathlib import Path

from generator.site.building import render_site_view
from generator.site.corrections import repository_from_settings
from generator.site.exports import build_settings, configured_site_url
from generator.errors import BigListError, DataError
from generator.site.rendering import TEMPLATES_DIR, Fragments
from generator.site.search import search_bundle, search_cards, top_level_pages
from generator.site.docs import write_generated
from generator.state import default_state_path
from generator.site.status import read_check_state
from generator.catalog.validation import load_catalog
from generator.site.views import build_site_view

POLL_SECONDS = 1.0
log = logging.getLogger("mkdocs.biglist")


def serve(
    data_dir: Path,
    *,
    dev_addr: str = "127.0.0.1:8000",
    docs_dir: Path = Path("directory"),
    config_file: Path = Path("mkdocs.yml"),
) -> None:
    from mkdocs.commands.serve import serve as mkdocs_serve

    regenerate(data_dir, docs_dir, config_file)
    stop = threading.Event()
    watcher = threading.Thread(
        target=_watch,
        args=(data_dir, docs_dir, config_file, stop),
        name="biglist-watch",
        daemon=True,
    )
    watcher.start()
    try:
        mkdocs_serve(str(config_file), dev_addr=dev_addr, livereload=True)
    finally:
        stop.set()


def regenerate(data_dir: Path, docs_dir: Path, config_file: Path) -> None:
    """Write the generated pages, exports and search bundle into the docs folder."""
    catalog = load_catalog(data_dir)
    site = build_site_view(catalog, read_check_state(default_state_path(data_dir)))
    settings = build_settings(config_file)
    files = render_site_view(
        site,
        catalog.vocabularies,
        site_url=configured_site_url(config_file),
        repository=repository_from_settings(settings),
    )
    top_pages = top_level_pages(docs_dir, files)
    bundle = search_bundle(search_cards(site.communities, top_pages, config_file, Fragments()))
    write_generated(docs_dir, {**files, **bundle})


def _watch(data_dir: Path, docs_dir: Path, config_file: Path, stop: threading.Event) -> None:
    seen = _fingerprint([data_dir, TEMPLATES_DIR])
    while not stop.wait(POLL_SECONDS):
        current = _fingerprint([data_dir, TEMPLATES_DIR])
        if current != seen:
            seen = current
            _regenerate_quietly(data_dir, docs_dir, config_file)


def _regenerate_quietly(data_dir: Path, docs_dir: Path, config_file: Path) -> None:
    # While previewing, bad data must not kill the server: say what is wrong, keep the pages.
    try:
        regenerate(data_dir, docs_dir, config_file)
    except DataError as error:
        for problem in error.problems:
            log.warning("%s", problem)
    except BigListError as error:
        log.warning("%s", error)


def _fingerprint(folders: Iterable[Path]) -> frozenset[tuple[str, float, int]]:
    return frozenset(
        (str(path), path.stat().st_mtime, path.stat().st_size)
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file()
    )
