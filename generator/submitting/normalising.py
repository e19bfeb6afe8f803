"""Turn typed answers into entry values, then validate them with the entry model.

People type labels ("Customer support"), ids ("support") or an alias ("Help forum"); lists
separated by commas or lines; "2008" or "2008.0" for a year. Each is mapped onto what an
entry file holds, and nothing else is changed: an answer that is not already valid (a URL
without its scheme, a date that could be read two ways) is left for the model or the date
rules to refuse, so a submission gets the same messages as an entry in a pull request.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Any

from generator.catalog.loading import Document
from generator.catalog.models import Community, ValidationContext, Vocabularies
from generator.catalog.urls import check_url
from generator.catalog.validation import validate_community
from generator.errors import Problem
from generator.submitting.answers import Answer, Submission
from generator.submitting.forms import FormField, normalise_label

MISSING = "required field is missing"
MAX_LISTED_CHOICES = 10
_YEAR = re.compile(r"^(\d{4})(\.0+)?$")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_TRUE = frozenset({"yes", "y", "true", "1", "x", "checked", "on"})
_FALSE = frozenset({"no", "n", "false", "0", "unchecked", "off"})


@dataclass
class Candidate:
    """A submission's values, where each came from, and what is wrong with them."""

    submission: Submission
    value: dict[str, Any] = field(default_factory=dict)
    doc: Document = field(default_factory=lambda: Document(""))
    problems: list[Problem] = field(default_factory=list)
    community: Community | None = None

    @property
    def where(self) -> str:
        return f"{self.submission.path}:{self.submission.line}"

    def line_of(self, field_id: str) -> int:
        return self.doc.lines.get((field_id,), self.submission.line)


def normalise(
    submission: Submission,
    fields: list[FormField],
    context: ValidationContext,
    resolver: LabelResolver | None = None,
) -> Candidate:
    """Map every answer onto entry values, then validate them with the model."""
    candidate = Candidate(submission, doc=Document(submission.path))
    candidate.problems.extend(submission.problems)
    resolver = resolver or LabelResolver(context.vocabularies)
    missing: set[str] = set()
    for form_field in fields:
        answer = submission.answers.get(form_field.id)
        if answer is None or not answer.text.strip():
            if form_field.required:
                missing.add(form_field.id)
                line = answer.line if answer else submission.line
                candidate.problems.append(Problem(submission.path, line, form_field.id, MISSING))
            continue
        _set_answer(candidate, form_field, answer, resolver)
    _set_defaults(candidate, context.today)
    _validate(candidate, context, missing)
    return candidate


def _set_answer(
    candidate: Candidate, form_field: FormField, answer: Answer, resolver: LabelResolver
) -> None:
    items = list(_items(form_field, answer))
    values: list[Any] = []
    for text, line in items:
        for converted in _convert(form_field, text, line, candidate, resolver, len(values)):
            candidate.doc.lines[(form_field.id, len(values))] = line
            values.append(converted)
    candidate.doc.lines[(form_field.id,)] = items[0][1] if items else answer.line
    if form_field.multiple and values:
        candidate.value[form_field.id] = values
    elif len(values) == 1:
        candidate.value[form_field.id] = values[0]
    elif len(values) > 1:
        shown = ", ".join(str(value) for value in values)
        candidate.problems.append(
            candidate.doc.problem((form_field.id,), f"choose one value, not several ({shown})")
        )


def _items(form_field: FormField, answer: Answer) -> Iterator[tuple[str, int]]:
    """The parts of an answer with their lines: list items, or the whole (trimmed) text."""
    lines = answer.text.split("\n")
    if not form_field.multiple and form_field.vocabulary is None:
        first = next(i for i, line in enumerate(lines) if line.strip())
        yield answer.text.strip(), answer.line_of(first)
        return
    for index, line in enumerate(lines):
        for part in _split_line(form_field, line):
            yield part, answer.line_of(index)


def _split_line(form_field: FormField, line: str) -> list[str]:
    line = _BULLET.sub("", line).strip()
    if not line:
        return []
    if form_field.vocabulary is not None:
        return [line]  # the resolver splits on commas itself: some labels hold commas
    return [part.strip() for part in line.split(",") if part.strip()]


