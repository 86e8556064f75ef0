"""`shieldwall` commands."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from shieldwall import __version__
from shieldwall.cli import exit_codes
from shieldwall.cli.output import ReportTarget, check_report_targets, parse_format, write_reports
from shieldwall.cli.paths import scan_paths
from shieldwall.engine.analyzers import ANALYZERS
from shieldwall.engine.baseline import DEFAULT_NAME, baseline_text
from shieldwall.engine.gate import gate_fails
from shieldwall.engine.redaction import redact_text
from shieldwall.engine.rules import rule_catalog
from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.errors import ShieldwallError, UsageError
from shieldwall.formats.registry import names as format_names
from shieldwall.model import Severity
from shieldwall.sources.safe_files import check_target, write_atomic

F = TypeVar("F", bound=Callable[..., Any])
SEVERITIES = [s.value for s in Severity] + ["none"]


def _print_traceback() -> None:
    import traceback  # only with --verbose on failure: costs start-up time otherwise

    click.echo(redact_text(traceback.format_exc()).rstrip("\n"), err=True)


def _err(message: str, hint: str = "") -> None:
    click.secho(f"error: {redact_text(message)}", fg="red", err=True)
    if hint:
        click.echo(f"hint: {redact_text(hint)}", err=True)


def handle_errors(fn: F) -> F:
    """Turn errors into messages and exit codes; tracebacks only with --verbose."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        verbose = bool(kwargs.get("verbose"))
        try:
            return fn(*args, **kwargs)
        except UsageError as exc:
            _err(exc.message, exc.hint)
            sys.exit(exit_codes.USAGE)
        except ShieldwallError as exc:
            if verbose:
                _print_traceback()
            _err(exc.message, exc.hint)
            sys.exit(exit_codes.TOOL_FAILED)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:
            if verbose:
                _print_traceback()
            _err(
                f"shieldwall failed: {type(exc).__name__}: {exc}",
                "run again with --verbose for the traceback and report it as a bug",
            )
            sys.exit(exit_codes.TOOL_FAILED)

    return wrapper  # type: ignore[return-value]


