"""Read a GitHub issue-form body as GitHub renders it.

GitHub writes each answered field as a `### Label` heading, a blank line and the answer;
`_No response_` for a skipped field; `- [X] Option` / `- [ ] Option` for checkboxes and
`A, B` for a multi-select dropdown. A heading counts only when its text is one of the form's
labels, so a `###` typed inside an answer stays part of that answer.
"""

from __future__ import annotations

import re

from generator.errors import Problem
from generator.submitting.answers import Answer, Submission
from generator.submitting.forms import NO_RESPONSE, FormField, normalise_label

_HEADING = re.compile(r"^ {0,3}###[ \t]+(?P<label>.*?)[ \t]*$")
_CHECKBOX = re.compile(r"^\s*[-*]\s+\[(?P<mark>[ xX])\]\s?(?P<label>.*)$")


def looks_like_issue_form(text: str, keyed: dict[str, FormField]) -> bool:
    """True when a heading names one of the form's required fields (`### Name`, `### URL`)."""
    for line in text.splitlines():
        field = _field_of(line, keyed)
        if field is not None and field.required:
            return True
    return False


def _field_of(line: str, keyed: dict[str, FormField]) -> FormField | None:
    match = _HEADING.match(line)
    return keyed.get(normalise_label(match["label"])) if match else None


def parse_issue_form(text: str, path: str, keyed: dict[str, FormField]) -> Submission:
    """The one submission an issue body holds; sections by label, answers with their lines."""
    lines = text.splitlines()
    sections: dict[str, tuple[FormField, int]] = {}
    problems: list[Problem] = []
    starts: list[tuple[int, FormField]] = []
    for index, line in enumerate(lines):
        field = _field_of(line, keyed)
        if field is None:
            continue
        if field.id in sections:
            message = f"answered twice (first under the heading on line {sections[field.id][1]})"
            problems.append(Problem(path, index + 1, field.id, message))
            continue
        sections[field.id] = (field, index + 1)
        starts.append((index, field))
    answers = {
        field.id: _answer(field, lines, index, _section_end(starts, position, len(lines)))
        for position, (index, field) in enumerate(starts)
    }
    return Submission(path, starts[0][0] + 1, answers, problems=tuple(problems))


def _section_end(starts: list[tuple[int, FormField]], position: int, total: int) -> int:
    return starts[position + 1][0] if position + 1 < len(starts) else total


def _answer(field: FormField, lines: list[str], heading: int, end: int) -> Answer:
    body = lines[heading + 1 : end]
    first = next((i for i, line in enumerate(body) if line.strip()), None)
    if first is None:
        return Answer("", heading + 1)
    last = max(i for i, line in enumerate(body) if line.strip())
    content = body[first : last + 1]
    if [line.strip() for line in content] == [NO_RESPONSE]:
        return Answer("", heading + 2 + first)
    if field.widget == "checkboxes":
        content = [_ticked(line) for line in content]
    return Answer("\n".join(content), heading + 2 + first)


def _ticked(line: str) -> str:
    """A ticked box's label; an unticked one becomes a blank line (keeping line numbers)."""
    match = _CHECKBOX.match(line)
    if match is None:
        return line
    return match["label"].strip() if match["mark"] in "xX" else ""
