"""What a generated gateway routes: the upstream services of a service map.

An upstream is a service the map's gateway talks to, or one the internet reaches
(which should reach it only through the gateway). Datastores, the gateway itself
and services nothing outside calls are left out. Every value that comes from the
scanned repository is checked (`names.py`) before it is kept; one that fails
leaves its service out with a warning."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from shieldwall.errors import GatewayError
from shieldwall.gateway.names import (
    check_host,
    check_network,
    check_route,
    check_server_name,
    check_url_path,
    is_host,
    is_name,
    is_resource,
)
from shieldwall.model.display import display_text
from shieldwall.model.service_map import INTERNET, MapNode, ServiceMap

PLATFORMS = ("auto", "kubernetes", "compose")
_TLS_PORTS = frozenset({443, 8443, 9443})
_SIZE = re.compile(r"[1-9][0-9]{0,5}[km]?")
_RATE = re.compile(r"[1-9][0-9]{0,5}r/[sm]")
_LISTEN = re.compile(r"(?:(?P<addr>[0-9.]+):)?(?P<port>[0-9]{1,5})")


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where a service listens: scheme, host and port."""

    tls: bool
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class Upstream:
    name: str  # the service's name, also the upstream block's (after "upstream-")
    endpoint: Endpoint
    route: str  # the path prefix routed to it: /api/orders/
    source: str  # the map node it comes from ("" when only given on the command line)


@dataclass(frozen=True, slots=True)
class Listen:
    address: str  # "" for every address
    port: int

    def __str__(self) -> str:
        return f"{self.address}:{self.port}" if self.address else str(self.port)


@dataclass(frozen=True, slots=True)
class GatewayOptions:
    """How to generate the gateway; every value is checked by `checked()`."""

    server_name: str = "_"
    listen: str = "443"
    http_listen: str | None = "80"  # None: no plain-HTTP redirect server
    tls_cert: str = "/etc/nginx/tls/gateway.crt"
    tls_key: str = "/etc/nginx/tls/gateway.key"
    upstream_ca: str = "/etc/ssl/certs/ca-certificates.crt"
    decisions_url: str | None = "http://127.0.0.1:8081/v1/gateway/auth"  # None: no hook
    decisions_fail_open: bool = True
    modsecurity: bool = True
    modsecurity_module: str = "/usr/lib/nginx/modules/ngx_http_modsecurity_module.so"
    crs_setup: str = "/etc/modsecurity/crs/crs-setup.conf"
    crs_rules: str = "/usr/share/modsecurity-crs/rules"
    conf_dir: str = "/etc/nginx/shieldwall"
    log_dir: str = "/var/log/nginx"
    run_dir: str = "/var/lib/nginx/shieldwall"
    max_body: str = "1m"
    api_rate: str = "50r/s"
    auth_rate: str = "10r/m"
    trusted_proxies: tuple[str, ...] = ()
    route_base: str = "/api/"
    routes: Mapping[str, str] = field(default_factory=dict)
    upstreams: Mapping[str, Endpoint] = field(default_factory=dict)
    platform: str = "auto"
    namespace: str | None = None
    image: str = "shieldwall-gateway:1"

    def listen_at(self) -> Listen:
        return parse_listen(self.listen, "--listen")

    def http_listen_at(self) -> Listen | None:
        return None if self.http_listen is None else parse_listen(self.http_listen, "--http-listen")


def parse_listen(value: str, what: str) -> Listen:
    match = _LISTEN.fullmatch(value)
    port = int(match["port"]) if match else 0
    address = (match["addr"] or "") if match else ""
    if not match or not 0 < port < 65536 or (address and not is_host(address)):
        raise GatewayError(
            f"{what}: {value!r} is not PORT or IPV4:PORT", "e.g. 443 or 127.0.0.1:8443"
        )
    return Listen(address, port)


def parse_endpoint(value: str, what: str) -> tuple[Endpoint, str]:
    """`http(s)://HOST[:PORT][/PATH]` -> (endpoint, path)."""
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        port = None
        parts = parts._replace(scheme="")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise GatewayError(
            f"{what}: {value!r} is not an http:// or https:// URL", "e.g. https://orders:8443"
        )
    if parts.username or parts.password or parts.fragment:
        raise GatewayError(f"{what}: {value!r} holds credentials or a fragment", "leave them out")
    tls = parts.scheme == "https"
    host = check_host(parts.hostname, what)
    return Endpoint(tls, host, port or (443 if tls else 80)), check_url_path(parts.path, what)


def parse_pairs(values: Iterable[str], what: str) -> dict[str, str]:
    """NAME=VALUE options."""
    out: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not is_name(name) or not rest:
            raise GatewayError(f"{what}: {value!r} is not NAME=VALUE", f"e.g. {what} orders=...")
        out[name] = rest
    return out


