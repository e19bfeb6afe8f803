"""Validate the whole data folder at once and report every problem with its file and line.

load vocabularies → load each entry (YAML with lines) → pydantic → cross-entry rules
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import signal
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from generator.catalog.loading import Document, Loc, iter_entry_files, load_yaml_file
from generator.catalog.messages import plain_message
from generator.catalog.models import (
    Community,
    Entry,
    PlatformTerm,
    Term,
    ValidationContext,
    Vocabularies,
)
from generator.catalog.slugs import SLUG_PATTERN
from generator.catalog.text import name_key
from generator.catalog.urls import url_key
from generator.errors import DataError, Problem, display_path
from generator.forking import fork_is_safe

VOCABULARY_MODELS: dict[str, type[Term]] = {
    "industries": Term,
    "types": Term,
    "access": Term,
    "platforms": PlatformTerm,
    "sizes": Term,
}
ENTRY_SUFFIX = ".yml"
# Below this many files a worker process costs more (fork, and results sent back) than it saves.
PARALLEL_MIN_FILES = 2000
MAX_WORKERS = 4
# Where cross-entry rules point (`cross_entry_problems`): the only lines a worker sends back.
CROSS_ENTRY_FIELDS = ("url", "name", "related")


@dataclass(frozen=True)
class Catalog:
    """The validated data set: every entry, in slug order, and the vocabularies."""

    entries: list[Entry]
    vocabularies: Vocabularies

    def by_slug(self) -> dict[str, Entry]:
        return {entry.slug: entry for entry in self.entries}


def load_catalog(
    data_dir: Path, today: dt.date | None = None, cache: EntryCache | None = None
) -> Catalog:
    """Load and validate everything under `data_dir`; raise DataError listing every problem.

    With a `cache` (the live preview keeps one), only the entry files that changed since the
    last load are read again; the rules between entries always see all of them.
    """
    problems: list[Problem] = []
    vocabularies = load_vocabularies(data_dir, problems)
    context = ValidationContext(vocabularies, today or dt.date.today())
    folder = data_dir / "communities"
    paths = cache.entry_files(folder) if cache else list(iter_entry_files(folder))
    with _cycle_collection_paused():
        checked = (
            cache.check(paths, context, data_dir)
            if cache
            else check_entry_files(paths, context, data_dir)
        )
        entries = [file.entry for file in checked if file.entry]
        problems.extend(problem for file in checked for problem in file.problems)
        problems.extend(
            cross_entry_problems(entries, {file.doc.path: file.doc for file in checked})
        )
    if not (data_dir / "communities").is_dir():
        where = display_path(data_dir / "communities")
        problems.append(Problem(where, 1, "-", "folder of community entries not found"))
    if problems:
        raise DataError(problems)
    return Catalog(sorted(entries, key=lambda entry: entry.slug), vocabularies)


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    # Loading keeps hundreds of thousands of small, acyclic objects alive to the end; the cycle
    # collector would walk them over and over (a quarter of the run at 10,000 entries) and
    # never find garbage that reference counting does not already free.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            _count_as_old()
            gc.enable()


def _count_as_old() -> None:
    # What loading left behind lives on: file it under the oldest generation, or re-enabling
    # starts a collection that walks all of it at once. Objects that someone froze on purpose
    # (the checker does, before forking) stay frozen.
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


# --- every entry file, in one process or several ------------------------------------------


FileStamp = tuple[int, int, int] | None


class EntryCache:
    """Checked entry files kept between loads, by path, while the file (its inode, size and
    modification time) and the validation context stay the same."""

    def __init__(self) -> None:
        self.context: ValidationContext | None = None
        self.files: dict[Path, tuple[FileStamp, CheckedFile]] = {}
        self.names: list[str] = []
        self.paths: list[Path] = []

    def entry_files(self, folder: Path) -> list[Path]:
        """iter_entry_files, with the same Path objects while the folder holds the same names
        (making 10,000 of them again took longer than the rest of an unchanged load)."""
        names = sorted(os.listdir(folder)) if folder.is_dir() else []
        if names != self.names:
            self.names, self.paths = names, list(iter_entry_files(folder))
        return self.paths

    def check(
        self, paths: Sequence[Path], context: ValidationContext, root: Path | None = None
    ) -> list[CheckedFile]:
        if context != self.context:
            self.context, self.files = context, {}
        stamps = {path: _stamp(path) for path in paths}
        stale = [path for path in paths if self._cached(path, stamps[path]) is None]
        fresh = dict(zip(stale, check_entry_files(stale, context, root), strict=True))
        self.files = {
            path: (stamps[path], fresh.get(path) or self.files[path][1]) for path in paths
        }
        return [self.files[path][1] for path in paths]

    def _cached(self, path: Path, stamp: FileStamp) -> CheckedFile | None:
        kept = self.files.get(path)
        return kept[1] if kept and stamp and kept[0] == stamp else None


def _stamp(path: Path) -> FileStamp:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


@dataclass(frozen=True)
class CheckedFile:
    """One entry file after loading and validation: the entry if valid, else its problems."""

    doc: Document
    entry: Entry | None
    problems: list[Problem]


def check_entry_files(
    paths: Sequence[Path], context: ValidationContext, root: Path | None = None
) -> list[CheckedFile]:
    """Load and validate every file, in the order given; a long list is shared out between
    this process and forked workers, one per core. Symbolic links must stay inside `root`."""
    workers = _worker_count(len(paths))
    if workers < 2:
        return _check_files(paths, context, root)
    size = -(-len(paths) // workers)
    chunks = [paths[start : start + size] for start in range(0, len(paths), size)]
    return _check_in_workers(chunks, context, root)


def _worker_count(files: int) -> int:
    if files < PARALLEL_MIN_FILES or not fork_is_safe():
        return 1
    if not sys.platform.startswith("linux"):
        return 1
    # A worker pays only with a core of its own (at least half idle): on a busy machine it just
    # adds the cost of sending its results back (measured: slower than one process at a load
    # of 6 on 2 cores).
    cores = len(os.sched_getaffinity(0))
    idle = cores - os.getloadavg()[0]
    return max(1, min(cores, MAX_WORKERS, 1 + int(idle + 0.5)))


def _check_in_workers(
    chunks: list[Sequence[Path]], context: ValidationContext, root: Path | None
) -> list[CheckedFile]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(
        len(chunks) - 1,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_end_quietly_on_interrupt,
    )
    with pool:
        futures = [
            pool.submit(_check_files_for_parent, chunk, context, root) for chunk in chunks[1:]
        ]
        checked = _check_files(chunks[0], context, root)
        for chunk, future in zip(chunks[1:], futures, strict=True):
            try:
                checked.extend(future.result())
            except BrokenProcessPool:  # a worker died (killed, out of memory): do it here
                checked.extend(_check_files(chunk, context, root))
    return checked


def _end_quietly_on_interrupt() -> None:
    # Ctrl-C reaches the whole process group. The parent stops the run (or, if only a worker
    # was hit, redoes its share); a worker just ends, without a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _check_files(
    paths: Iterable[Path], context: ValidationContext, root: Path | None
) -> list[CheckedFile]:
    checked = []
    for path in paths:
        doc = load_yaml_file(path, root)
        problems: list[Problem] = []
        checked.append(CheckedFile(doc, validate_document(doc, context, problems), problems))
    return checked


def _check_files_for_parent(
    paths: Sequence[Path], context: ValidationContext, root: Path | None
) -> list[CheckedFile]:
    # In a worker: the results travel back pickled, so drop what the parent will not read.
    return [
        CheckedFile(_lines_for_cross_entry_rules(file.doc), file.entry, file.problems)
        for file in _check_files(paths, context, root)
    ]


def _lines_for_cross_entry_rules(doc: Document) -> Document:
    lines = {loc: line for loc, line in doc.lines.items() if loc and loc[0] in CROSS_ENTRY_FIELDS}
    return Document(doc.path, lines=lines)


# --- vocabularies --------------------------------------------------------------------------


def load_vocabularies(data_dir: Path, problems: list[Problem]) -> Vocabularies:
    terms = {
        name: _load_vocabulary(data_dir / f"{name}.yml", model, problems)
        for name, model in VOCABULARY_MODELS.items()
    }
    return Vocabularies(terms)


def _load_vocabulary(path: Path, model: type[Term], problems: list[Problem]) -> dict[str, Term]:
    if not path.exists() and not path.is_symlink():
        problems.append(Problem(display_path(path), 1, "-", "vocabulary file not found"))
        return {}
    doc = load_yaml_file(path, path.parent)
    problems.extend(doc.problems)
    if doc.problems:
        return {}
    try:
        terms: list[Term] = TypeAdapter(list[model]).validate_python(doc.value)  # type: ignore[valid-type]
    except ValidationError as error:
        problems.extend(pydantic_problems(error, doc))
        return {}
    problems.extend(_repeated_ids(terms, doc))
    return {term.id: term for term in terms}


def _repeated_ids(terms: Sequence[Term], doc: Document) -> Iterable[Problem]:
    seen: set[str] = set()
    for index, term in enumerate(terms):
        if term.id in seen:
            yield doc.problem((index, "id"), f"id {term.id!r} is used twice")
        seen.add(term.id)


# --- one entry -----------------------------------------------------------------------------


def validate_document(
    doc: Document, context: ValidationContext, problems: list[Problem]
) -> Entry | None:
    """Validate one loaded entry file; record its problems and return the entry if valid."""
    slug = _slug_of(doc.path)
    before = len(problems)
    problems.extend(_file_name_problems(doc))
    problems.extend(doc.problems)
    if doc.problems:
        return None
    if not isinstance(doc.value, dict):
        problems.append(doc.problem((), "an entry must be a mapping of field: value"))
        return None
    community = validate_community(doc.value, doc, context, problems)
    if community is None or len(problems) > before:
        return None
    return Entry(slug, doc.path, community)


def validate_community(
    value: dict[str, Any], doc: Document, context: ValidationContext, problems: list[Problem]
) -> Community | None:
    try:
        return Community.model_validate(value, context=context)
    except ValidationError as error:
        problems.extend(pydantic_problems(error, doc))
        return None


def _slug_of(path: str) -> str:
    return os.path.basename(path).removesuffix(ENTRY_SUFFIX)


def _file_name_problems(doc: Document) -> list[Problem]:
    name = os.path.basename(doc.path)
    if not name.endswith(ENTRY_SUFFIX):
        return [doc.problem((), f"entry files must be named <slug>{ENTRY_SUFFIX}", 1)]
    if not re.match(SLUG_PATTERN, name.removesuffix(ENTRY_SUFFIX)):
        message = "file name must be a kebab-case slug such as 'sap-community.yml'"
        return [doc.problem((), message, 1)]
    return []


def pydantic_problems(error: ValidationError, doc: Document) -> list[Problem]:
    """Turn pydantic's errors into located Problems, one per error."""
    return [_problem_from(detail, doc) for detail in error.errors(include_url=False)]


