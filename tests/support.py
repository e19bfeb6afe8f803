"""Helpers shared by test modules (importable as `support`; fixtures live in conftest.py)."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.site.docs import copy_hand_written

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DATA = REPO / "tests" / "fixtures" / "sample-data"
SHIPPED_DATA = REPO / "data"


def make_project(root: Path, data: Path = SAMPLE_DATA) -> Path:
    """A minimal copy of the project (config, hand-written pages, data) to build in."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    copy_hand_written(REPO / "directory", root / "directory")
    shutil.copytree(data, root / "data", ignore=shutil.ignore_patterns("check-state.json"))
    return root


def build_project(root: Path, *args: str) -> Path:
    from click.testing import CliRunner

    from generator.cli import cli

    runner = CliRunner()
    with contextlib.chdir(root):
        result = runner.invoke(cli, ["build", "--strict", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "site"


Opener = Callable[..., Any]

# --- a bigger synthetic site for the browser tests of the live list and the search ----------

SYNTHETIC_COUNT = 240
SYNTHETIC_ROWS_PER_PAGE = 100  # so the plain (no-JavaScript) list has three pages
HOSTILE_NAME = "Tom & Jerry's *Forum* {{ x }} | [y](z) <3"
HOSTILE_SPONSOR = 'Acme & "Co" `q`'
# Words no other synthetic entry uses; "spreadsheet" is also on the About page.
HOSTILE_DESCRIPTION = "Cartoon rivals swap zygomorphic puns & keep a shared spreadsheet."
ACTIVITIES = ("active", "slowing", "dormant")
