"""`shieldwall gateway config`: a hardened API gateway generated from the service map."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from shieldwall.cli.errors import handle_errors
from shieldwall.cli.option_groups import option_group
from shieldwall.errors import UsageError
from shieldwall.gateway.generate import TARGETS, generate
from shieldwall.gateway.plan import PLATFORMS, GatewayOptions, parse_endpoint, parse_pairs
from shieldwall.model.display import display_text
from shieldwall.sources.safe_files import check_target, write_atomic

_DEFAULTS = GatewayOptions()


def _modsecurity_installed(options: GatewayOptions) -> bool:
    return all(
        Path(p).exists() for p in (options.modsecurity_module, options.crs_setup, options.crs_rules)
    )


# What the gateway generates and where it serves TLS.
SERVER = option_group(
    click.option("--target", type=click.Choice(TARGETS), default="nginx", show_default=True),
    click.option(
        "-o",
        "--output",
        "output",
        required=True,
        type=click.Path(path_type=Path),
        help="Folder to write nginx.conf, modsecurity.conf (and kubernetes.yaml) into.",
    ),
    click.option("--server-name", default=_DEFAULTS.server_name, show_default=True),
    click.option(
        "--listen",
        default=_DEFAULTS.listen,
        show_default=True,
        metavar="[IPV4:]PORT",
        help="Where the TLS server listens.",
    ),
    click.option(
        "--http-listen",
        default=_DEFAULTS.http_listen,
        show_default=True,
        metavar="[IPV4:]PORT|off",
        help="Plain HTTP that redirects to HTTPS, or off.",
    ),
    click.option("--tls-cert", default=_DEFAULTS.tls_cert, show_default=True),
    click.option("--tls-key", default=_DEFAULTS.tls_key, show_default=True),
    click.option(
        "--upstream-ca",
        default=_DEFAULTS.upstream_ca,
        show_default=True,
        help="CA bundle that verifies upstreams served over TLS.",
    ),
)

# Who may pass: shieldwall's decisions endpoint.
DECISIONS = option_group(
    click.option(
        "--decisions-url",
        default=_DEFAULTS.decisions_url,
        show_default=True,
        help="shieldwall's auth_request endpoint (2xx allow, 401/403 deny), or off.",
    ),
    click.option(
        "--decisions-unreachable",
        type=click.Choice(["allow", "deny"]),
        default="allow",
        show_default=True,
        help="What to do with requests while shieldwall is down.",
    ),
)

# ModSecurity and the OWASP Core Rule Set.
WAF = option_group(
    click.option(
        "--modsecurity",
        type=click.Choice(["auto", "on", "off"]),
        default="auto",
        show_default=True,
        help="ModSecurity with the OWASP CRS; auto: when the module and CRS are installed here.",
    ),
    click.option("--modsecurity-module", default=_DEFAULTS.modsecurity_module, show_default=True),
    click.option("--crs-setup", default=_DEFAULTS.crs_setup, show_default=True),
    click.option("--crs-rules", default=_DEFAULTS.crs_rules, show_default=True),
)

# Where the running nginx keeps its files.
FOLDERS = option_group(
    click.option(
        "--conf-dir",
        default=_DEFAULTS.conf_dir,
        show_default=True,
        help="Where the generated files live when nginx runs.",
    ),
    click.option("--log-dir", default=_DEFAULTS.log_dir, show_default=True),
    click.option(
        "--run-dir",
        default=_DEFAULTS.run_dir,
        show_default=True,
        help="Writable folder for the pid file and temporary files.",
    ),
)

# Request sizes and rates, and the proxies trusted for client addresses.
LIMITS = option_group(
    click.option("--max-body", default=_DEFAULTS.max_body, show_default=True),
    click.option(
        "--api-rate",
        default=_DEFAULTS.api_rate,
        show_default=True,
        help="Requests per client on every route.",
    ),
    click.option(
        "--auth-rate",
        default=_DEFAULTS.auth_rate,
        show_default=True,
        help="Requests per client on authentication routes (login, token...).",
    ),
    click.option(
        "--trusted-proxy",
        multiple=True,
        metavar="CIDR",
        help="Load balancer whose X-Forwarded-For gives the client address. Repeatable.",
    ),
)

# Which services are routed, where, and to which address.
ROUTING = option_group(
    click.option(
        "--route-base",
        default=_DEFAULTS.route_base,
        show_default=True,
        help="Each service is routed at ROUTE_BASE/NAME/ unless --route says otherwise.",
    ),
    click.option("--route", multiple=True, metavar="NAME=/PATH/", help="Route of a service."),
    click.option(
        "--upstream",
        multiple=True,
        metavar="NAME=URL",
        help="Address of a service (http:// or https://), instead of the map's.",
    ),
    click.option(
        "--platform",
        type=click.Choice(PLATFORMS),
        default="auto",
        show_default=True,
        help="Which services of the map to route when it has both.",
    ),
)

# The Kubernetes manifest.
KUBERNETES = option_group(
    click.option("--namespace", default=None, help="Namespace of the Kubernetes manifest."),
    click.option(
        "--image",
        default=_DEFAULTS.image,
        show_default=True,
        help="nginx image of the Kubernetes manifest.",
    ),
)


@click.group("gateway")
def gateway() -> None:
    """A secure API gateway for the services of a system."""


@gateway.command("config")
@click.argument("path", type=click.Path(path_type=Path))
@SERVER
@DECISIONS
@WAF
@FOLDERS
@LIMITS
@ROUTING
@KUBERNETES
@click.option("-v", "--verbose", is_flag=True)
@handle_errors
def config(
    path: Path,
    target: str,
    output: Path,
    http_listen: str,
    decisions_url: str,
    decisions_unreachable: str,
    modsecurity: str,
    trusted_proxy: tuple[str, ...],
    route: tuple[str, ...],
    upstream: tuple[str, ...],
    verbose: bool,
    **values: str | None,
) -> None:
    """Generate a hardened gateway for the services of PATH."""
    endpoints = {
        name: parse_endpoint(url, f"--upstream {name}")
        for name, url in parse_pairs(upstream, "--upstream").items()
    }
    for name, (_, url_path) in endpoints.items():
        if url_path not in ("", "/"):
            raise UsageError(f"--upstream {name}: give no path", "the route is kept as it is")
    options = GatewayOptions(
        http_listen=None if http_listen == "off" else http_listen,
        decisions_fail_open=decisions_unreachable == "allow",
        decisions_url=None if decisions_url == "off" else decisions_url,
        trusted_proxies=trusted_proxy,
        routes=parse_pairs(route, "--route"),
        upstreams={name: endpoint for name, (endpoint, _) in endpoints.items()},
        **{k: v for k, v in values.items() if v is not None},  # type: ignore[arg-type]
    )
    if modsecurity != "on":
        wanted = modsecurity == "auto" and _modsecurity_installed(options)
        options = replace(options, modsecurity=wanted)
    if output.exists() and not output.is_dir():
        raise UsageError(f"{output} is not a folder", "give a folder for -o")
    result = generate(path, options, target)
    for name in result.files:
        check_target(output / name)
    for name, text in result.files.items():
        write_atomic(output / name, text.encode("utf-8"))
    for warning in result.warnings:
        click.secho(f"warning: {display_text(warning)}", fg="yellow", err=True)
    routes = ", ".join(f"{u.route} -> {u.name}" for u in result.upstreams)
    waf = "with ModSecurity + CRS" if options.modsecurity else "without ModSecurity"
    click.echo(
        f"gateway for {len(result.upstreams)} service(s) ({result.platform}, {waf}) "
        f"written to {display_text(str(output))}: {routes}",
        err=True,
    )
