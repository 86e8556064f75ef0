"""`shieldwall policy netpol|vap`: policies generated from what the system does
(the service map) and from the rules (ValidatingAdmissionPolicy)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from shieldwall.cli import exit_codes
from shieldwall.cli.errors import handle_errors
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


@policy.command("vap")
@click.argument("path", required=False, type=click.Path(path_type=Path, exists=True))
@click.option("--all", "all_rules", is_flag=True, help="Every rule that compiles.")
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write validating-admission-policies.yaml in DIR (default: print).",
)
@click.option("--list", "list_only", is_flag=True, help="List which rules compile, and stop.")
@click.option(
    "--deny-at",
    type=click.Choice(["critical", "high", "medium", "low", "info", "none"]),
    help="Deny at or above this severity, warn and audit below (default: the config's "
    "fail_on, else high).",
)
@click.option("-v", "--verbose", is_flag=True, help="Tracebacks on errors.")
@handle_errors
def vap(
    path: Path | None,
    all_rules: bool,
    out_dir: Path | None,
    list_only: bool,
    deny_at: str | None,
    verbose: bool,
) -> None:
    """Compile the object-local rules CEL can express into ValidatingAdmissionPolicy
    and ValidatingAdmissionPolicyBinding objects. With PATH: the rules none of PATH's
    manifests fail (enforcing them breaks nothing deployed from PATH), the deny
    threshold from its .shieldwall.yaml; with --all: every rule that compiles."""
    from shieldwall.admission.vap_select import select_policies

    if list_only:
        from shieldwall.admission.vap_select import compile_table

        click.echo(compile_table(), nl=False)
        return
    if (path is None) == (not all_rules):
        raise UsageError("give PATH or --all (not both)", "shieldwall policy vap --all")
    chosen = select_policies(path, deny_at)
    for note in chosen.left_out:
        click.echo(f"left out: {note}", err=True)
    if out_dir is not None:
        _write(out_dir, "validating-admission-policies.yaml", chosen.text)
    else:
        click.echo(chosen.text, nl=False)
    click.echo(f"{chosen.compiled} rule(s) compiled to ValidatingAdmissionPolicy", err=True)
