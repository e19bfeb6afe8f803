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
import re
import unicodedata
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
        path = shown(self.path)
        # A line that starts with `::` is a GitHub Actions workflow command.
        path = f"./{path}" if path.startswith(":") else path
        return f"{path}:{self.line}: {shown(self.field)}: {shown(self.message)}"


# Characters that could split an output line, colour or move a terminal, or reorder what a
# reader sees: controls (C0, DEL, C1), format characters (zero-width, bidi controls), line and
# paragraph separators, surrogates and the U+FFFE/U+FFFF noncharacters.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_MAYBE_UNSAFE = re.compile("[^\x20-\x7e]")


def shown(text: str) -> str:
    """`text` safe to print on one line: every unsafe character escaped as `\\n`, `\\x1b`, ...

    Anything contributed that a message echoes (a key, a value, a file name) goes through
    this, so no output line can be split, colour a terminal or forge a CI command."""
    return _MAYBE_UNSAFE.sub(_escaped, text)


def _escaped(found: re.Match[str]) -> str:
    char = found.group(0)
    if unicodedata.category(char) not in _UNSAFE_CATEGORIES and char not in "\ufffe\uffff":
        return char
    return char.encode("unicode_escape", "backslashreplace").decode("ascii")


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
