"""Published ports: on all interfaces, and privileged.

Whether a published port lets the internet past the gateway is the service map's
question: TOPO-EXPOSED-PAST-GATEWAY (TOPO-DATASTORE-FROM-INTERNET for a datastore)
reports it at the port, and answers to the retired id COMPOSE-PUBLISHED-PORT."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from shieldwall.analyzers.config.compose.service import _SPEC, _SVC, _Service
from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.interpolation import as_written, written_as
from shieldwall.sources.yaml_tree import YMap, YSeq

COMPOSE_PORT_ALL_INTERFACES = config_rule(
    id="COMPOSE-PORT-ALL-INTERFACES",
    control=Control.API_EXPOSURE,
    severity=Severity.INFO,
    title="Compose port is bound to all host interfaces",
    description=(
        "A published port without a host IP listens on every interface of the host, including "
        "those facing other networks."
    ),
    remediation=(
        "Give the port a host IP (`127.0.0.1:8080:80`, or the interface that should serve it)."
    ),
    applies_to=_SVC,
    cwe=("CWE-1327",),
    references=(_SPEC + "#ports",),
)
COMPOSE_PRIVILEGED_PORT = config_rule(
    id="COMPOSE-PRIVILEGED-PORT",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.LOW,
    title="Compose service maps a privileged port",
    description=(
        "A port below 1024 on the host is reserved for system services, and inside the container "
        "it usually means the process runs as root or holds NET_BIND_SERVICE."
    ),
    remediation=(
        "Listen on a port of 1024 or above in the container and publish it on a high host port; "
        "let the gateway own ports 80/443."
    ),
    applies_to=_SVC,
    cwe=("CWE-250",),
    references=(_SPEC + "#ports",),
)


@dataclass(frozen=True, slots=True)
class _Port:
    raw: str
    line: int
    host_ip: str
    host_ports: tuple[int, int] | None  # None: ephemeral or unknown (a variable)
    container_ports: tuple[int, int] | None

    @property
    def all_interfaces(self) -> bool:
        return self.host_ip in ("", "0.0.0.0", "::")  # noqa: S104 - we detect it


def _port_range(text: str) -> tuple[int, int] | None:
    text = text.strip()
    lo, _, hi = text.partition("-")
    if not lo.isdigit() or (hi and not hi.isdigit()):
        return None
    return int(lo), int(hi or lo)


def _split_host(text: str) -> tuple[str, str]:
    """`ip:port` (IPv6 in brackets) -> (ip, port); a lone port -> ("", port)."""
    text = text.strip()
    if text.startswith("["):
        ip, _, rest = text[1:].partition("]")
        return ip, rest.lstrip(":")
    if text.count(":") == 1:
        ip, _, port = text.partition(":")
        return ip, port
    if ":" in text:
        return text, ""  # a bare IPv6 address
    if text.count(".") == 3:
        return text, ""  # a bare IPv4 address
    return "", text


def _parse_port(item: Any, line: int) -> _Port | None:
    if isinstance(item, bool):
        return None
    if isinstance(item, int):
        return _Port(str(item), line, "", None, (item, item))
    if isinstance(item, str):
        text = item.strip().split("/", 1)[0]
        if text.startswith("["):  # [::1]:8080:80
            ip, _, rest = text[1:].partition("]")
            host_port, _, container = rest.lstrip(":").rpartition(":")
        else:
            head, _, container = text.rpartition(":")
            ip, host_port = _split_host(head) if head else ("", "")
        return _Port(
            item, line, ip, _port_range(host_port) if host_port else None, _port_range(container)
        )
    if isinstance(item, YMap):
        target = item.get("target")
        published = item.get("published")
        host_ip = item.get("host_ip")
        ip, port = "", ""
        if isinstance(published, (str, int)) and not isinstance(published, bool):
            ip, port = _split_host(str(published))
        if isinstance(host_ip, str):
            ip = host_ip
        inside = _port_range(str(target)) if isinstance(target, (str, int)) else None
        return _Port(
            f"{target}:{published}",
            item.line_of("published", line),
            ip.strip("[]"),
            _port_range(port) if port else None,
            inside,
        )
    return None


def _port_hits(svc: _Service) -> Iterator[Hit]:
    ports = svc.body.get("ports")
    if not isinstance(ports, YSeq):
        return
    parsed = [p for i, item in enumerate(ports) if (p := _parse_port(item, ports.line_of(i)))]
    for port in parsed:
        # the key as written: a value changed in .env keeps the finding's identity
        key = f"ports[{as_written(port.raw)}]"
        said = f"port {port.raw}{written_as(port.raw, svc.cf.dotenv)}"
        if port.all_interfaces:
            yield svc.hit(
                COMPOSE_PORT_ALL_INTERFACES,
                port.line,
                f"{said} listens on all host interfaces",
                key,
            )
        # The host side: Docker lets any process bind low ports inside its own
        # network namespace (net.ipv4.ip_unprivileged_port_start=0), so only a
        # low port on the host is reserved. A host port given by a variable
        # (`$BIND:80`) or chosen by Docker is not known.
        if port.host_ports and port.host_ports[0] < 1024:
            yield svc.hit(
                COMPOSE_PRIVILEGED_PORT,
                port.line,
                f"{said} publishes privileged host port {port.host_ports[0]}",
                key,
            )


RULES: tuple[Rule, ...] = (
    COMPOSE_PORT_ALL_INTERFACES,
    COMPOSE_PRIVILEGED_PORT,
)
