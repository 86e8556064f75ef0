"""`shieldwall sbom`: the components of every lock file as a CycloneDX or SPDX SBOM."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import click

from shieldwall.analyzers.deps import collect, markers
from shieldwall.analyzers.deps.osv.matcher import Advisory, open_default_matcher
from shieldwall.analyzers.deps.osv.severity import score_vector
from shieldwall.cli import exit_codes
from shieldwall.engine.project_config import find_config, load_config
from shieldwall.engine.redaction import redact_components, redact_purl, redact_text
from shieldwall.errors import ShieldwallError, UsageError
from shieldwall.formats import cyclonedx, spdx
from shieldwall.formats.sbom import SbomVulnerability
from shieldwall.model import Component, Settings
from shieldwall.sources.safe_files import check_target, write_atomic
from shieldwall.sources.tree import walk

FORMATS = ("cyclonedx-json", "spdx-json")


def _vulnerabilities(pairs: Iterable[tuple[Component, Advisory]]) -> list[SbomVulnerability]:
    """One entry per advisory, affecting every component it matched."""
    by_id: dict[str, SbomVulnerability] = {}
    for component, advisory in pairs:
        purl = redact_purl(component.purl)  # as the component list shows it
        known = by_id.get(advisory.id)
        if known is not None:
            if purl not in known.affects:
                by_id[advisory.id] = replace(known, affects=(*known.affects, purl))
            continue
        vector = advisory.cvss_vector or ""
        by_id[advisory.id] = SbomVulnerability(
            id=advisory.id,
            affects=(purl,),
            aliases=advisory.aliases,
            severity=advisory.severity,
            score=score_vector("", vector) if vector else None,
            vector=vector,
            summary=advisory.summary,
            detail=advisory.details,
            fixed=advisory.fixed_versions,
            references=advisory.references,
        )
    return sorted(by_id.values(), key=lambda v: v.id)


def _error(exc: ShieldwallError) -> None:
    click.secho(f"error: {redact_text(exc.message)}", fg="red", err=True)
    if exc.hint:
        click.echo(f"hint: {redact_text(exc.hint)}", err=True)
    sys.exit(exit_codes.USAGE if isinstance(exc, UsageError) else exit_codes.TOOL_FAILED)


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
def sbom(
    path: Path,
    fmt: str,
    with_vulns: bool,
    output: Path | None,
    exclude: tuple[str, ...],
    python_version: str | None,
) -> None:
    """Write the SBOM of the lock files under PATH (default: the current directory).

    Packages whose environment markers (`; python_version < "3"`) do not hold
    for the target Python and platform are left out."""
    try:
        target = markers.target(python_version)
        if not path.exists():
            raise UsageError(f"{path} does not exist", "give a directory or file")
        if output is not None:
            check_target(output)
        if with_vulns and fmt != "cyclonedx-json":
            raise UsageError(
                "--with-vulns needs --format cyclonedx-json",
                "SPDX 2.3 has no place for vulnerabilities",
            )
        found = find_config(path) if path.is_dir() else None
        config = load_config(found, found.name) if found is not None else None
        excludes = (*(config.excludes if config else ()), *exclude)
        settings = config.settings if config else None
        max_bytes = settings.max_file_bytes if settings else 5 * 1024 * 1024
        tree = walk(path, excludes=excludes)
        deps = collect(tree, max_bytes)
        installed, left_out = markers.select(deps.components, target)
        components = redact_components(installed)
        for skipped in deps.skipped:
            click.echo(f"skipped {skipped.path}: {redact_text(skipped.reason)}", err=True)
        if left_out:
            click.echo(
                f"left out {left_out} component entries whose environment markers exclude "
                f"{target.label}",
                err=True,
            )
        name = tree.root.name or "project"
        if fmt == "spdx-json":
            text = spdx.render(components, name)
        else:
            vulns: list[SbomVulnerability] = []
            if with_vulns:
                # Missing: the error below; too old: a warning (an SBOM is not a gate).
                optional = replace(settings or Settings(), require_db=False)
                matcher, warning = open_default_matcher(optional)
                if matcher is None:
                    raise UsageError(
                        f"--with-vulns needs the vulnerability database ({warning})",
                        "run `shieldwall db update` first",
                    )
                if warning:
                    click.echo(f"warning: {warning}", err=True)
                vulns = _vulnerabilities(matcher.match([c for c in installed if c.pinned]))
            text = cyclonedx.render(components, name, vulns)
        if output is None:
            sys.stdout.write(text)
        else:
            write_atomic(output, text.encode("utf-8"))
            click.echo(
                f"{fmt} SBOM with {len(components)} component entries written to {output}",
                err=True,
            )
    except ShieldwallError as exc:
        _error(exc)
