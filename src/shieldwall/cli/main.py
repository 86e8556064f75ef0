"""`shieldwall` commands."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from shieldwall import __version__
from shieldwall.cli import exit_codes, scan_options
from shieldwall.cli.errors import error as _err
from shieldwall.cli.errors import handle_errors
from shieldwall.cli.output import (
    Display,
    ReportTarget,
    check_report_targets,
    parse_format,
    parse_severities,
    write_reports,
)
from shieldwall.cli.paths import scan_paths
from shieldwall.cli.progress import scan_progress
from shieldwall.cli.summary import summary_line
from shieldwall.cli.terminal import exit_broken_pipe, flush_stdout, no_color_env
from shieldwall.engine.baseline import DEFAULT_NAME, baseline_text
from shieldwall.engine.rules import rule_catalog
from shieldwall.engine.scanner import Scan as ScanOutcome
from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.errors import UsageError
from shieldwall.model.display import display_text
from shieldwall.sources.safe_files import check_target, write_atomic

if TYPE_CHECKING:
    from shieldwall.cli.serve import ServerLink


class _Commands(click.Group):
    """Commands defined in other modules are imported when used, so that `scan`
    does not pay for loading the SBOM, database and map code."""

    _LAZY: dict[str, tuple[str, str]] = {
        "admission": ("shieldwall.cli.admission", "admission"),
        "bouncers": ("shieldwall.cli.bouncers", "bouncers"),
        "db": ("shieldwall.cli.db", "db"),
        "decisions": ("shieldwall.cli.decisions", "decisions"),
        "gateway": ("shieldwall.cli.gateway", "gateway"),
        "map": ("shieldwall.cli.map", "map_command"),
        "policy": ("shieldwall.cli.policy", "policy"),
        "sbom": ("shieldwall.cli.sbom", "sbom"),
        "schema": ("shieldwall.cli.schema", "schema"),
        "watch": ("shieldwall.cli.watch", "watch"),
        "serve": ("shieldwall.cli.serve", "serve"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self._LAZY])

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # a command without handle_errors: the same quiet exit
            exit_broken_pipe()

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
@scan_options.TARGET
@scan_options.GATE
@scan_options.FILES
@scan_options.CHANGES
@scan_options.RULES
@scan_options.OUTPUT
@scan_options.SERVICE
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
    diff_base: str | None,
    rule: tuple[str, ...],
    skip_rule: tuple[str, ...],
    verify: bool,
    offline: bool,
    max_db_age: float | None,
    severity: str | None,
    quiet: bool,
    no_progress: bool,
    no_color: bool,
    verbose: bool,
    path_prefix: str | None,
    include_suppressed: bool,
    server: str | None = None,
    upload: str | None = None,
    project: str | None = None,
    branch: str | None = None,
    commit: str | None = None,
) -> None:
    """Scan PATH (default: the current directory).

    With --root, scan that repository but report only on the files under PATHS."""
    targets = [parse_format(f) for f in formats] or [ReportTarget("text", None)]
    _check_history_flags(history, since, diff_base)
    display = Display(parse_severities(severity), quiet)
    path, only = scan_paths(paths, root)
    check_report_targets(targets)
    link = _server_link(server, upload, project, branch, commit)
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
        diff_base=diff_base,
        rules=rule,
        skip_rules=skip_rule,
        fail_on=fail_on,
        max_db_age_days=max_db_age,
        server_decisions=link.decisions() if link else {},
    )
    with scan_progress(disabled=no_progress or quiet) as progress:
        outcome = run_scan(path, options, target_label=str(path), progress=progress)
    color = not no_color and not no_color_env()
    write_reports(outcome, targets, color, verbose, path_prefix, include_suppressed, display)
    _exit(outcome, targets, link, path, bool(only), history or bool(since), verbose)


def _check_history_flags(history: bool, since: str | None, diff_base: str | None) -> None:
    if since is not None and not history:
        raise UsageError("--since works with --history", "add --history, or drop --since")
    if diff_base is not None and history:
        raise UsageError(
            "--diff-base compares the working tree; --history scans commits",
            "run two scans: --diff-base REF, and --history --since REF",
        )


def _server_link(
    server: str | None,
    upload: str | None,
    project: str | None,
    branch: str | None,
    commit: str | None,
) -> ServerLink | None:
    if not (server or upload):
        return None
    from shieldwall.cli.serve import ServerLink  # the service's client only when asked

    return ServerLink(server, upload, project, branch, commit)


def _exit(
    outcome: ScanOutcome,
    targets: list[ReportTarget],
    link: ServerLink | None,
    path: Path,
    only: bool,
    history: bool,
    verbose: bool,
) -> NoReturn:
    """Warnings, the upload, the summary and errors on stderr; then the exit code."""
    for warning in outcome.result.warnings:
        click.secho(f"warning: {display_text(warning)}", fg="yellow", err=True)
    failed = outcome.result.gate.failed
    if link is not None and not link.upload(outcome.result, path) and not failed:
        sys.exit(exit_codes.TOOL_FAILED)  # the gate passed but the service lost this scan
    if all(t.file is not None for t in targets):
        files = [t.file for t in targets if t.file is not None]
        summary = summary_line(outcome.result, outcome.result.gate.fail_on, failed, files)
        click.echo(summary, err=True)
    if outcome.result.errors:
        for error in outcome.result.errors:
            _err(error, keep_lines=verbose)
        sys.exit(exit_codes.TOOL_FAILED)
    if outcome.result.files_scanned == 0 and only:
        click.echo("no file to scan among those given: all are left out", err=True)
        sys.exit(exit_codes.OK)
    if outcome.result.files_scanned == 0 and not history:  # history was input
        left_out = outcome.result.left_out_text()
        why = f"every file was left out: {left_out}" if left_out else "it holds no file to scan"
        hint = "check the path and the excludes"
        if outcome.result.repository.files_excluded:
            hint += "; --no-repo-config ignores the repository's .shieldwall.yaml"
        _err(f"no file scanned in {path}: {why}", hint)
        sys.exit(exit_codes.USAGE)
    sys.exit(exit_codes.FINDINGS if failed else exit_codes.OK)


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
@click.option("--offline", is_flag=True, help="Go on without a vulnerability database.")
@click.option("-v", "--verbose", is_flag=True)
@handle_errors
def baseline_create(
    path: Path,
    output: Path | None,
    analyzers: str | None,
    exclude: tuple[str, ...],
    offline: bool,
    verbose: bool,
) -> None:
    """Write the current unsuppressed findings of PATH to a baseline file."""
    target = output or (path if path.is_dir() else path.parent) / DEFAULT_NAME
    check_target(target)
    # Every finding, none summed up: a baseline must accept each one by its fingerprint.
    options = ScanOptions(
        analyzers=analyzers,
        excludes=exclude,
        verbose=verbose,
        max_per_file_rule=None,
        offline=offline,
        new_baseline=target,
    )
    outcome = run_scan(path, options)
    for warning in outcome.result.warnings:
        click.secho(f"warning: {display_text(warning)}", fg="yellow", err=True)
    if outcome.result.errors:
        for error in outcome.result.errors:
            _err(error, keep_lines=verbose)
        sys.exit(exit_codes.TOOL_FAILED)
    write_atomic(target, baseline_text(outcome.result.findings).encode("utf-8"))
    count = len(outcome.result.active)
    click.echo(f"baseline with {count} finding(s) written to {target}", err=True)


def main() -> None:
    try:
        cli(prog_name="shieldwall", color=False if no_color_env() else None)
    except SystemExit:
        flush_stdout()
        raise
