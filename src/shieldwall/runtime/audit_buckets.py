"""Audit scenarios (`trigger: audit`): which Kubernetes audit events a scenario
counts and under which key: failed authentication per client (the API server's
sourceIPs, read as X-Forwarded-For then the peer), per user name, and denials
per identity over distinct requests."""

from __future__ import annotations

import ipaddress

from shieldwall.runtime.clients import ClientResolver
from shieldwall.runtime.events import AuditEvent
from shieldwall.runtime.scenarios import Scenario

ANONYMOUS_USER = "system:anonymous"
UNAUTHENTICATED = "system:unauthenticated"
# Health and version endpoints: load balancers probe them without credentials,
# and a cluster without anonymous access answers 401; never counted.
HEALTH_PATHS = ("/healthz", "/livez", "/readyz", "/version")


def anonymous(event: AuditEvent) -> bool:
    return event.user == ANONYMOUS_USER or UNAUTHENTICATED in event.groups


def client_of(event: AuditEvent, clients: ClientResolver) -> str:
    """The client: sourceIPs lists X-Forwarded-For, X-Real-Ip, then the peer the
    API server saw; the earlier entries are believed only behind trusted proxies
    (`watch.trusted_proxies`), as for HTTP logs, since any caller can send them."""
    ips = event.source_ips
    if not ips:
        return ""
    if len(ips) == 1:
        return clients.key(ips[0])
    return clients.client(ips[-1], ",".join(ips[:-1]))


def request_of(event: AuditEvent) -> str:
    """What was asked, for `distinct: request`: the verb on the resource (and
    subresource), or on the URL path when there is no resource."""
    if event.resource:
        sub = f"/{event.subresource}" if event.subresource else ""
        return f"{event.verb} {event.resource}{sub}"
    return f"{event.verb} {event.uri.partition('?')[0]}"[:300]


def counts(scenario: Scenario, event: AuditEvent) -> bool:
    """Whether the scenario's match takes the event."""
    if event.uri.startswith(HEALTH_PATHS):
        return False
    is_anonymous = anonymous(event)
    if scenario.anonymous is not None and is_anonymous != scenario.anonymous:
        return False
    if event.code in scenario.status_not:
        return False
    if event.code in scenario.status:
        return True
    return is_anonymous and event.code in scenario.status_anonymous


def key_of(scenario: Scenario, event: AuditEvent, client: str) -> str:
    """The bucket: the client, or the user name (folded to lower case); "" when
    the event names none (then it is not counted)."""
    if scenario.group_by == "client":
        return client
    if scenario.group_by == "account":
        return event.user.strip().lower()[:200]
    return ""


def value_of(scenario: Scenario, event: AuditEvent, client: str) -> str | None:
    """The distinct value a scenario counts, None when it counts every event."""
    if not scenario.distinct:
        return None
    if scenario.distinct == "client":
        return client
    if scenario.distinct == "user":
        return event.user
    if scenario.distinct == "request":
        return request_of(event)
    return event.uri.partition("?")[0]


# Where pods, services and nodes live: RFC 1918, shared address space (some pod
# networks), unique local IPv6, loopback and link-local.
IN_CLUSTER = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8",
        "169.254.0.0/16", "fc00::/7", "::1/128", "fe80::/10",
    )
)  # fmt: skip


def private(client: str) -> bool:
    """A private, loopback or link-local address (or /64): a pod, node or
    in-cluster client rather than one from outside."""
    try:
        net = ipaddress.ip_network(client, strict=False)
    except ValueError:
        return False
    return any(net.version == n.version and net.subnet_of(n) for n in IN_CLUSTER)  # type: ignore[arg-type]


def decision_type(scenario: Scenario, key: str) -> str:
    """What an overflow makes: `alert` (a detection) when the scenario counts per
    user name, else its decision type, or `decision.private` for an in-cluster client."""
    if scenario.group_by != "client":
        return "alert"
    if scenario.private_type and private(key):
        return scenario.private_type
    return scenario.decision_type
