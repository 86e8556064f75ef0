"""`shieldwall policy netpol|vap`: policies generated from what the system does
(the service map) and from the rules (ValidatingAdmissionPolicy)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from shieldwall.cli import exit_codes
from shieldwall.cli.main import handle_errors
from shieldwall.errors import UsageError
from shieldwall.sources.safe_files import check_target, write_atomic


@click.group("policy")
def policy() -> None:
    """Generate least-privilege policies for Kubernetes."""


def _write(out_dir: Path, name: str, text: str) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / name
    check_target(target)
    write_atomic(target, text.encode("utf-8"))
    click.echo(f"wrote {target}", err=True)


@policy.command("netpol")
@click.argument("path", type=click.Path(path_type=Path, exists=True))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write one YAML file per namespace in DIR (default: print).",
)
@click.option(
    "--verify",
    is_flag=True,
    help="Re-scan PATH with the policies added: links kept, findings gone, no extra pair.",
)
@click.option("-v", "--verbose", is_flag=True, help="Tracebacks on errors.")
@handle_errors
def netpol(path: Path, out_dir: Path | None, verify: bool, verbose: bool) -> None:
    """Least-privilege NetworkPolicies for the Kubernetes workloads of PATH: a
    default-deny per namespace, and per workload exactly the links the service
    map found (ingress, egress) plus DNS."""
    from shieldwall.admission.netpol import generate
    from shieldwall.admission.netpol import verify as check

    generated = generate(path)
    if not generated.by_namespace:
        raise UsageError(f"no Kubernetes workload found under {path}", "give the manifests' folder")
    for note in generated.left_out:
        click.echo(f"left out: {note}", err=True)
    if out_dir is not None:
        for ns in generated.by_namespace:
            _write(out_dir, f"{ns}.yaml", generated.yaml(ns))
    else:
        click.echo("---\n".join(generated.yaml(ns) for ns in generated.by_namespace), nl=False)
    if verify:
        result = check(path, generated)
        click.echo(
            f"verify: {result.kept}/{result.links} links kept, {len(result.extra)} extra pair(s); "
            f"findings before {result.findings_before}, after {result.findings_after}",
            err=True,
        )
        for line in (*result.lost, *result.extra):
            click.echo(f"  {line}", err=True)
        if not result.ok:
            sys.exit(exit_codes.FINDINGS)
