"""What may be written into a generated gateway configuration.

Service names, namespaces, hosts and paths come from the scanned repository,
which may be hostile: a name holding `;`, `}`, a quote or a newline would add
directives to nginx's configuration. Nothing reaches the configuration unless
it matches one of these patterns, which admit no character nginx (or YAML)
treats as syntax; paths are also written between double quotes."""

from __future__ import annotations

import ipaddress
import re

from shieldwall.errors import GatewayError

# A Kubernetes object name or a compose service name (no dot: it names upstreams).
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*")
_SERVER_NAME = re.compile(rf"(?:\*\.)?{_LABEL}(?:\.{_LABEL})*|_")
_ROUTE = re.compile(r"/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)*")
_FILE = re.compile(r"/(?:[A-Za-z0-9_+-][A-Za-z0-9._+-]*/?)*")
_URL_PATH = re.compile(r"(?:/[A-Za-z0-9._~-]*)*")
_RESOURCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.-]{0,250}")


def is_name(value: str) -> bool:
    return _NAME.fullmatch(value) is not None


def is_host(value: str) -> bool:
    """A DNS name in lower case, or an IPv4 address."""
    if _HOST.fullmatch(value):
        return True
    try:
        return isinstance(ipaddress.ip_address(value), ipaddress.IPv4Address)
    except ValueError:
        return False


def is_resource(value: str) -> bool:
    return _RESOURCE.fullmatch(value) is not None


def _require(ok: bool, value: str, message: str, hint: str) -> str:
    if not ok:
        raise GatewayError(message, hint)
    return value


def check_route(value: str, what: str) -> str:
    # A segment never starts with '.', so '.' and '..' segments cannot match.
    return _require(
        _ROUTE.fullmatch(value) is not None,
        value,
        f"{what}: {value!r} is not a route prefix shieldwall writes into nginx",
        "give a path of letters, digits, '.', '_', '~' and '-' segments, "
        "starting and ending with '/' (e.g. /api/orders/)",
    )


def check_file(value: str, what: str) -> str:
    return _require(
        _FILE.fullmatch(value) is not None and "/../" not in f"{value}/",
        value,
        f"{what}: {value!r} is not an absolute path shieldwall writes into nginx",
        "give an absolute path of letters, digits, '.', '_', '+' and '-' (no spaces, "
        "quotes, '$', ';' or '..')",
    )


def check_server_name(value: str) -> str:
    return _require(
        _SERVER_NAME.fullmatch(value) is not None,
        value,
        f"--server-name: {value!r} is not a host name",
        "give a lower-case DNS name, *.domain, or _ for any name",
    )


def check_host(value: str, what: str) -> str:
    return _require(
        is_host(value),
        value,
        f"{what}: {value!r} is not a host name or IPv4 address",
        "give a lower-case DNS name or an IPv4 address",
    )


def check_url_path(value: str, what: str) -> str:
    return _require(
        _URL_PATH.fullmatch(value) is not None and "/../" not in f"{value}/",
        value,
        f"{what}: the path {value!r} holds characters shieldwall does not write into nginx",
        "use letters, digits, '.', '_', '~', '-' and '/' only (no query string)",
    )


def check_network(value: str) -> str:
    try:
        return str(ipaddress.ip_network(value, strict=False))
    except ValueError:
        raise GatewayError(
            f"--trusted-proxy: {value!r} is not an address or network",
            "give an address or a CIDR network such as 10.0.0.0/8",
        ) from None
