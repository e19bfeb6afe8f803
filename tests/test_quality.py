"""The code quality gate runs with the suite: ruff (lint and format) and strict mypy must be
clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run_tool(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)


@pytest.mark.skipif(not (BIN / "ruff").exists(), reason="ruff is not installed")
def test_ruff_is_clean() -> None:
    result = run_tool(str(BIN / "ruff"), "check", "generator", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not (BIN / "ruff").exists(), reason="ruff is not installed")
def test_code_is_formatted() -> None:
    result = run_tool(str(BIN / "ruff"), "format", "--check", "generator", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not (BIN / "mypy").exists(), reason="mypy is not installed")
def test_mypy_strict_is_clean() -> None:
    result = run_tool(str(BIN / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not (BIN / "ruff").exists(), reason="ruff is not installed")
def test_ruff_reads_every_module_of_the_package() -> None:
    # An exclude such as "site" (meant for the built site/) also matched generator/site/.
    result = run_tool(str(BIN / "ruff"), "check", "--show-files", "generator")
    linted = {Path(line.strip()).resolve() for line in result.stdout.splitlines() if line.strip()}
    modules = set((REPO / "generator").rglob("*.py"))
    assert modules - linted == set()
