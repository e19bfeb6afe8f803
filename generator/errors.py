"""One exception hierarchy for the whole tool.

    BigListError              anything the CLI turns into a message and an exit code
    ├── DataError             contributed data is invalid: carries every Problem found
    ├── BuildError            the site could not be rendered or built
    ├── CheckError            the checker could not run (not: a site was down)
    └── SubmissionError       a submission file could not be read at all

Library code raises these and never prints or exits; only `generator.cli` does.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with contributed data, located to a file and line."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


def display_path(path: Path) -> str:
    """The path as a user should see it: relative to the current directory when it can be."""
    return os.path.join(_display_folder(str(path.parent), os.getcwd()), path.name)


@functools.lru_cache(maxsize=256)
def _display_folder(folder: str, cwd: str) -> str:
    # Resolved once per folder: resolving every one of 10,000 entry paths cost a second.
    try:
        relative = Path(folder).resolve().relative_to(Path(cwd).resolve())
    except ValueError:
        return folder
    return "" if str(relative) == "." else str(relative)


class BigListError(Exception):
    """Base of every error the tool reports to a user."""


class DataError(BigListError):
    """Contributed data (entries or vocabularies) failed validation."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the data")


class BuildError(BigListError):
    """The site could not be rendered or built; the previous site is left in place."""


class CheckError(BigListError):
    """The link and activity checker could not run at all."""


class SubmissionError(BigListError):
    """A submission file (issue-form body or CSV export) could not be read."""
