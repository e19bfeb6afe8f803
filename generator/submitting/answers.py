"""What a submission file holds once read: answers as typed, each with its line."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.errors import Problem


@dataclass(frozen=True)
class Answer:
    """One answer as typed ("" when skipped) and the line of the file it starts on.

    When `exact_lines` is true, line i of the text is on file line `line + i` (an issue body);
    otherwise every part of the answer is reported on `line` (a CSV cell).
    """

    text: str
    line: int
    exact_lines: bool = True

    def line_of(self, index: int) -> int:
        return self.line + index if self.exact_lines else self.line


@dataclass(frozen=True)
class Submission:
    """One set of form answers, keyed by field id, from `path` starting at `line`."""

    path: str
    line: int
    answers: dict[str, Answer]
    timestamp: Answer | None = None
    problems: tuple[Problem, ...] = field(default=())
    day_first: bool | None = None
    """How the export writes dates such as 01/12/2026, when its own timestamps settle it."""


@dataclass(frozen=True)
class SubmissionFile:
    """Every submission a file holds, and notes about what was left out of it."""

    submissions: list[Submission]
    notes: list[Problem] = field(default_factory=list)
