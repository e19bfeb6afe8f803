"""Write generated pages into the docs folder and build the site with MkDocs, atomically.

The new site is built into a temporary sibling of the site folder and swapped in only when
the whole build succeeded, so a failed build leaves the previous site in place.
"""

from __future__ import annotations

import ctypes
import errno
import json
import logging
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.errors import BuildError
from generator.forking import (
    BESIDE_PREFIX,
    private_folder,
    raise_if_interrupted,
    signals_deferred,
    sweep_stale_folders,
)
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
    staging = private_folder(staging_prefix(site_dir), site_dir.parent)
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


# --- the swap: a site folder is always in place --------------------------------------------


def staging_prefix(site_dir: Path) -> str:
    return f".{site_dir.name}.building-"


def retired_path(site_dir: Path) -> Path:
    return site_dir.with_name(f".{site_dir.name}.previous")


def _swap_in(staging: Path, site_dir: Path) -> None:
    """Put the new site in place of the old one; the old one ends up at `staging` (removed
    by the caller) or is removed here.

    On Linux the two folders trade places in one step (renameat2 with RENAME_EXCHANGE), so no
    moment exists without a site folder, whatever kills the process. Elsewhere it takes two
    renames, with SIGINT and SIGTERM held between them; after a `kill -9` there, the next
    build puts the old site back first (`recover_site`)."""
    with signals_deferred():
        raise_if_interrupted()  # an interrupt that Python had to drop still stops the swap
        if not os.path.lexists(site_dir):
            staging.rename(site_dir)
        elif not _exchange(staging, site_dir):
            _swap_in_two_steps(staging, site_dir)
    shutil.rmtree(retired_path(site_dir), ignore_errors=True)


def _swap_in_two_steps(staging: Path, site_dir: Path) -> None:
    retired = retired_path(site_dir)
    shutil.rmtree(retired, ignore_errors=True)
    site_dir.rename(retired)
    _between_the_renames()
    staging.rename(site_dir)


def _between_the_renames() -> None:
    """Nothing: the moment a kill would leave no site folder (tests stop the process here)."""


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically; False where the system or the file system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # an old kernel, or a file system without exchange: take two steps
    raise OSError(error, os.strerror(error), str(second))


def _renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without it (glibc before 2.28)
        return None


def recover_site(site_dir: Path) -> None:
    """Before building: undo what a killed run may have left. Put the previous site back if
    a two-step swap was cut between its renames, and remove the temporary folders of builds
    whose process is gone."""
    retired = retired_path(site_dir)
    if not os.path.lexists(site_dir) and retired.is_dir():
        retired.rename(site_dir)
    sweep_stale_folders(site_dir.parent, temporary_prefixes(site_dir))


def temporary_prefixes(site_dir: Path) -> tuple[str, ...]:
    """The names of the temporary folders a build makes beside the site folder."""
    return (staging_prefix(site_dir), BESIDE_PREFIX)