def _convert(
    form_field: FormField,
    text: str,
    line: int,
    candidate: Candidate,
    resolver: LabelResolver,
    index: int,
) -> list[Any]:
    if form_field.vocabulary is not None:
        return resolver.resolve(form_field, text, line, candidate, index)
    if form_field.id == "languages":
        return [_language(text)]
    converters = {"url": _url, "integer": _integer, "boolean": _boolean}
    converter = converters.get(form_field.kind)
    return [converter(text) if converter else text]


def _url(text: str) -> str:
    """The address exactly as typed (trimmed): one that is not a valid http(s) URL is refused
    by the model, never "repaired" into another address."""
    return text.strip()


# The languages people name most on forms, by their English names; codes pass through.
LANGUAGE_NAMES = {
    "arabic": "ar", "chinese": "zh", "czech": "cs", "danish": "da", "dutch": "nl",
    "english": "en", "finnish": "fi", "french": "fr", "german": "de", "greek": "el",
    "hebrew": "he", "hindi": "hi", "hungarian": "hu", "indonesian": "id", "italian": "it",
    "japanese": "ja", "korean": "ko", "norwegian": "no", "polish": "pl", "portuguese": "pt",
    "romanian": "ro", "russian": "ru", "spanish": "es", "swedish": "sv", "thai": "th",
    "turkish": "tr", "ukrainian": "uk", "vietnamese": "vi",
}  # fmt: skip


def _language(text: str) -> str:
    """A language name or a BCP 47 code in any case ("EN", "pt-br") as a code (`pt-BR`)."""
    named = LANGUAGE_NAMES.get(text.strip().casefold())
    if named:
        return named
    primary, *rest = text.strip().split("-")
    return "-".join([primary.lower(), *(part.upper() if len(part) == 2 else part for part in rest)])


def _integer(text: str) -> int | str:
    match = _YEAR.match(text.strip())
    return int(match[1]) if match else text.strip()


def _boolean(text: str) -> bool | str:
    word = text.strip().casefold()
    if word in _TRUE:
        return True
    return False if word in _FALSE else text.strip()


# --- vocabulary labels ---------------------------------------------------------------------


class LabelResolver:
    """Map labels, ids and aliases (any case and spacing) onto vocabulary ids.

    Keep one per run: each vocabulary's table is built on first use.
    """

    def __init__(self, vocabularies: Vocabularies) -> None:
        self.vocabularies = vocabularies
        self.index: dict[str, dict[str, str]] = {}

    def lookup(self, vocabulary: str) -> dict[str, str]:
        if vocabulary not in self.index:
            table: dict[str, str] = {}
            for term in self.vocabularies.get(vocabulary).values():
                for spelling in (term.id, term.label, *term.aliases):
                    table.setdefault(normalise_label(spelling), term.id)
            self.index[vocabulary] = table
        return self.index[vocabulary]

    def resolve(
        self, form_field: FormField, text: str, line: int, candidate: Candidate, index: int
    ) -> list[str]:
        """The ids the text names; unknown parts are recorded as problems."""
        assert form_field.vocabulary is not None
        table = self.lookup(form_field.vocabulary)
        whole = table.get(normalise_label(text))
        if whole is not None:
            return [whole]
        ids, unknown = _split_terms(text, table)
        for position, part in unknown:
            where = f"{form_field.id}.{index + position}" if form_field.multiple else form_field.id
            message = _unknown(part, form_field)
            candidate.problems.append(Problem(candidate.doc.path, line, where, message))
        return [] if unknown else ids


def _split_terms(text: str, table: dict[str, str]) -> tuple[list[str], list[tuple[int, str]]]:
    """Split "A, B, C" into known terms, joining neighbours when a label itself has a comma.

    Unknown parts come with their position among the values typed.
    """
    parts = [part.strip() for part in text.split(",")]
    ids: list[str] = []
    unknown: list[tuple[int, str]] = []
    start = 0
    while start < len(parts):
        for end in range(len(parts), start, -1):
            term = table.get(normalise_label(", ".join(parts[start:end])))
            if term is not None:
                ids.append(term)
                start = end
                break
        else:
            if parts[start]:
                unknown.append((len(ids) + len(unknown), parts[start]))
            start += 1
    return ids, unknown


