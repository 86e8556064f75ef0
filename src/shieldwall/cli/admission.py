"""`shieldwall admission serve|manifests`: the deploy phase's webhook."""

from __future__ import annotations

import signal
from pathlib import Path

import click

from shieldwall.cli.errors import handle_errors


@click.group("admission")
def admission() -> None:
    """Kubernetes admission webhook running the same rules as `scan`."""


@admission.command("serve")
@click.option("--tls-cert", type=click.Path(path_type=Path), required=True, help="PEM certificate.")
@click.option("--tls-key", type=click.Path(path_type=Path), required=True, help="PEM private key.")
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")  # noqa: S104
@click.option("--port", type=int, default=8443, show_default=True)
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Policy file (.shieldwall.yaml): exceptions with expiry, fail_on, gateway.",
)
@click.option(
    "--default-mode",
    type=click.Choice(["enforce", "warn", "audit"]),
    default="enforce",
    show_default=True,
    help="What a failing object gets in namespaces no --mode names.",
)
@click.option(
    "--mode",
    "modes",
    multiple=True,
    metavar="NS=MODE",
    help="Mode of the namespaces matching the glob NS: enforce, warn or audit.",
)
@click.option(
    "--mutate",
    multiple=True,
    metavar="NS",
    help="Namespaces (globs) where /mutate sets secure defaults left unset.",
)
@click.option(
    "--in-cluster/--no-cluster",
    default=False,
    help="Watch the API server for the cross-resource rules (needs the RBAC of the manifests).",
)
@click.option("--rule", "rules", multiple=True, metavar="ID", help="Judge with these rules only.")
@click.option("--skip-rule", "skip_rules", multiple=True, metavar="ID", help="Never these rules.")
@click.option(
    "--fail-on",
    type=click.Choice(["critical", "high", "medium", "low", "info", "none"]),
    help="Deny at or above this severity (default: the config's fail_on, else high).",
)
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds per request.")
@click.option("-v", "--verbose", is_flag=True, help="Tracebacks on errors.")
@handle_errors
def serve(
    tls_cert: Path,
    tls_key: Path,
    host: str,
    port: int,
    config: Path | None,
    default_mode: str,
    modes: tuple[str, ...],
    mutate: tuple[str, ...],
    in_cluster: bool,
    rules: tuple[str, ...],
    skip_rules: tuple[str, ...],
    fail_on: str | None,
    timeout: float,
    verbose: bool,
) -> None:
    """Serve POST /validate and /mutate (admission.k8s.io/v1) over HTTPS, with
    /healthz, /readyz and Prometheus /metrics."""
    from shieldwall.admission.run import build_server

    server = build_server(
        cert=tls_cert,
        key=tls_key,
        host=host,
        port=port,
        config=config,
        default_mode=default_mode,
        modes=modes,
        mutate=mutate,
        in_cluster=in_cluster,
        timeout=timeout,
        rules=rules,
        skip_rules=skip_rules,
        fail_on=fail_on,
    )
    signal.signal(signal.SIGTERM, lambda *_: server.shutdown_soon())
    server.serve_forever()


@admission.command("manifests")
@click.option("--namespace", default="shieldwall", show_default=True)
@click.option("--image", default="ghcr.io/shieldwall/shieldwall:0.1.0", show_default=True)
@click.option(
    "--ca-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Generate a CA and serving certificate there (instead of cert-manager) and embed the "
    "CA bundle; create the tls Secret from the files as printed in the output.",
)
@click.option("-v", "--verbose", is_flag=True, help="Tracebacks on errors.")
@handle_errors
def manifests(namespace: str, image: str, ca_dir: Path | None, verbose: bool) -> None:
    """Print the install manifests: hardened Deployment, PodDisruptionBudget,
    Service, ServiceAccount with least RBAC, ValidatingWebhookConfiguration."""
    from shieldwall.admission.manifests import install_manifests

    click.echo(install_manifests(namespace, image, ca_dir), nl=False)
