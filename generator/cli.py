"""The `biglist` command: a thin layer that turns library results and errors into output.

Only this module prints or exits. Exit codes: 0 success, 1 failure, 2 usage.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from generator.errors import BigListError, DataError

F = TypeVar("F", bound=Callable[..., Any])
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
DATA_HELP = "Data root: the folder holding communities/ and the vocabularies."


def data_option(function: F) -> F:
    option = click.option(
        "--data",
        "data_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("data"),
        show_default=True,
        help=DATA_HELP,
    )
    return option(function)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="biglist")
def cli() -> None:
    """The Big List of B2B Online Communities: validate, build, check and grow the list."""


@cli.command()
@data_option
def validate(data_dir: Path) -> None:
    """Validate every entry and vocabulary; print every problem as PATH:LINE: FIELD: MESSAGE."""
    from generator.validation import load_catalog

    catalog = run(lambda: load_catalog(data_dir))
    click.echo(f"OK: {len(catalog.entries)} entries are valid.")


T = TypeVar("T")


def run(action: Callable[[], T]) -> T:
    """Run a library call; turn our errors into messages and exit 1 (no traceback)."""
    try:
        return action()
    except DataError as error:
        report_problems(error)
    except BigListError as error:
        click.echo(f"Error: {error}", err=True)
    sys.exit(1)


def report_problems(error: DataError) -> None:
    for problem in error.problems:
        click.echo(str(problem))
    files = len({problem.path for problem in error.problems})
    count = len(error.problems)
    click.echo(f"Invalid: {count} problem{'s' * (count != 1)} in {files} file{'s' * (files != 1)}.")


def main() -> None:
    cli()
