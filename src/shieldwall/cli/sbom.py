"""`shieldwall sbom`: the components of every lock file as a CycloneDX or SPDX SBOM."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from shieldwall.cli.errors import handle_errors
from shieldwall.engine.redaction import redact_text
from shieldwall.engine.sbom import FORMATS, build_sbom
from shieldwall.sources.safe_files import check_target, write_atomic


@click.command()
@click.argument("path", default=".", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="cyclonedx-json",
    show_default=True,
    help="SBOM format.",
)
@click.option(
    "--with-vulns",
    is_flag=True,
    help="Add the known vulnerabilities from the local database (CycloneDX only).",
)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to FILE, not stdout.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB.")
@click.option(
    "--python-version",
    metavar="X.Y",
    help="Evaluate environment markers for this Python (default: the running interpreter's).",
)
@click.option("-v", "--verbose", is_flag=True, help="Tracebacks on errors.")
@handle_errors
def sbom(
    path: Path,
    fmt: str,
    with_vulns: bool,
    output: Path | None,
    exclude: tuple[str, ...],
    python_version: str | None,
    verbose: bool,
) -> None:
    """Write the SBOM of the lock files under PATH (default: the current directory).

    Packages whose environment markers (`; python_version < "3"`) do not hold
    for the target Python and platform are left out."""
    if output is not None:
        check_target(output)
    outcome = build_sbom(path, fmt, with_vulns, exclude, python_version)
    for skipped in outcome.skipped:
        click.echo(f"skipped {skipped.path}: {redact_text(skipped.reason)}", err=True)
    if outcome.left_out:
        click.echo(
            f"left out {outcome.left_out} component entries whose environment markers exclude "
            f"{outcome.target}",
            err=True,
        )
    for warning in outcome.warnings:
        click.echo(f"warning: {warning}", err=True)
    if output is None:
        sys.stdout.write(outcome.text)
    else:
        write_atomic(output, outcome.text.encode("utf-8"))
        click.echo(
            f"{fmt} SBOM with {outcome.components} component entries written to {output}",
            err=True,
        )
