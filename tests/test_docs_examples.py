"""Every `biglist` example in README.md and CONTRIBUTING.md runs as shown.

A console block is a list of `$ command` lines (a trailing `\\` continues one), each followed
by the output it prints. A block that runs `biglist` runs whole, in a fresh copy of the
project (shipped data, schema and the files of tests/fixtures/docs/); a command shown with
output must print exactly that, one shown without must succeed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import make_project

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = ("README.md", "CONTRIBUTING.md")
DOC_FILES = REPO / "tests" / "fixtures" / "docs"
BIGLIST = Path(sys.executable).parent / "biglist"
_BLOCK = re.compile(r"^( *)```console\n(.*?)^\1```", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Step:
    command: str
    output: list[str]


@dataclass(frozen=True)
class Example:
    where: str
    steps: list[Step]


def examples() -> list[Example]:
    found = []
    for name in DOCUMENTS:
        text = (REPO / name).read_text("utf-8")
        for match in _BLOCK.finditer(text):
            line = text[: match.start()].count("\n") + 1
            steps = _steps(textwrap.dedent(match.group(2)))
            if any("biglist " in step.command for step in steps):
                found.append(Example(f"{name}:{line}", steps))
    return found


def _steps(block: str) -> list[Step]:
    steps: list[Step] = []
    lines = block.splitlines()
    index = 0
    while index < len(lines):
        if not lines[index].startswith("$ "):
            steps[-1].output.append(lines[index])
            index += 1
            continue
        command = lines[index][2:]
        while command.endswith("\\"):
            index += 1
            command = command[:-1] + lines[index].strip()
        steps.append(Step(command, []))
        index += 1
    return steps


def test_the_docs_have_biglist_examples() -> None:
    where = {example.where.split(":")[0] for example in examples()}
    assert where == set(DOCUMENTS)


@pytest.mark.parametrize("example", examples(), ids=lambda example: example.where)
def test_the_example_runs_as_shown(example: Example, tmp_path: Path) -> None:
    root = make_project(tmp_path / "project", REPO / "data")
    shutil.copytree(REPO / "schema", root / "schema")
    for file in DOC_FILES.iterdir():
        shutil.copy(file, root / file.name)
    for step in example.steps:
        command = step.command.replace(".venv/bin/biglist", str(BIGLIST))
        result = subprocess.run(
            ["bash", "-c", command], cwd=root, capture_output=True, text=True, check=False
        )
        shown = [line for line in step.output if line.strip()]
        if shown:
            assert result.stdout.splitlines() == shown, (step.command, result.stderr)
        else:
            assert result.returncode == 0, (step.command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
