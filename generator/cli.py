"""The `biglist` command: a thin layer that turns library results and errors into output.

Only this module prints or exits. Exit codes: 0 success, 1 failure, 2 usage.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from generator.errors import BigListError, DataError, shown

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
    from generator.catalog.validation import load_catalog

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
    from generator.forking import forget_interrupts, interrupt
    from generator.site.building import build as build_site

    forget_interrupts()
    previous = signal.signal(signal.SIGTERM, interrupt)  # clean up as after Ctrl-C
    try:
        result = run(lambda: build_site(data_dir, site_dir, state_file=state_file, strict=strict))
    except KeyboardInterrupt:
        click.echo("\nInterrupted: no half-built site was put in place.", err=True)
        sys.exit(1)
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo(f"Built {result.communities} communities into {result.site_dir}/.")


@cli.command()
@data_option
@click.option(
    "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on."
)
def serve(data_dir: Path, dev_addr: str) -> None:
    """Preview the site, re-rendering pages when entries or templates change."""
    from generator.forking import interrupt
    from generator.site.serving import serve as serve_site

    previous = signal.signal(signal.SIGTERM, interrupt)  # stop as after Ctrl-C: clean up
    try:
        run(lambda: serve_site(data_dir, dev_addr=dev_addr))
    except KeyboardInterrupt:
        sys.exit(0)  # an interrupt outside the server's own loop (while starting up)
    finally:
        signal.signal(signal.SIGTERM, previous)


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@data_option
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
def import_(file: Path, data_dir: Path, dry_run: bool) -> None:
    """Turn submission-form answers (a GitHub issue-form body or a CSV export) into entries.

    Valid new submissions become data/communities/<slug>.yml; duplicates and invalid ones are
    reported as PATH:LINE: FIELD: MESSAGE and not written. No existing file is ever changed.
    Exit 0 when every submission was written, 1 when any was refused.
    """
    from generator.submitting import import_submissions

    report = run(lambda: import_submissions(file, data_dir, dry_run=dry_run))
    for line in report.lines(dry_run=dry_run):
        click.echo(line)
    sys.exit(1 if report.refused else 0)


class _EntryCommand(click.Command):
    """`new` takes one option per entry field, built from the model only when `new` runs."""

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        if not any(param.name == "name" for param in self.params):
            from generator.submitting.scaffold import entry_flags

            for flag in entry_flags():
                decls = [*flag.names, flag.field]
                self.params.append(click.Option(decls, multiple=flag.multiple, help=flag.help))
        return super().get_params(ctx)


@cli.command(cls=_EntryCommand)
@data_option
@click.option("--dry-run", is_flag=True, help="Print the entry; write nothing.")
@click.option(
    "--interactive/--no-interactive",
    default=None,
    help="Prompt for missing fields (default: when a required field is missing and stdin is a "
    "terminal).",
)
def new(data_dir: Path, dry_run: bool, interactive: bool | None, **values: Any) -> None:
    """Scaffold a new entry from options, or by prompting for each field.

    Labels, ids and aliases are accepted for vocabulary fields. The entry is validated and
    checked against the list before data/communities/<slug>.yml is written (its path is
    printed); an existing file is never overwritten.
    """
    from generator.submitting.scaffold import scaffold

    if interactive is None:
        interactive = sys.stdin.isatty() and not (values.get("name") and values.get("url"))
    ask = _ask if interactive else None
    result = run(lambda: scaffold(values, data_dir, ask=ask, dry_run=dry_run))
    if dry_run:
        click.echo(result.text, nl=False)
        click.echo(f"Dry run: would write {result.path}", err=True)
    else:
        click.echo(result.path)


def _ask(field: Any, problems: list[Any]) -> str:
    from generator.submitting.scaffold import choice_answer

    for problem in problems:
        click.echo(f"  {shown(problem.message)}", err=True)
    if field.options and not problems:
        for number, option in enumerate(field.options, 1):
            click.echo(f"  {number}. {option.label}", err=True)
    suffix = "" if field.required else " (optional, Enter to skip)"
    typed = click.prompt(f"{field.label}{suffix}", default="", show_default=False, err=True)
    return choice_answer(field, typed)


@cli.command()
@data_option
@click.option("--check", "check_only", is_flag=True, help="Exit 1 if a file is out of date.")
def forms(data_dir: Path, check_only: bool) -> None:
    """Regenerate the issue form, the entry schema (schema/community.schema.json), the submit
    page's form and CONTRIBUTING.md's field table from the entry model and the vocabularies."""
    from generator.submitting.forms import sync_forms

    changed = run(lambda: sync_forms(Path("."), data_dir, write=not check_only))
    for path in changed:
        click.echo(f"Out of date: {path} (run `biglist forms`)" if check_only else f"Wrote {path}")
    if not changed:
        click.echo("The forms match the model and the vocabularies.")
    sys.exit(1 if check_only and changed else 0)


def _file_option(name: str, help_text: str) -> Callable[[F], F]:
    kind = click.Path(dir_okay=False, path_type=Path)
    return click.option(name, type=kind, default=None, help=help_text)


@cli.command()
@data_option
@_file_option("--state", "State file to read and update (default: <data>/check-state.json).")
@click.option("--only", multiple=True, metavar="SLUG", help="Check only this entry (repeatable).")
@_file_option("--report", "Write the JSON report of this run to FILE.")
@_file_option("--summary", "Write a Markdown health summary to FILE (for CI job pages).")
@click.option("--allow-private", is_flag=True, help="Allow private and loopback targets.")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 1000),
    default=128,
    show_default=True,
    help="Requests in flight at once, over all hosts (one per host at most).",
)
@click.option(
    "--delay",
    type=click.FloatRange(0, 60),
    default=1.0,
    show_default=True,
    help="Seconds between two requests to the same host.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 30),
    default=15.0,
    show_default=True,
    help="Total deadline of one request in seconds, body included.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 5),
    default=2,
    show_default=True,
    help="Extra attempts after a timeout, a reset, a 5xx or a 429.",
)
@click.option(
    "--active-days",
    type=click.IntRange(1),
    default=30,
    show_default=True,
    help="Last activity at most this many days ago: active.",
)
@click.option(
    "--dormant-days",
    type=click.IntRange(1),
    default=180,
    show_default=True,
    help="Last activity more than this many days ago: dormant.",
)
@click.option(
    "--processes",
    type=click.IntRange(0, 16),
    default=0,
    show_default=True,
    help="Worker processes; 0 picks one per core for large lists.",
)
@click.option(
    "--resolve",
    multiple=True,
    metavar="HOST:ADDRESS",
    help="Connect to ADDRESS for HOST instead of asking DNS (repeatable).",
)
@click.option(
    "--archive-api",
    metavar="URL",
    default="https://archive.org/wayback/available",
    show_default=True,
    help="Wayback Machine availability API asked for archived copies of failing, dead and "
    "moved entries; '' turns the lookups off.",
)
@click.option(
    "--shard",
    metavar="K/N",
    default=None,
    help="Check only the hosts of shard K of N (a stable hash of the host name).",
)
@click.option(
    "--now",
    metavar="TIMESTAMP",
    default=None,
    help="The run's clock (ISO 8601, e.g. 2026-11-25T03:00:00Z), for tests and replays.",
)
def check(
    data_dir: Path,
    state: Path | None,
    only: tuple[str, ...],
    report: Path | None,
    summary: Path | None,
    resolve: tuple[str, ...],
    shard: str | None,
    now: str | None,
    **limits: Any,
) -> None:
    """Probe every community's link and activity and update the checker's state.

    Dead links are data, not a failure: the command exits 0 whenever the run completed, and 3
    when it was inconclusive (most hosts failed at the network level: the runner's fault).
    """
    from generator.checking import UnknownSlugError, check_communities
    from generator.checking.progress import summary_lines
    from generator.checking.run import shifted_clock

    options = _check_options(resolve, limits)
    part = _shard(shard)
    clock = shifted_clock(_timestamp(now)) if now else None

    def check_all() -> Any:
        try:
            return check_communities(
                data_dir,
                state_path=state,
                only=only,
                options=options,
                report_path=report,
                summary_path=summary,
                on_progress=_progress_printer(sys.stderr.isatty()),
                shard=part,
                clock=clock,
            )
        except UnknownSlugError as error:
            raise click.UsageError(f"--only: {error}") from None

    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        result = run(check_all)
    except KeyboardInterrupt:
        click.echo("\nInterrupted: the state keeps every entry checked so far.", err=True)
        sys.exit(1)
    finally:
        signal.signal(signal.SIGTERM, previous)
    for problem in result.problems:
        click.echo(f"Warning: {problem}", err=True)
    for line in summary_lines(result):
        click.echo(line)
    sys.exit(3 if result.inconclusive else 0)


def _timestamp(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO 8601 time", param_hint="--now") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _shard(text: str | None) -> Any:
    from generator.sharding import ShardError, parse_shard

    try:
        return parse_shard(text) if text is not None else None
    except ShardError as error:
        raise click.BadParameter(str(error), param_hint="--shard") from None


@cli.group()
def state() -> None:
    """Work with the checker's state files."""


@state.command("merge")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("states", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def merge_command(out: Path, states: tuple[Path, ...]) -> None:
    """Merge the states of the N `check --shard K/N` runs of one night into OUT.

    The result is the state one unsharded run would have written.
    """
    from generator.checking.statefile import merge_state_files

    count = run(lambda: merge_state_files(out, states))
    click.echo(f"Merged {len(states)} shard states ({count} communities) into {out}.")


def _check_options(resolve: tuple[str, ...], limits: dict[str, Any]) -> Any:
    from generator.checking import CheckOptions

    addresses: dict[str, tuple[str, ...]] = {}
    for item in resolve:
        host, _, address = item.partition(":")
        if not host or not address:
            raise click.BadParameter(f"{item!r} is not HOST:ADDRESS", param_hint="--resolve")
        addresses[host.lower()] = (*addresses.get(host.lower(), ()), address.strip("[]"))
    try:
        return CheckOptions(resolve=addresses, **limits)
    except ValueError as error:
        raise click.UsageError(str(error)) from None


def _progress_printer(tty: bool) -> Callable[[Any], None]:
    from generator.checking.progress import Throttle, bar_line, plain_line

    throttle = Throttle(0.1 if tty else 10.0)

    def show(progress: Any) -> None:
        if not throttle.due(progress):
            return
        if tty:
            last = progress.done == progress.total
            click.echo(f"\r{bar_line(progress)}\x1b[K", nl=last, err=True)
        else:
            click.echo(plain_line(progress), err=True)

    return show


def _interrupt(signum: int, frame: Any) -> None:
    # A CI timeout sends SIGTERM: stop like Ctrl-C so the state is saved on the way out.
    raise KeyboardInterrupt


T = TypeVar("T")


def run(action: Callable[[], T]) -> T:
    """Run a library call; turn our errors into messages and exit 1 (no traceback)."""
    try:
        return action()
    except DataError as error:
        report_problems(error)
    except BigListError as error:
        # Our messages may span lines; what they echo may not split, colour or forge one.
        click.echo("Error: " + "\n".join(map(shown, str(error).split("\n"))), err=True)
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
