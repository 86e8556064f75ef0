"""`shieldwall db update` and `shieldwall db status`: the local vulnerability database."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from shieldwall.cli.errors import handle_errors
from shieldwall.engine.vulndb import (
    DEFAULT_BASE,
    DEFAULT_ECOSYSTEMS,
    ENV_VAR,
    PROGRESS_BYTES,
    STALE_AFTER_DAYS,
    Database,
    ExportReport,
    Network,
    default_database_path,
    remove_leftovers,
    update_database,
)


class _RichProgress:
    """UpdateProgress drawn as Rich progress bars on standard error."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None
        self.is_bytes = False

    def begin(self, label: str, total: int | None) -> None:
        self.is_bytes = "download" in label
        self.task = self.progress.add_task(label, total=total, amount="")

    def _amount(self, done: int, total: int | None) -> str:
        if self.is_bytes:
            size = f"{done / 1e6:.1f}"
            return f"{size}/{total / 1e6:.1f} MB" if total else f"{size} MB"
        return f"{done}/{total}" if total is not None else str(done)

    def advance(self, done: int, total: int | None) -> None:
        if self.task is not None:
            amount = self._amount(done, total)
            self.progress.update(self.task, completed=done, total=total, amount=amount)

    def end(self) -> None:
        if self.task is not None:
            task = self.progress.tasks[-1]
            done = task.completed or 1
            self.progress.update(self.task, total=done, completed=done)
        self.task = None


@click.group()
def db() -> None:
    """The local vulnerability database (OSV) the deps analyzer matches against."""


@db.command("update")
@click.option(
    "--source",
    metavar="URL|DIR|ZIP",
    help=f"A mirror of OSV's bulk export (default: {DEFAULT_BASE}).",
)
@click.option(
    "--ecosystem",
    "ecosystems",
    multiple=True,
    metavar="NAME",
    help=f"Only these exports (default: those of {', '.join(DEFAULT_ECOSYSTEMS)} "
    "the source has). Repeatable.",
)
@click.option(
    "--allow-shrink",
    is_flag=True,
    help="Accept a source that has fewer than half the records the database holds "
    "for an ecosystem (refused by default: a truncated or hostile mirror).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=Network().timeout,
    show_default=True,
    metavar="SECONDS",
    help="Over HTTP: give up connecting, or on a download that brings under "
    f"{PROGRESS_BYTES // 1024} KiB, after this long.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=Network().retries,
    show_default=True,
    help="Over HTTP: try again this many times after a transient failure (waiting 1 s, 2 s...).",
)
@click.option("--quiet", is_flag=True, help="No progress bars.")
@click.option("-v", "--verbose", is_flag=True, help="Tracebacks and every bad record.")
@handle_errors
def db_update(
    source: str | None,
    ecosystems: tuple[str, ...],
    allow_shrink: bool,
    timeout: float,
    retries: int,
    quiet: bool,
    verbose: bool,
) -> None:
    """Download or refresh the database (atomic: a failure keeps the old one)."""
    path = default_database_path()
    console = Console(stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[amount]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, disable=quiet, transient=False) as bars:
        report = update_database(
            path,
            source,
            ecosystems or None,
            _RichProgress(bars),
            allow_shrink=allow_shrink,
            network=Network(timeout=timeout, retries=retries),
        )
    if report.rebuilt:
        click.echo(f"note: {report.rebuilt}", err=True)
    for export in report.exports:
        _print_export(export, verbose)
    click.echo(f"database {report.path} updated from {report.source}")


def _print_export(export: ExportReport, verbose: bool) -> None:
    """One export's line: its records, what changed, and its bad records."""
    line = f"{export.export}: {export.records} record(s) ({export.mode}"
    if export.mode != "unchanged":
        line += f", {export.imported} imported, {export.removed} removed"
    line += ")"
    if export.bad:
        line += f", {export.bad} bad record(s) not imported"
    click.echo(line)
    shown = export.problems if verbose else export.problems[:5]
    for problem in shown:
        click.echo(f"  bad record: {problem}", err=True)
    if len(export.problems) > len(shown):
        click.echo(f"  ... and {len(export.problems) - len(shown)} more (--verbose)", err=True)


@db.command("status")
@handle_errors
def db_status() -> None:
    """Where the database is, how old, and what it holds."""
    path = default_database_path()
    for leftover in remove_leftovers(path):
        click.echo(f"removed {leftover}, left by an interrupted update", err=True)
    if not path.is_file():
        click.echo(f"no vulnerability database at {path}")
        click.echo(f"create it with `shieldwall db update` (location: ${ENV_VAR} overrides)")
        return
    database = Database(path)
    status = database.status()
    database.close()
    click.echo(f"location:  {path}")
    if status.updated_at is not None:
        age = status.age_days(datetime.now(UTC)) or 0.0
        stale = " (stale: run `shieldwall db update`)" if age > STALE_AFTER_DAYS else ""
        click.echo(f"updated:   {status.updated_at:%Y-%m-%d %H:%M} UTC, {age:.1f} days ago{stale}")
    click.echo(f"source:    {status.source}")
    click.echo(f"advisories: {status.advisories}")
    for export in status.exports:
        bad = f", {export.bad} bad record(s) skipped" if export.bad else ""
        click.echo(
            f"  export {export.export:<12} {export.records:>7} record(s), "
            f"{export.mode} {export.updated_at:%Y-%m-%d}{bad}"
        )
    if status.ecosystems:
        click.echo("by ecosystem (advisories naming a package):")
        for ecosystem, count in status.ecosystems:
            click.echo(f"  {ecosystem:<20} {count:>7}")
