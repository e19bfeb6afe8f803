"""The `biglist` command: a thin layer that turns library results and errors into output.

Only this module prints or exits. Exit codes: 0 success, 1 failure, 2 usage.
"""

from __future__ import annotations

import os
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


@cli.command()
@data_option
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Checker state file to read (default: <data>/check-state.json).",
)
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("site"),
    show_default=True,
    help="Where to write the built site.",
)
@click.option("--strict", is_flag=True, help="Fail on any MkDocs warning (as CI does).")
def build(data_dir: Path, state_file: Path | None, site_dir: Path, strict: bool) -> None:
    """Validate, render every page and export, and build the site with MkDocs.

    The site folder is replaced only when the whole build succeeded.
    """
    from generator.building import build as build_site

    result = run(lambda: build_site(data_dir, site_dir, state_file=state_file, strict=strict))
    click.echo(f"Built {result.communities} communities into {result.site_dir}/.")


@cli.command()
@data_option
@click.option(
    "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on."
)
def serve(data_dir: Path, dev_addr: str) -> None:
    """Preview the site, re-rendering pages when entries or templates change."""
    from generator.serving import serve as serve_site

    run(lambda: serve_site(data_dir, dev_addr=dev_addr))


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
    """Console entry point. An unexpected failure is still reported without a traceback
    (set BIGLIST_DEBUG=1 to see it)."""
    try:
        cli(standalone_mode=True)
    except Exception as error:
        if os.environ.get("BIGLIST_DEBUG"):
            raise
        click.echo(f"Error: unexpected {type(error).__name__}: {error}", err=True)
        click.echo("This is a bug in biglist; please report it.", err=True)
        sys.exit(1)