def _unknown(value: str, form_field: FormField) -> str:
    # Whoever typed this may only have the form: name every choice, never a file of ours.
    shown = value if len(value) <= 60 else f"{value[:57]}..."
    labels = [option.label for option in form_field.options]
    guess = get_close_matches(value, labels, n=1, cutoff=0.5)
    hint = f"; did you mean {guess[0]!r}?" if guess and len(labels) > MAX_LISTED_CHOICES else ""
    return f"unknown value {shown!r}{hint} (choose from: {'; '.join(labels)})"


# --- defaults and the model ----------------------------------------------------------------


def _set_defaults(candidate: Candidate, today: dt.date) -> None:
    value, lines = candidate.value, candidate.doc.lines
    if "sources" not in value and _is_url(value.get("url")):
        # A bare submission cites the community's own front door, as the original list did.
        value["sources"] = [value["url"]]
        lines[("sources",)] = lines[("sources", 0)] = candidate.line_of("url")
    if "added" in value:
        return
    stamp = candidate.submission.timestamp
    lines[("added",)] = stamp.line if stamp else candidate.submission.line
    if stamp is None or not stamp.text.strip():
        value["added"] = today
        return
    try:
        value["added"] = parse_timestamp(stamp.text, day_first=candidate.submission.day_first)
    except ValueError as error:
        candidate.problems.append(Problem(candidate.doc.path, stamp.line, "added", str(error)))


def _validate(candidate: Candidate, context: ValidationContext, missing: set[str]) -> None:
    problems: list[Problem] = []
    candidate.community = validate_community(candidate.value, candidate.doc, context, problems)
    # The form's required fields were reported on their lines above; `sources` and `added`
    # are only missing when the URL or the timestamp they come from was refused.
    quiet = missing | {"sources", "added"}
    candidate.problems.extend(
        p for p in problems if not (p.message == MISSING and p.field in quiet)
    )
    if candidate.problems:
        candidate.community = None


def _is_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        check_url(value)
    except (TypeError, ValueError):
        return False
    return True


# --- timestamps ----------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T\s])")
_DAY_MONTH = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:$|[T\s,])")


def parse_timestamp(text: str, *, day_first: bool | None = None) -> dt.date:
    """The date part of a form tool's timestamp; ValueError, in plain words, if there is none.

    ISO dates always work (`2026-11-25T14:03:12Z`, `2026/11/25 2:03:12 PM GMT+1`); dots are
    day first (`25.11.2026 14:03`). A slash or dash date such as `11/25/2026` is read the way
    its own numbers allow; one that could be read two ways (`01/12/2026`) only when
    `day_first` says which (see `date_order`), and is refused otherwise.
    """
    text = text.strip()
    iso = _ISO.match(text)
    if iso:
        return _date(int(iso[1]), int(iso[2]), int(iso[3]), text)
    other = _DAY_MONTH.match(text)
    if other is None:
        raise ValueError(f"timestamp {_short(text)!r} is not a date; write it as YYYY-MM-DD")
    first, separator, second, year = int(other[1]), other[2], int(other[3]), int(other[4])
    order = True if separator == "." else _order_of(first, second)
    if order is None:
        order = day_first
    if order is None:
        raise ValueError(_ambiguous(text, first, second, year))
    return _date(year, second, first, text) if order else _date(year, first, second, text)


def date_order(stamps: list[str]) -> bool | None:
    """Whether a column of timestamps writes the day first (True), the month first (False),
    or cannot tell (None): one date that only reads one way settles it for the whole export."""
    orders = set()
    for text in stamps:
        found = _DAY_MONTH.match(text.strip())
        if found and found[2] != ".":
            orders.add(_order_of(int(found[1]), int(found[3])))
    orders.discard(None)
    return orders.pop() if len(orders) == 1 else None


def _order_of(first: int, second: int) -> bool | None:
    if first > 12 >= second:
        return True
    return False if second > 12 >= first else None


def _ambiguous(text: str, first: int, second: int, year: int) -> str:
    month_first = _date_or_none(year, first, second)
    day_first = _date_or_none(year, second, first)
    readings = " or ".join(f"{day:%-d %B %Y}" for day in (month_first, day_first) if day)
    return f"date {_short(text)!r} could be read two ways ({readings}); write it as YYYY-MM-DD"


def _short(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:37]}..."


def _date(year: int, month: int, day: int, text: str) -> dt.date:
    found = _date_or_none(year, month, day)
    if found is None:
        raise ValueError(f"timestamp {_short(text)!r} is not a date that exists")
    return found


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
