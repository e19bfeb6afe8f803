"""`biglist import`: write each valid, new submission as an entry file; report the rest.

Existing entries are only read, never rewritten: a new file is created exclusively, so even a
file that appears while we run is not overwritten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from generator.catalog.loading import iter_entry_files, load_yaml_file
from generator.catalog.models import ValidationContext
from generator.catalog.text import name_key
from generator.catalog.urls import check_url, url_key
from generator.catalog.validation import ENTRY_SUFFIX, load_vocabularies
from generator.errors import DataError, Problem, display_path
from generator.errors import shown as escaped
from generator.submitting.answers import Submission
from generator.submitting.forms import FormField, form_fields
from generator.submitting.normalising import Candidate, LabelResolver, normalise
from generator.submitting.reading import read_submissions
from generator.submitting.writing import (
    entry_file_text,
    slug_for,
    verify_round_trip,
    write_new,
)


@dataclass(frozen=True)
class Imported:
    """One submission that became (or, in a dry run, would become) an entry file."""

    path: str
    name: str
    source: str


@dataclass
class ImportReport:
    imported: list[Imported] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    refused: int = 0
    notes: list[Problem] = field(default_factory=list)
    """What was left out on purpose (a form tool's bookkeeping columns); no refusal."""

    def lines(self, *, dry_run: bool = False) -> list[str]:
        """What the command shows: each file written, each problem, then a summary."""
        verb = "would write" if dry_run else "wrote"
        shown = [str(note) for note in self.notes]
        shown += [
            escaped(f"{item.source}: {verb} {item.path} ({item.name})") for item in self.imported
        ]
        shown += [str(problem) for problem in self.problems]
        done = "would be written" if dry_run else "written"
        count = len(self.imported) + self.refused
        summary = f"{len(self.imported)} of {count} submission{'s' * (count != 1)} {done}"
        return [*shown, f"{summary}; {self.refused} refused." if self.refused else f"{summary}."]


@dataclass
class _Listed:
    """Names and URLs already taken: by entries on disk or by earlier submissions."""

    urls: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    slugs: set[str] = field(default_factory=set)


def import_submissions(
    file: Path, data_dir: Path, *, dry_run: bool = False, today: dt.date | None = None
) -> ImportReport:
    """Import every submission in `file` into `data_dir/communities/`."""
    workspace = Workspace.open(data_dir, today)
    export = read_submissions(file, workspace.fields)
    report = ImportReport(notes=export.notes)
    for submission in export.submissions:
        workspace.add(submission, report, dry_run=dry_run)
    return report


@dataclass
class Workspace:
    """What importing needs to know about the data folder, loaded once per run."""

    communities: Path
    context: ValidationContext
    fields: list[FormField]
    listed: _Listed
    resolver: LabelResolver

    @classmethod
    def open(
        cls, data_dir: Path, today: dt.date | None = None, *, editorial: bool = False
    ) -> Workspace:
        """Load the vocabularies and what is listed; `editorial` adds the maintainers' fields."""
        problems: list[Problem] = []
        vocabularies = load_vocabularies(data_dir, problems)
        communities = data_dir / "communities"
        if not communities.is_dir():
            problems.append(
                Problem(display_path(communities), 1, "-", "folder of community entries not found")
            )
        if problems:
            raise DataError(problems)
        context = ValidationContext(vocabularies, today or dt.date.today())
        fields = form_fields(vocabularies, editorial=editorial)
        resolver = LabelResolver(vocabularies)
        return cls(communities, context, fields, _listed(communities), resolver)

    def prepare(self, submission: Submission) -> Candidate:
        """Normalise and validate one submission, and refuse it if it is already listed."""
        candidate = normalise(submission, self.fields, self.context, self.resolver)
        candidate.problems.extend(_duplicates(candidate, self.listed))
        candidate.problems.extend(_missing_related(candidate, self.listed))
        if candidate.problems:
            candidate.community = None
        return candidate

    def add(self, submission: Submission, report: ImportReport, *, dry_run: bool) -> None:
        candidate = self.prepare(submission)
        _remember(candidate, self.listed)
        path = self.write(candidate, dry_run=dry_run)
        if path is None or candidate.community is None:
            report.refused += 1
            report.problems.extend(sorted(candidate.problems, key=lambda p: p.line))
            return
        report.imported.append(Imported(path, candidate.community.name, candidate.where))

    def write(self, candidate: Candidate, *, dry_run: bool) -> str | None:
        """Write a valid candidate to a new file; its display path, or None if refused."""
        community = candidate.community
        if community is None:
            return None
        slug = slug_for(community, self.listed.slugs)
        path = self.communities / f"{slug}{ENTRY_SUFFIX}"
        text = entry_file_text(community, path)
        problem = verify_round_trip(text, path, community, self.context)
        if problem is None and not dry_run:
            problem = write_new(path, text)
        if problem is not None:
            candidate.problems.append(problem)
            candidate.community = None
            return None
        self.listed.slugs.add(slug)
        return display_path(path)


# --- what is already listed ----------------------------------------------------------------


def _listed(communities: Path) -> _Listed:
    """Every name, URL and slug on disk, read leniently: an entry with errors still counts."""
    listed = _Listed()
    for path in iter_entry_files(communities):
        listed.slugs.add(path.name.removesuffix(ENTRY_SUFFIX))
        doc = load_yaml_file(path, communities.parent)
        if isinstance(doc.value, dict):
            where = f"{doc.path}, already listed"
            _remember_values(doc.value.get("name"), doc.value.get("url"), where, listed)
    return listed


def _remember(candidate: Candidate, listed: _Listed) -> None:
    value = candidate.value
    _remember_values(value.get("name"), value.get("url"), _submission_at(candidate), listed)


def _remember_values(name: object, url: object, where: str, listed: _Listed) -> None:
    if isinstance(name, str) and name.strip():
        listed.names.setdefault(name_key(name), where)
    key = _url_key(url)
    if key:
        listed.urls.setdefault(key, where)


def _duplicates(candidate: Candidate, listed: _Listed) -> list[Problem]:
    value, problems = candidate.value, []
    url_where = listed.urls.get(_url_key(value.get("url")) or "")
    if url_where:
        message = f"duplicate: same URL as {url_where}"
        problems.append(candidate.doc.problem(("url",), message))
    name = value.get("name")
    name_where = listed.names.get(name_key(name)) if isinstance(name, str) else None
    if name_where:
        message = f"duplicate: same name as {name_where}"
        problems.append(candidate.doc.problem(("name",), message))
    return problems


def _missing_related(candidate: Candidate, listed: _Listed) -> list[Problem]:
    related = candidate.value.get("related", [])
    return [
        candidate.doc.problem(("related", index), f"no entry named {slug!r}")
        for index, slug in enumerate(related)
        if isinstance(slug, str) and slug not in listed.slugs
    ]


def _submission_at(candidate: Candidate) -> str:
    return f"the submission at {candidate.where}"


def _url_key(url: object) -> str | None:
    """The comparison key of a valid URL; None for anything the model would refuse."""
    if not isinstance(url, str):
        return None
    try:
        return url_key(check_url(url.strip()))
    except ValueError:
        return None
