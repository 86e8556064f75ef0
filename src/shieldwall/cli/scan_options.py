"""The options of `shieldwall scan`, in groups by subject; each group is one
decorator, and together they keep the order `scan --help` shows."""

from __future__ import annotations

from pathlib import Path

import click

from shieldwall.cli.option_groups import option_group
from shieldwall.engine.analyzers import ANALYZERS
from shieldwall.formats.registry import names as format_names
from shieldwall.model import Severity
from shieldwall.model.settings import parse_age

SEVERITIES = [s.value for s in Severity] + ["none"]


def _age(text: str) -> float:
    try:
        return parse_age(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


# What is scanned: the repository and the analyzers run on it.
TARGET = option_group(
    click.option(
        "--root",
        type=click.Path(path_type=Path, file_okay=False),
        help="The repository to scan, when PATHS name only some of its files (pre-commit).",
    ),
    click.option(
        "--analyzers",
        metavar="LIST",
        help=f"Comma-separated analyzers to run (default: all). Available: {', '.join(ANALYZERS)}.",
    ),
)

# The reports written and what fails the scan.
GATE = option_group(
    click.option(
        "--format",
        "formats",
        multiple=True,
        metavar="FMT[:FILE]",
        help=f"Report format ({', '.join(format_names())}), "
        "optionally written to FILE. Repeatable.",
    ),
    click.option(
        "--fail-on",
        type=click.Choice(SEVERITIES, case_sensitive=False),
        default=None,
        help="Fail (exit 1) on unsuppressed findings at or above this severity. Default: high.",
    ),
    click.option(
        "--baseline", type=click.Path(path_type=Path), help="Only fail on findings not in it."
    ),
)

# Which files are read, and which configuration applies.
FILES = option_group(
    click.option("--exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB."),
    click.option(
        "--config",
        type=click.Path(path_type=Path),
        help="Config file to use instead of the scanned repository's .shieldwall.yaml.",
    ),
    click.option(
        "--no-repo-config",
        is_flag=True,
        help="Ignore the scanned repository's .shieldwall.yaml and its inline ignore comments.",
    ),
    click.option("--max-file-size", type=int, metavar="BYTES", help="Skip files larger than this."),
)

# Commits and changed lines: history and pull-request mode.
CHANGES = option_group(
    click.option(
        "--history", is_flag=True, help="Also scan every commit's added lines for secrets."
    ),
    click.option("--since", metavar="REF", help="With --history: only commits after REF."),
    click.option(
        "--diff-base",
        metavar="REF",
        help="Report only findings on lines changed since the merge base of REF and HEAD "
        "(committed or not; pull-request mode).",
    ),
)

# Which rules run, credential checks and the vulnerability database.
RULES = option_group(
    click.option(
        "--rule",
        "rule",
        multiple=True,
        metavar="ID",
        help="Report only this rule (glob). Repeatable.",
    ),
    click.option("--skip-rule", multiple=True, metavar="ID", help="Leave out this rule (glob)."),
    click.option("--verify", is_flag=True, help="Check found credentials against their provider."),
    click.option(
        "--offline",
        is_flag=True,
        help="Never use the network; scan on without a vulnerability database (saying so).",
    ),
    click.option(
        "--max-db-age",
        metavar="AGE",
        callback=lambda _ctx, _param, value: None if value is None else _age(value),
        help="Fail (exit 2) when the vulnerability database is older: 7d, 36h, 2w. Default: 7d.",
    ),
)

# What the reports show and how the terminal looks.
OUTPUT = option_group(
    click.option(
        "--severity",
        metavar="LIST",
        help="Show only findings of these severities (e.g. critical,high) in every report; "
        "display only: the gate (--fail-on, exit code) still counts every finding.",
    ),
    click.option(
        "-q", "--quiet", is_flag=True, help="Text report: the summary line only; no progress."
    ),
    click.option("--no-progress", is_flag=True, help="No progress line on a terminal's stderr."),
    click.option("--no-color", is_flag=True, help="Plain text output."),
    click.option("-v", "--verbose", is_flag=True, help="Tracebacks and details on errors."),
    click.option("--path-prefix", metavar="PREFIX", help="SARIF: PATH's place in the repository."),
    click.option("--include-suppressed", is_flag=True, help="SARIF: list suppressed findings too."),
)

# A findings service: its triage applied, the report uploaded.
SERVICE = option_group(
    click.option(
        "--server", metavar="URL", help="Apply the triage of a findings service (cached)."
    ),
    click.option("--upload", metavar="URL", help="Send the JSON report to a findings service."),
    click.option(
        "--project", metavar="NAME", help="With --server/--upload: the service's project."
    ),
    click.option("--branch", metavar="NAME", help="With --upload: the branch (default: CI's)."),
    click.option("--commit", metavar="SHA", help="With --upload: the commit (default: HEAD)."),
)
