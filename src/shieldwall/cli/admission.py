"""`shieldwall admission serve|manifests`: the deploy phase's webhook."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from shieldwall.cli.errors import handle_errors
from shieldwall.cli.option_groups import option_group
from shieldwall.errors import UsageError

if TYPE_CHECKING:
    from shieldwall.service.client import DecisionFeed


# Where the webhook listens, with its TLS certificate.
LISTEN = option_group(
    click.option(
        "--tls-cert", type=click.Path(path_type=Path), required=True, help="PEM certificate."
    ),
    click.option(
        "--tls-key", type=click.Path(path_type=Path), required=True, help="PEM private key."
    ),
    click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on."),  # noqa: S104
    click.option("--port", type=int, default=8443, show_default=True),
)

# What is judged, how strictly, and in which namespaces.
POLICY = option_group(
    click.option(
        "--config",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Policy file (.shieldwall.yaml): exceptions with expiry, fail_on, gateway.",
    ),
    click.option(
        "--default-mode",
        type=click.Choice(["enforce", "warn", "audit"]),
        default="enforce",
        show_default=True,
        help="What a failing object gets in namespaces no --mode names.",
    ),
    click.option(
        "--mode",
        "modes",
        multiple=True,
        metavar="NS=MODE",
        help="Mode of the namespaces matching the glob NS: enforce, warn or audit.",
    ),
    click.option(
        "--mutate",
        multiple=True,
        metavar="NS",
        help="Namespaces (globs) where /mutate sets secure defaults left unset.",
    ),
    click.option(
        "--in-cluster/--no-cluster",
        default=False,
        help="Watch the API server for the cross-resource rules (needs the RBAC of the manifests).",
    ),
    click.option(
        "--rule", "rules", multiple=True, metavar="ID", help="Judge with these rules only."
    ),
    click.option(
        "--skip-rule", "skip_rules", multiple=True, metavar="ID", help="Never these rules."
    ),
    click.option(
        "--fail-on",
        type=click.Choice(["critical", "high", "medium", "low", "info", "none"]),
        help="Deny at or above this severity (default: the config's fail_on, else high).",
    ),
    click.option(
        "--timeout", type=float, default=10.0, show_default=True, help="Seconds per request."
    ),
)

# The triage of a findings service.
TRIAGE = option_group(
    click.option(
        "--server",
        metavar="URL",
        help="Apply the triage of this findings service (token: $SHIELDWALL_TOKEN); cached, "
        "and an unreachable service never turns a deny into an allow.",
    ),
    click.option("--project", metavar="NAME", help="With --server: the service's project."),
    click.option(
        "--server-every",
        type=click.FloatRange(5, 86400),
        default=60.0,
        show_default=True,
        help="Seconds between pulls of the triage.",
    ),
)


@click.group("admission")
def admission() -> None:
    """Kubernetes admission webhook running the same rules as `scan`."""


@admission.command("serve")
@LISTEN
@POLICY
@TRIAGE
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
    server: str | None,
    project: str | None,
    server_every: float,
    verbose: bool,
) -> None:
    """Serve POST /validate and /mutate (admission.k8s.io/v1) over HTTPS, with
    /healthz, /readyz and Prometheus /metrics."""
    from shieldwall.admission.run import build_server

    feed = _triage_feed(server, project, server_every)
    webhook_server = build_server(
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
        decisions=feed.current if feed is not None else None,
    )
    signal.signal(signal.SIGTERM, lambda *_: webhook_server.shutdown_soon())
    webhook_server.serve_forever()


def _triage_feed(server: str | None, project: str | None, every: float) -> DecisionFeed | None:
    """The findings service's triage, pulled now and every `every` seconds."""
    if server is None:
        return None
    if not project:
        raise UsageError("--server needs --project NAME", "name the project on the service")
    import os

    from shieldwall.service.client import DecisionFeed

    feed = DecisionFeed(
        server,
        project,
        os.environ.get("SHIELDWALL_TOKEN", ""),
        every=every,
        warn=lambda text: click.secho(f"warning: {text}", fg="yellow", err=True),
    )
    feed.start()
    return feed


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