def _problem_from(detail: Any, doc: Document) -> Problem:
    loc: Loc = tuple(detail["loc"])
    kind = detail["type"]
    if kind == "missing":
        return doc.problem(loc, "required field is missing", 1)
    if kind == "extra_forbidden":
        return doc.problem(loc, _unknown_field_message(str(loc[-1])))
    return doc.problem(loc, plain_message(detail))


def _unknown_field_message(key: str) -> str:
    fields = list(Community.model_fields)
    guess = get_close_matches(key.lower(), fields, n=1, cutoff=0.6)
    hint = f"did you mean {guess[0]!r}? " if guess else ""
    return f"unknown field; {hint}(fields: {', '.join(fields)})"


# --- rules across entries ------------------------------------------------------------------


def cross_entry_problems(entries: list[Entry], docs: dict[str, Document]) -> list[Problem]:
    ordered = sorted(entries, key=lambda entry: entry.path)
    problems = _collisions(ordered, docs, "url", lambda e: url_key(e.community.url))
    problems += _collisions(ordered, docs, "name", lambda e: name_key(e.community.name))
    problems += _missing_related(ordered, docs)
    return problems


def _collisions(
    entries: list[Entry], docs: dict[str, Document], field: str, key: Any
) -> list[Problem]:
    first_seen: dict[str, Entry] = {}
    problems = []
    for entry in entries:
        other = first_seen.setdefault(key(entry), entry)
        if other is not entry:
            message = f"same {field} as {other.path} ({getattr(other.community, field)})"
            problems.append(docs[entry.path].problem((field,), message))
    return problems


def _missing_related(entries: list[Entry], docs: dict[str, Document]) -> list[Problem]:
    # Point at files, not valid entries: a sibling with its own errors still exists.
    slugs = {_slug_of(path) for path in docs}
    problems = []
    for entry in entries:
        for index, slug in enumerate(entry.community.related):
            message = _related_problem(entry.slug, slug, slugs)
            if message:
                problems.append(docs[entry.path].problem(("related", index), message))
    return problems


def _related_problem(own_slug: str, slug: str, slugs: set[str]) -> str | None:
    if slug == own_slug:
        return "an entry cannot be related to itself"
    if slug not in slugs:
        return f"no entry named {slug!r} (data/communities/{slug}.yml)"
    return None
