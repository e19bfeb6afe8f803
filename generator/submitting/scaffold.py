"""`biglist new`: scaffold one entry from command-line flags or answers to prompts.

The answers go through exactly what `biglist import` does with a form submission (labels to
vocabulary ids, lists, years, validation with the model, duplicate checks), so an entry
written here always passes `biglist validate`. Prompting itself is the CLI's job: this module
asks through the `Asker` it is given and never prints.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_origin

from generator.catalog.models import Community
from generator.errors import BigListError, Problem, shown
from generator.submitting.answers import Answer, Submission
from generator.submitting.forms import NOT_ON_FORM, FormField
from generator.submitting.importing import Workspace
from generator.submitting.normalising import Candidate
from generator.submitting.writing import entry_file_text

SOURCE = "biglist new"
MAX_ROUNDS = 20

Asker = Callable[[FormField, list[Problem]], str]
"""Ask for one field (showing the problems with the last answer); return what was typed."""


class EntryRefused(BigListError):
    """The answers do not make a valid, new entry; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        order = list(Community.model_fields)
        self.problems = sorted(problems, key=lambda p: _position(p.field, order))
        lines = [f"  {shown(flag_name(p.field))}: {shown(p.message)}" for p in self.problems]
        super().__init__("the entry was not written:\n" + "\n".join(lines))


def _position(field: str, order: list[str]) -> int:
    base = field.split(".", 1)[0]
    return order.index(base) if base in order else len(order)


@dataclass(frozen=True)
class Flag:
    """A command-line option of `biglist new`, one per entry field."""

    field: str
    names: tuple[str, ...]
    multiple: bool
    boolean: bool
    help: str


@dataclass(frozen=True)
class Scaffolded:
    path: str
    text: str
    written: bool


def entry_flags() -> list[Flag]:
    """One option per model field: `--sponsor`, `--types`/`--type` (repeatable), ..."""
    return [_flag(name, info.annotation) for name, info in Community.model_fields.items()]


def _flag(name: str, annotation: Any) -> Flag:
    dashed = name.replace("_", "-")
    multiple = get_origin(annotation) is list
    names: tuple[str, ...] = (f"--{dashed}",)
    if multiple and dashed.endswith("s"):
        names += (f"--{dashed.removesuffix('s')}",)
    boolean = annotation is bool
    help_text = Community.model_fields[name].description or ""
    if multiple:
        help_text += " Repeat the option, or separate values with commas."
    if boolean:
        help_text += " Give yes or no."
    if name in NOT_ON_FORM:
        help_text += f" Not on the submission form ({NOT_ON_FORM[name]})."
    return Flag(name, names, multiple, boolean, help_text)


def flag_name(field: str) -> str:
    """The option that sets a problem's field (`sources.1` → `--sources`)."""
    base = field.split(".", 1)[0]
    return f"--{base.replace('_', '-')}" if base in Community.model_fields else base


def scaffold(
    values: Mapping[str, Any],
    data_dir: Path,
    *,
    ask: Asker | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> Scaffolded:
    """Write `data_dir/communities/<slug>.yml` from the given values (asking for the rest).

    Raises EntryRefused, listing every problem, when the entry is invalid or already listed.
    """
    workspace = Workspace.open(data_dir, today, editorial=True)
    answers = {key: answer_text(value) for key, value in values.items() if _given(value)}
    if ask is not None:
        _ask_missing(workspace.fields, answers, ask)
    candidate = _settle(workspace, answers, ask)
    path = workspace.write(candidate, dry_run=dry_run)
    if path is None or candidate.community is None:
        raise EntryRefused(candidate.problems)
    text = entry_file_text(candidate.community, workspace.communities / Path(path).name)
    return Scaffolded(path, text, not dry_run)


def _given(value: Any) -> bool:
    return value is not None and value != () and value != []


def answer_text(value: Any) -> str:
    """A flag's value as a form answer: lists one per line, booleans as yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return "\n".join(str(item) for item in value)
    return str(value)


def _ask_missing(fields: list[FormField], answers: dict[str, str], ask: Asker) -> None:
    for field in fields:
        if field.id not in answers and field.id not in NOT_ON_FORM:
            answers[field.id] = ask(field, [])


def _settle(workspace: Workspace, answers: dict[str, str], ask: Asker | None) -> Candidate:
    """Validate; with an asker, ask again for each field that has a problem, until none has."""
    fields = {field.id: field for field in workspace.fields}
    for _ in range(MAX_ROUNDS):
        candidate = workspace.prepare(_submission(answers))
        if not candidate.problems or ask is None:
            return candidate
        for field_id, problems in _by_field(candidate.problems).items():
            if field_id in fields:
                answers[field_id] = ask(fields[field_id], problems)
    return candidate


def _submission(answers: Mapping[str, str]) -> Submission:
    return Submission(
        SOURCE, 1, {key: Answer(text, 1, exact_lines=False) for key, text in answers.items()}
    )


def _by_field(problems: list[Problem]) -> dict[str, list[Problem]]:
    grouped: dict[str, list[Problem]] = {}
    for problem in problems:
        grouped.setdefault(problem.field.split(".", 1)[0], []).append(problem)
    return grouped


def choice_answer(field: FormField, typed: str) -> str:
    """Let a prompt take option numbers ("2" or "1, 3") besides labels and ids."""
    if not field.options or not re.fullmatch(r"\s*\d+(\s*,\s*\d+)*\s*", typed):
        return typed
    numbers = [int(part) for part in typed.split(",")]
    if not all(1 <= number <= len(field.options) for number in numbers):
        return typed
    return "\n".join(field.options[number - 1].label for number in numbers)
