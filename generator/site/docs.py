"""Write generated pages into the docs folder and build the site with MkDocs, atomically.

The new site is built into a temporary sibling of the site folder and swapped in only when
the whole build succeeded, so a failed build leaves the previous site in place.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from generator.errors import BuildError
from generator.site.rendering import Fragments

MANIFEST = ".biglist-generated.json"


# --- generated docs ------------------------------------------------------------------------


def write_generated(docs_dir: Path, files: Mapping[str, str | bytes]) -> None:
    """Write generated files under `docs_dir` and remove those a previous build left behind.

    Unchanged files are not rewritten, so `mkdocs serve` only sees real changes.
    """
    docs_dir.mkdir(parents=True, exist_ok=True)
    for stale in _previous_files(docs_dir) - set(files):
        _remove_generated(docs_dir, stale)
    for relative, content in files.items():
        _write_if_changed(docs_dir / relative, content)
    manifest = json.dumps(sorted(files), indent=0)
    _write_if_changed(docs_dir / MANIFEST, manifest + "\n")


def hand_written_files(docs_dir: Path) -> list[Path]:
    """Files under the docs folder that no build generated: pages and assets people wrote."""
    generated = _previous_files(docs_dir) | {MANIFEST}
    return sorted(
        path
        for path in docs_dir.rglob("*")
        if path.is_file() and path.relative_to(docs_dir).as_posix() not in generated
    )


def copy_hand_written(docs_dir: Path, target: Path) -> None:
    """Copy the hand-written part of a docs folder (for a fresh project copy)."""
    for path in hand_written_files(docs_dir):
        destination = target / path.relative_to(docs_dir)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)


def _previous_files(docs_dir: Path) -> set[str]:
    try:
        listed = json.loads((docs_dir / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return set()
    return {str(item) for item in listed} if isinstance(listed, list) else set()


def _remove_generated(docs_dir: Path, relative: str) -> None:
    target = (docs_dir / relative).resolve()
    # A tampered manifest must not make us delete anything outside the docs folder.
    if docs_dir.resolve() in target.parents:
        target.unlink(missing_ok=True)
        _prune_empty_parents(target.parent, docs_dir.resolve())


def _prune_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Write files under `root` by their '/'-separated relative paths."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_as_bytes(content))


def _write_if_changed(path: Path, content: str | bytes) -> None:
    data = _as_bytes(content)
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


# --- mkdocs --------------------------------------------------------------------------------


def build_with_mkdocs(
    config_file: Path,
    site_dir: Path,
    *,
    strict: bool,
    fragments: Fragments | None = None,
    finish: Callable[[Path], None] | None = None,
) -> None:
    """Run `mkdocs build` into a temporary folder, then swap it in for `site_dir`.

    `fragments` are filled into their pages during the build. `finish` completes the new site
    before the swap (the search index), so a failure there also leaves the previous site.
    """
    if not config_file.is_file():
        raise BuildError(f"{config_file}: MkDocs configuration not found")
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.building-", dir=site_dir.parent))
    try:
        _run_mkdocs(config_file, staging, strict=strict, fragments=fragments)
        if finish:
            finish(staging)
        _swap_in(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _run_mkdocs(
    config_file: Path, site_dir: Path, *, strict: bool, fragments: Fragments | None
) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from generator.site.mkdocs_plugins import FillFragments, ReuseThemeParts

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    with _captured_warnings() as warnings:
        try:
            config = load_config(str(config_file), site_dir=str(site_dir), strict=strict)
            config.plugins["biglist-theme-parts"] = ReuseThemeParts()
            if fragments:
                config.plugins["biglist-fragments"] = FillFragments(fragments)
            build(config)
        except (MkDocsException, OSError) as error:
            raise BuildError(_failure_message(error, warnings)) from error


def _failure_message(error: Exception, warnings: list[str]) -> str:
    lines = [f"mkdocs build failed: {error}", *(f"  {line}" for line in warnings)]
    return "\n".join(lines)


@contextmanager
def _captured_warnings() -> Iterator[list[str]]:
    """Collect MkDocs' warnings so a failed strict build can say what went wrong."""
    messages: list[str] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = Collector(level=logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


def _swap_in(staging: Path, site_dir: Path) -> None:
    retired = site_dir.with_name(f".{site_dir.name}.previous")
    shutil.rmtree(retired, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(retired)
    staging.rename(site_dir)
    shutil.rmtree(retired, ignore_errors=True)