def checked(options: GatewayOptions) -> GatewayOptions:
    """The options, or GatewayError naming the first one nginx would not take safely."""
    from shieldwall.gateway.names import check_file

    check_server_name(options.server_name)
    options.listen_at()
    options.http_listen_at()
    for what, path in (
        ("--tls-cert", options.tls_cert),
        ("--tls-key", options.tls_key),
        ("--upstream-ca", options.upstream_ca),
        ("--modsecurity-module", options.modsecurity_module),
        ("--crs-setup", options.crs_setup),
        ("--crs-rules", options.crs_rules),
        ("--conf-dir", options.conf_dir),
        ("--log-dir", options.log_dir),
        ("--run-dir", options.run_dir),
    ):
        check_file(path, what)
    if options.decisions_url is not None:
        parse_endpoint(options.decisions_url, "--decisions-url")
    for what, value, pattern, example in (
        ("--max-body", options.max_body, _SIZE, "1m"),
        ("--api-rate", options.api_rate, _RATE, "50r/s"),
        ("--auth-rate", options.auth_rate, _RATE, "10r/m"),
    ):
        if not pattern.fullmatch(value):
            raise GatewayError(f"{what}: {value!r} is not valid", f"e.g. {example}")
    check_route(options.route_base, "--route-base")
    for name, route in options.routes.items():
        check_route(route, f"--route {name}")
    if options.namespace is not None and not is_name(options.namespace.lower()):
        raise GatewayError(f"--namespace: {options.namespace!r} is not a namespace name", "")
    if not re.fullmatch(r"[a-z0-9][a-z0-9._/:@-]{0,250}", options.image):
        raise GatewayError(f"--image: {options.image!r} is not an image reference", "")
    if options.platform not in PLATFORMS:
        raise GatewayError(f"--platform: {options.platform!r}", f"one of {', '.join(PLATFORMS)}")
    proxies = tuple(check_network(p) for p in options.trusted_proxies)
    return replace(options, trusted_proxies=proxies)


@dataclass(frozen=True, slots=True)
class _Candidate:
    node: MapNode
    port: int | None
    tls: bool
    from_gateway: bool


def _candidates(service_map: ServiceMap) -> list[_Candidate]:
    gateways = {n.id for n in service_map.nodes if n.role == "gateway"}
    out: list[_Candidate] = []
    for edge in service_map.edges:
        if edge.source not in gateways and edge.source != INTERNET:
            continue
        node = service_map.node(edge.target)
        if node is None or node.role != "service":
            continue
        out.append(_Candidate(node, edge.port, edge.encrypted, edge.source in gateways))
    return out


def _platform(node: MapNode) -> str:
    return "compose" if node.kind == "ComposeService" else "kubernetes"


def _service_host(node: MapNode) -> str | None:
    """The DNS name other workloads reach the node by, or None if it has none."""
    if _platform(node) == "compose":
        return node.name.lower() if is_name(node.name) else None
    services = sorted(r for r in node.resources if r.startswith("Service/"))
    if not services:
        return None
    _, namespace, name = [*services[0].split("/", 2), "", ""][:3]
    host = f"{name}.{namespace}.svc.cluster.local"
    return host if is_name(name) and is_name(namespace) and is_host(host) else None


def _pick(found: list[_Candidate]) -> _Candidate:
    """From the gateway before from the internet; a known port; then the lowest."""
    return min(found, key=lambda c: (not c.from_gateway, c.port is None, c.port or 0, c.tls))


def plan_upstreams(
    service_map: ServiceMap, options: GatewayOptions
) -> tuple[tuple[Upstream, ...], str, list[str]]:
    """The upstreams (sorted by name), the platform they run on, and warnings."""
    warnings: list[str] = []
    candidates = _candidates(service_map)
    platform = options.platform
    if platform == "auto":
        platform = (
            "kubernetes"
            if any(_platform(c.node) == "kubernetes" for c in candidates)
            else "compose"
        )
    by_name: dict[str, list[_Candidate]] = {}
    for cand in candidates:
        if _platform(cand.node) != platform:
            continue
        if not is_name(cand.node.name) or not is_resource(cand.node.id):
            warnings.append(
                f"left out {display_text(cand.node.id)}: its name cannot be written safely "
                "into nginx's configuration"
            )
            continue
        by_name.setdefault(cand.node.name, []).append(cand)
    upstreams: dict[str, Upstream] = {}
    for name in sorted(by_name):
        best = _pick(by_name[name])
        route = options.routes.get(name, f"{options.route_base}{name.lower()}/")
        if name in options.upstreams:
            upstreams[name] = Upstream(name, options.upstreams[name], route, best.node.id)
            continue
        host = _service_host(best.node)
        if host is None:
            warnings.append(
                f"left out {best.node.id}: no Service gives it a DNS name; "
                f"route it with --upstream {name}=URL"
            )
            continue
        port = best.port
        if port is None:
            warnings.append(
                f"{best.node.id}: the map gives no port; port 80 assumed "
                f"(set it with --upstream {name}=http://{host}:PORT)"
            )
            port = 80
        tls = best.tls or port in _TLS_PORTS
        upstreams[name] = Upstream(name, Endpoint(tls, host, port), route, best.node.id)
    for name in sorted(set(options.upstreams) - set(upstreams)):
        route = options.routes.get(name, f"{options.route_base}{name.lower()}/")
        upstreams[name] = Upstream(name, options.upstreams[name], route, "")
    routes: dict[str, str] = {}
    for up in upstreams.values():
        if up.route in routes:
            raise GatewayError(
                f"{up.name} and {routes[up.route]} would share the route {up.route}",
                f"give one of them another with --route {up.name}=/PATH/",
            )
        routes[up.route] = up.name
    return tuple(upstreams[n] for n in sorted(upstreams)), platform, warnings