class _Commands(click.Group):
    """Commands defined in other modules are imported when used, so that `scan`
    does not pay for loading the SBOM, database and map code."""

    _LAZY: dict[str, tuple[str, str]] = {
        "db": ("shieldwall.cli.db", "db"),
        "map": ("shieldwall.cli.map", "map_command"),
        "sbom": ("shieldwall.cli.sbom", "sbom"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self._LAZY])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self._LAZY:
            module, attr = self._LAZY[cmd_name]
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="shieldwall")
def cli() -> None:
    """Security checks for containerised microservices, from CI to runtime."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    help="The repository to scan, when PATHS name only some of its files (pre-commit).",
)
@click.option(
    "--analyzers",
    metavar="LIST",
    help=f"Comma-separated analyzers to run (default: all). Available: {', '.join(ANALYZERS)}.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    metavar="FMT[:FILE]",
    help=f"Report format ({', '.join(format_names())}), optionally written to FILE. Repeatable.",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default=None,
    help="Fail (exit 1) on unsuppressed findings at or above this severity. Default: high.",
)
@click.option(
    "--baseline", type=click.Path(path_type=Path), help="Only fail on findings not in it."
)
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB.")
@click.option(
    "--config",
    type=click.Path(path_type=Path),
    help="Config file to use instead of the scanned repository's .shieldwall.yaml.",
)
@click.option(
    "--no-repo-config",
    is_flag=True,
    help="Ignore the scanned repository's .shieldwall.yaml and its inline ignore comments.",
)
@click.option("--max-file-size", type=int, metavar="BYTES", help="Skip files larger than this.")
@click.option("--history", is_flag=True, help="Also scan every commit's added lines for secrets.")
@click.option("--since", metavar="REF", help="With --history: only commits after REF.")
@click.option("--verify", is_flag=True, help="Check found credentials against their provider.")
@click.option("--offline", is_flag=True, help="Never use the network (local databases only).")
@click.option("--no-color", is_flag=True, help="Plain text output.")
@click.option("-v", "--verbose", is_flag=True, help="Tracebacks and details on errors.")
@handle_errors
def scan(
    paths: tuple[Path, ...],
    root: Path | None,
    analyzers: str | None,
    formats: tuple[str, ...],
    fail_on: str | None,
    baseline: Path | None,
    exclude: tuple[str, ...],
    config: Path | None,
    no_repo_config: bool,
    max_file_size: int | None,
    history: bool,
    since: str | None,
    verify: bool,
    offline: bool,
    no_color: bool,
    verbose: bool,
) -> None:
    """Scan PATH (default: the current directory).

    With --root, scan that repository but report only on the files under PATHS."""
    targets = [parse_format(f) for f in formats] or [ReportTarget("text", None)]
    path, only = scan_paths(paths, root)
    check_report_targets(targets)
    options = ScanOptions(
        only=only,
        analyzers=analyzers,
        excludes=exclude,
        baseline=baseline,
        config=config,
        repo_config=not no_repo_config,
        max_file_bytes=max_file_size,
        verbose=verbose,
        history=history,
        since=since,
        verify=verify,
        offline=offline,
    )
    outcome = run_scan(path, options, target_label=str(path))
    write_reports(outcome, targets, color=not no_color, verbose=verbose)
    for warning in outcome.result.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    threshold: Severity | None
    if fail_on is not None:
        threshold = None if fail_on == "none" else Severity.parse(fail_on)
    elif outcome.config.fail_on_set:
        threshold = outcome.config.fail_on
        if threshold is None and outcome.config.origin == "repository":
            click.secho(
                f"warning: the scanned repository's {outcome.config.path} turns the gate off "
                "(fail_on: none); give --fail-on or --no-repo-config to decide it yourself",
                fg="yellow",
                err=True,
            )
    else:
        threshold = Severity.HIGH
    if outcome.result.errors:
        for error in outcome.result.errors:
            _err(error)
        sys.exit(exit_codes.TOOL_FAILED)
    if outcome.result.files_scanned == 0 and only:
        click.echo("no file to scan among those given: all are left out", err=True)
        sys.exit(exit_codes.OK)
    if outcome.result.files_scanned == 0 and not (history or since):  # history was input
        left_out = outcome.result.left_out_text()
        why = f"every file was left out: {left_out}" if left_out else "it holds no file to scan"
        hint = "check the path and the excludes"
        if outcome.result.repository.files_excluded:
            hint += "; --no-repo-config ignores the repository's .shieldwall.yaml"
        _err(f"no file scanned in {path}: {why}", hint)
        sys.exit(exit_codes.USAGE)
    sys.exit(exit_codes.FINDINGS if gate_fails(outcome.result, threshold) else exit_codes.OK)


@cli.command()
@click.argument("rule_id", required=False)
@handle_errors
def rules(rule_id: str | None) -> None:
    """List every rule, or show one rule's detail and remediation."""
    catalog = rule_catalog()
    if rule_id is None:
        width = max(len(r.id) for r in catalog)
        for r in catalog:
            click.echo(
                f"{r.id:<{width}}  {r.analyzer:<7} {r.control.value:<16} "
                f"{r.severity.value:<8} {r.title}"
            )
        return
    wanted = rule_id.upper()
    match = next((r for r in catalog if r.id == wanted), None)
    if match is None:
        raise UsageError(f"no rule {rule_id!r}", "list the rules with `shieldwall rules`")
    click.echo(f"{match.id}: {match.title}")
    click.echo(f"  analyzer:  {match.analyzer}")
    click.echo(f"  control:   {match.control.value}")
    click.echo(f"  severity:  {match.severity.value}")
    if match.cwe:
        click.echo(f"  cwe:       {', '.join(match.cwe)}")
    click.echo(f"\nWhy it matters:\n  {match.description}")
    click.echo(f"\nHow to fix:\n  {match.remediation}")
    if match.references:
        click.echo("\nReferences:")
        for ref in match.references:
            click.echo(f"  {ref}")


@cli.group()
def baseline() -> None:
    """Accept today's findings so that the gate fails only on new ones."""


@baseline.command("create")
@click.argument("path", default=".", type=click.Path(path_type=Path))
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), help=f"Default: PATH/{DEFAULT_NAME}"
)
@click.option("--analyzers", metavar="LIST")
@click.option("--exclude", multiple=True, metavar="GLOB")
@click.option("-v", "--verbose", is_flag=True)
@handle_errors
def baseline_create(
    path: Path, output: Path | None, analyzers: str | None, exclude: tuple[str, ...], verbose: bool
) -> None:
    """Write the current unsuppressed findings of PATH to a baseline file."""
    target = output or (path if path.is_dir() else path.parent) / DEFAULT_NAME
    check_target(target)
    outcome = run_scan(path, ScanOptions(analyzers=analyzers, excludes=exclude, verbose=verbose))
    if outcome.result.errors:
        for error in outcome.result.errors:
            _err(error)
        sys.exit(exit_codes.TOOL_FAILED)
    write_atomic(target, baseline_text(outcome.result.findings).encode("utf-8"))
    count = len(outcome.result.active)
    click.echo(f"baseline with {count} finding(s) written to {target}", err=True)




def main() -> None:
    cli(prog_name="shieldwall")
