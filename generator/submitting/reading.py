"""Read a submission file: bytes → text → which kind of export it is → submissions.

Anything that is not a form export (an empty file, binary junk, some other CSV or Markdown)
is one clear Problem, raised as a DataError before anything is written.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from generator.catalog.loading import UnreadableFile, read_regular_file
from generator.errors import DataError, Problem, display_path
from generator.submitting.answers import SubmissionFile
from generator.submitting.csv_export import parse_csv
from generator.submitting.forms import FormField, field_by_label
from generator.submitting.issue_form import looks_like_issue_form, parse_issue_form

MAX_SUBMISSION_BYTES = 2 * 1024 * 1024
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_submissions(path: Path, fields: list[FormField]) -> SubmissionFile:
    """Every submission in the file, or a DataError saying why the file cannot be one."""
    shown = display_path(path)
    text = decode_submission(_read_bytes(path, shown), shown)
    if not text.strip():
        raise _file_problem(shown, 1, "the file is empty")
    keyed = field_by_label(fields)
    if looks_like_issue_form(text, keyed):
        return SubmissionFile([parse_issue_form(text, shown, keyed)])
    export = parse_csv(text, shown, fields)
    if export is None:
        raise _file_problem(shown, 1, _NOT_A_FORM_EXPORT)
    if not export.submissions:
        raise _file_problem(shown, 1, "the file holds no submissions (only a header row)")
    return export


_NOT_A_FORM_EXPORT = (
    "not a form export: expected a GitHub issue-form body ('### Name' sections) or a CSV "
    "whose header row holds the form's labels (Name, URL, ...)"
)


def _read_bytes(path: Path, shown: str) -> bytes:
    # Only a regular file: a FIFO or a device given by mistake would block or never end.
    try:
        return read_regular_file(path, MAX_SUBMISSION_BYTES)
    except UnreadableFile as refused:
        raise _file_problem(shown, 1, _bigger_in_mib(refused.message)) from None


def _bigger_in_mib(message: str) -> str:
    limit = MAX_SUBMISSION_BYTES // (1024 * 1024)
    return f"the file is larger than {limit} MiB" if "too large" in message else message


def decode_submission(raw: bytes, shown: str) -> str:
    """UTF-8 (with or without a byte-order mark) or UTF-16 with its mark; never binary."""
    if raw.startswith(_UTF16_BOMS):
        return _checked_text(_decode(raw, "utf-16", shown), shown)
    if b"\x00" in raw:  # binary junk, whatever else it holds
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise _file_problem(shown, line, "not a text file (it holds NUL bytes)")
    return _checked_text(_decode(raw, "utf-8-sig", shown), shown)


def _decode(raw: bytes, encoding: str, shown: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        message = (
            f"not a text file in {encoding.removesuffix('-sig').upper()} "
            f"(byte 0x{raw[error.start]:02x}); export the form answers as UTF-8"
        )
        raise _file_problem(shown, line, message) from None


def _checked_text(text: str, shown: str) -> str:
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise _file_problem(shown, line, "not a text file (it holds NUL bytes)")
    return text


def _file_problem(shown: str, line: int, message: str) -> DataError:
    return DataError([Problem(shown, line, "-", message)])
