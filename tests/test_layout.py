"""The package layout names the pipeline, and imports only point down it:

    cli → site, checking, submitting → catalog → shared core

Each module belongs to the stage named by its package; the modules directly under
`generator/` (errors, outcomes, state, forking) are the shared core, except `cli`, which sits
on top. The imports are read with `ast`, function-level ones included.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "generator"

# Which stages each stage may import. Stages beside each other do not import one another.
MAY_IMPORT: dict[str, set[str]] = {
    "cli": {"cli", "site", "checking", "submitting", "catalog", "shared"},
    "site": {"site", "catalog", "shared"},
    "checking": {"checking", "catalog", "shared"},
    "submitting": {"submitting", "catalog", "shared"},
    "catalog": {"catalog", "shared"},
    "shared": {"shared"},
}


def stage_of(module: str) -> str:
    """`generator.site.views` → "site"; `generator.errors` → "shared"; `generator.cli` → "cli"."""
    parts = module.split(".")
    if len(parts) < 2:
        return "shared"
    return parts[1] if parts[1] in MAY_IMPORT else "shared"


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def imported_modules(source: str) -> Iterator[str]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "generator":
                yield from (f"generator.{alias.name}" for alias in node.names)
            else:
                yield node.module


def violations(module: str, source: str) -> list[str]:
    stage = stage_of(module)
    return [
        f"{module} ({stage}) imports {target} ({stage_of(target)})"
        for target in imported_modules(source)
        if target.startswith("generator") and stage_of(target) not in MAY_IMPORT[stage]
    ]


def test_every_stage_is_a_package_with_a_docstring() -> None:
    for stage in ("catalog", "site", "checking", "submitting"):
        init = PACKAGE / stage / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text())), f"{init} says what the stage does"


def test_imports_only_point_down_the_pipeline() -> None:
    found = [
        problem
        for path in sorted(PACKAGE.rglob("*.py"))
        for problem in violations(module_name(path), path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("generator.catalog.models", "from generator.site.views import slugify"),
        ("generator.state", "import generator.catalog.models"),
        ("generator.submitting.writing", "def f():\n    from generator.checking import run\n"),
        ("generator.site.views", "from generator import cli"),
    ],
)
def test_the_rule_catches_an_upward_or_sideways_import(module: str, source: str) -> None:
    assert violations(module, source)


def test_the_rule_allows_the_direction_of_the_pipeline() -> None:
    source = "from generator.catalog import load_catalog\nfrom generator.errors import BuildError\n"
    assert violations("generator.site.building", source) == []
