"""Read a CSV export of the submission form (Google Forms, Microsoft Forms, Typeform, ...).

The header row holds the form's labels (or the field ids), plus at most one timestamp column;
the delimiter may be a comma, a semicolon or a tab (Excel in many locales), with Excel's
optional `sep=` first line. Quoted cells may span lines: each submission is reported on the
line where its row starts.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from generator.errors import DataError, Problem
from generator.submitting.answers import Answer, Submission, SubmissionFile
from generator.submitting.forms import FormField, field_by_label, normalise_label
from generator.submitting.normalising import date_order

DELIMITERS = (",", ";", "\t")
TIMESTAMP_HEADERS = frozenset(
    {
        "timestamp",
        "time stamp",
        "submitted",
        "submitted at",
        "submitted on",
        "submission date",
        "submission time",
        "date submitted",
        "submit date",
        "created",
        "created at",
        "date",
        "completion time",
        # Google Forms names the column in the form owner's language.
        "zeitstempel",
        "horodateur",
        "marca temporal",
        "carimbo de data/hora",
        "informazioni cronologiche",
    }
)
# Columns form tools add for their own bookkeeping: nothing an entry holds, so they are left
# out, with one note saying so.
BOOKKEEPING_HEADERS = frozenset(
    {"email address", "email", "e-mail", "e-mail address", "score", "total score", "points"}
)
_SEP_LINE = re.compile(r"^sep=(.)\r?\n", re.IGNORECASE)
_PARENTHESIS = re.compile(r"\s*\([^)]*\)\s*$")


@dataclass(frozen=True)
class _Header:
    columns: list[FormField | None]
    """The field of each column; None for the timestamp and bookkeeping columns."""
    timestamp: int | None
    problems: list[Problem]
    ignored: list[str]


def parse_csv(text: str, path: str, fields: list[FormField]) -> SubmissionFile | None:
    """The rows as submissions; None when the header is not the form's (not a form export)."""
    delimiter, text, offset = _delimiter(text, fields)
    rows = _rows(text, delimiter, path, offset)
    first = next(rows, None)
    if first is None:
        return None
    header_line, header_cells = first
    header = _header(header_cells, fields, path, header_line)
    if header is None:
        return None
    if header.problems:
        raise DataError(header.problems)
    filled = [(line, cells) for line, cells in rows if _filled(cells)]
    day_first = date_order([_cell(cells, header.timestamp) for _, cells in filled])
    submissions = [_submission(cells, line, header, path, day_first) for line, cells in filled]
    return SubmissionFile(submissions, _ignored_note(header.ignored, path, header_line))


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _ignored_note(ignored: list[str], path: str, line: int) -> list[Problem]:
    if not ignored:
        return []
    names = ", ".join(repr(name) for name in ignored)
    message = f"note: ignored the form tool's own column{'s' * (len(ignored) > 1)} {names}"
    return [Problem(path, line, "-", message)]


def _delimiter(text: str, fields: list[FormField]) -> tuple[str, str, int]:
    """The delimiter, the text without a `sep=` line, and how many lines that removed."""
    sep = _SEP_LINE.match(text)
    if sep:
        return sep[1], text[sep.end() :], 1
    first_line = text.splitlines()[0] if text else ""
    keyed = field_by_label(fields)

    def known(delimiter: str) -> int:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(normalise_label(cell) in keyed for cell in cells)

    return max(DELIMITERS, key=known), text, 0


def _rows(text: str, delimiter: str, path: str, offset: int) -> Iterator[tuple[int, list[str]]]:
    """Each row with the line it starts on; a CSV the reader cannot follow is one Problem."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            yield start + offset, cells
            start = reader.line_num + 1
    except csv.Error as error:
        problem = Problem(path, reader.line_num + offset, "-", f"CSV could not be read: {error}")
        raise DataError([problem]) from None


def _header(cells: list[str], fields: list[FormField], path: str, line: int) -> _Header | None:
    keyed = field_by_label(fields)
    columns: list[FormField | None] = []
    timestamp: int | None = None
    problems: list[Problem] = []
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        name = normalise_label(cell)
        field = keyed.get(name) or keyed.get(normalise_label(_PARENTHESIS.sub("", cell)))
        if field is None and _is_timestamp(cell) and timestamp is None:
            timestamp = index
        elif field is None and _is_bookkeeping(cell):
            ignored.append(cell.strip())
        elif field is None:
            problems.append(_unknown_column(cell, fields, path, line))
        elif field in columns:
            problems.append(Problem(path, line, field.id, f"column {cell.strip()!r} appears twice"))
        columns.append(field)
    if not any(columns):
        return None
    problems += _missing_columns(columns, fields, path, line)
    return _Header(columns, timestamp, problems, ignored)


def _is_timestamp(cell: str) -> bool:
    return normalise_label(_PARENTHESIS.sub("", cell)) in TIMESTAMP_HEADERS


def _is_bookkeeping(cell: str) -> bool:
    return normalise_label(_PARENTHESIS.sub("", cell)) in BOOKKEEPING_HEADERS


def _unknown_column(cell: str, fields: list[FormField], path: str, line: int) -> Problem:
    shown = cell.strip()[:60] or "(blank)"
    labels = ", ".join(field.label for field in fields)
    message = f"unknown column {shown!r}; the columns are the form's labels ({labels})"
    return Problem(path, line, "-", message)


def _missing_columns(
    columns: list[FormField | None], fields: list[FormField], path: str, line: int
) -> list[Problem]:
    present = {field.id for field in columns if field is not None}
    return [
        Problem(path, line, field.id, f"the header has no {field.label!r} column")
        for field in fields
        if field.required and field.id not in present
    ]


def _filled(cells: list[str]) -> bool:
    return any(cell.strip() for cell in cells)


def _submission(
    cells: list[str], line: int, header: _Header, path: str, day_first: bool | None
) -> Submission:
    problems: tuple[Problem, ...] = ()
    if len(cells) > len(header.columns):
        message = f"the row has {len(cells)} cells but the header has {len(header.columns)}"
        problems = (Problem(path, line, "-", message),)
    answers = {
        field.id: Answer(_newlines(cell), line, exact_lines=False)
        for field, cell in zip(header.columns, cells, strict=False)
        if field is not None
    }
    timestamp = None
    if header.timestamp is not None and header.timestamp < len(cells):
        timestamp = Answer(cells[header.timestamp], line, exact_lines=False)
    return Submission(path, line, answers, timestamp, problems, day_first)


def _newlines(cell: str) -> str:
    """A quoted cell keeps the line breaks of the export (CRLF from Excel): make them \\n."""
    return cell.replace("\r\n", "\n").replace("\r", "\n")
