"""The topology rules, each declared beside its check, and the findings read off
the graph. Each is a statement about paths (who reaches whom, how), located on
the workload it concerns; the config analyzer's findings about single fields (a
Service type, an env URL, a missing policy) stay where they are and are not
repeated."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from shieldwall.analyzers.hits import Hit, rule
from shieldwall.analyzers.topology.model import EdgeDraft, Entry, NodeDraft, Topology
from shieldwall.model import Control, Location, Rule, Severity
from shieldwall.model.service_map import INTERNET

ANALYZER = "topology"
_NETPOL = "https://kubernetes.io/docs/concepts/services-networking/network-policies/"


def _rule(
    *,
    id: str,
    control: Control,
    severity: Severity,
    title: str,
    description: str,
    remediation: str,
    cwe: tuple[str, ...],
    references: tuple[str, ...],
    former_ids: tuple[str, ...] = (),
) -> Rule:
    return rule(
        id=id,
        analyzer=ANALYZER,
        control=control,
        severity=severity,
        title=title,
        description=description,
        remediation=remediation,
        applies_to=("workload", "compose-service"),
        cwe=cwe,
        references=references,
        former_ids=former_ids,
    )


@dataclass(frozen=True, slots=True)
class GraphHit(Hit):
    """A hit on the map: the node or the edge the finding belongs to as well."""

    node: str = ""  # node id the finding belongs to
    edge: tuple[str, str, int | None, str] | None = None  # or edge key
    also: tuple[tuple[str, str, int | None, str], ...] = ()  # further edges it stands for


def _short(node_id: str) -> str:
    return node_id.rsplit("/", 1)[-1]


def _paths(entries: list[Entry], limit: int = 3) -> str:
    texts = list(dict.fromkeys(e.description for e in entries))
    more = f" (and {len(texts) - limit} more)" if len(texts) > limit else ""
    return "; ".join(texts[:limit]) + more


def check(topo: Topology) -> Iterator[GraphHit]:
    entry_points = [
        n.id
        for n in topo.nodes.values()
        if any(e.allowed and not e.through_gateway for e in n.entries)
    ]
    only = entry_points[0] if len(entry_points) == 1 and not topo.gateways.ids else ""
    for node in topo.nodes.values():
        yield from _exposure(node, only == node.id)
        yield from _datastore(node)
        yield from _egress(node)
    yield from _plaintext_links(topo)


TOPO_EXPOSED_PAST_GATEWAY = _rule(
    id="TOPO-EXPOSED-PAST-GATEWAY",
    control=Control.API_EXPOSURE,
    severity=Severity.HIGH,
    title="Workload reachable from the internet other than through the gateway",
    description=(
        "Following the system's Services, hostPorts, Ingress routes and published ports, and "
        "evaluating the NetworkPolicies on the way, this workload can be reached from the "
        "internet on a path that does not pass the API gateway: its authentication, rate limits "
        "and audit log do not apply."
    ),
    remediation=(
        "Close the direct path (ClusterIP instead of NodePort/LoadBalancer, no hostPort, no "
        "published port, Ingress backend = the gateway) or add a NetworkPolicy that admits only "
        "the gateway's pods to this workload."
    ),
    cwe=("CWE-668",),
    references=(_NETPOL, "https://kubernetes.io/docs/concepts/services-networking/service/"),
    # The config rules that said it of one field; they report it now only where the
    # map cannot follow the path (a Service or route whose pods are not in the unit),
    # or not at all (K8S-HOSTPORT, COMPOSE-PUBLISHED-PORT: retired).
    former_ids=(
        "K8S-HOSTPORT",
        "K8S-SERVICE-EXPOSED",
        "K8S-INGRESS-BYPASSES-GATEWAY",
        "COMPOSE-PUBLISHED-PORT",
    ),
)
TOPO_ENTRY_NO_GATEWAY = _rule(
    id="TOPO-ENTRY-NO-GATEWAY",
    control=Control.API_EXPOSURE,
    severity=Severity.MEDIUM,
    title="The only way in from the internet has no gateway in front of it",
    description=(
        "One workload alone is reachable from the internet and no gateway was found: there is "
        "no gateway to pass, so none is bypassed, but nothing in front of the workload "
        "authenticates, rate-limits or logs the calls for it (a web application published "
        "directly, a storefront behind its own load balancer)."
    ),
    remediation=(
        "If the workload is the gateway (it authenticates and proxies to the others), declare "
        "it in .shieldwall.yaml (`gateway: {workloads: [NAME]}`); otherwise put a gateway or "
        "reverse proxy in front of it, or confirm that the workload authenticates its callers."
    ),
    cwe=("CWE-668",),
    references=("https://kubernetes.io/docs/concepts/services-networking/service/",),
    # Said by TOPO-EXPOSED-PAST-GATEWAY before: its suppressions and baselines still hold.
    former_ids=("TOPO-EXPOSED-PAST-GATEWAY", *TOPO_EXPOSED_PAST_GATEWAY.former_ids),
)
TOPO_ROUTE_NO_AUTH = _rule(
    id="TOPO-ROUTE-NO-AUTH",
    control=Control.ACCESS_CONTROL,
    severity=Severity.HIGH,
    title="Route from the internet reaches a workload with no authentication on the path",
    description=(
        "An HTTP route into the system (Ingress, Gateway API route, Istio VirtualService) ends at "
        "this workload, and nothing on the path authenticates the caller: no gateway that "
        "authenticates, no auth annotation or filter, no Istio RequestAuthentication or "
        "AuthorizationPolicy covering the workload."
    ),
    remediation=(
        "Route through the gateway, or add authentication on the route (ingress auth-url to an "
        "oauth2-proxy, a Gateway API security policy) or an Istio RequestAuthentication plus "
        "AuthorizationPolicy for the workload."
    ),
    cwe=("CWE-306",),
    references=("https://istio.io/latest/docs/reference/config/security/authorization-policy/",),
    former_ids=("K8S-INGRESS-NO-AUTH",),
)


TOPO_GATEWAY_ADMIN_EXPOSED = _rule(
    id="TOPO-GATEWAY-ADMIN-EXPOSED",
    control=Control.API_EXPOSURE,
    severity=Severity.HIGH,
    title="Gateway's admin interface reachable from the internet",
    description=(
        "The gateway publishes its admin interface (Envoy's admin listener, the Traefik "
        "dashboard and API in insecure mode, Kong's Admin API or Kong Manager) on every "
        "interface: whoever reaches the port reads the gateway's configuration and can "
        "change its routes, plugins or credentials, or shut it down, past every control the "
        "gateway applies to the API it fronts."
    ),
    remediation=(
        "Publish only the proxy's port; bind the admin port to 127.0.0.1 "
        "(`127.0.0.1:9901:9901`) or remove it, or listen for admin on localhost in the "
        "gateway's own configuration (Envoy `admin.address`, Kong `KONG_ADMIN_LISTEN`, "
        "Traefik without `--api.insecure`)."
    ),
    cwe=("CWE-668", "CWE-306"),
    references=(
        "https://www.envoyproxy.io/docs/envoy/latest/operations/admin",
        "https://docs.konghq.com/gateway/latest/production/networking/securing-admin-api/",
        "https://doc.traefik.io/traefik/operations/api/",
    ),
)


def _admin_exposure(node: NodeDraft) -> Iterator[GraphHit]:
    """A gateway's admin port on a way in from the internet."""
    for entry in node.entries:
        what = node.admin_ports.get(entry.port) if entry.port is not None else None
        if what is None or not entry.allowed or entry.layer7:
            continue
        yield GraphHit(
            TOPO_GATEWAY_ADMIN_EXPOSED,
            entry.path or node.path,
            entry.line or node.line,
            node.id,
            f"gateway {node.id} publishes {what} on port {entry.port} to the internet: "
            f"{entry.description}",
            f"admin|{entry.port}",
            node=node.id,
            ignorable_at=_ways_in([entry]),
        )


def _exposure(node: NodeDraft, only_way_in: bool = False) -> Iterator[GraphHit]:
    if node.role == "gateway":
        yield from _admin_exposure(node)
        return
    open_entries = [e for e in node.entries if e.allowed]
    direct = [e for e in open_entries if not e.through_gateway]
    if direct and node.role != "datastore":
        policy = (
            "no NetworkPolicy stops it"
            if node.compose is None
            else "compose applies no ingress rules"
        )
        # At the way in (the Service's type, the hostPort, the route): where it is closed,
        # and where a suppression of the config rules it replaces was written.
        # The only way in, with no gateway found: there is no gateway to bypass (the
        # published web application, the storefront); its own rule, at medium.
        yield GraphHit(
            TOPO_ENTRY_NO_GATEWAY if only_way_in else TOPO_EXPOSED_PAST_GATEWAY,
            direct[0].path or node.path,
            direct[0].line or node.line,
            node.id,
            (
                f"{node.id} is the only way in from the internet and no gateway was found in "
                f"front of it: {_paths(direct)}; "
                f"{_with_note(policy, _it(node, direct[0].policy_note))}; if it is the gateway, "
                f"declare it in .shieldwall.yaml (`gateway: {{workloads: [{node.name}]}}`)"
                if only_way_in
                else f"{node.id} is reachable from the internet without passing the gateway: "
                f"{_paths(direct)}; {_with_note(policy, _it(node, direct[0].policy_note))}"
            ),
            "exposed",
            node=node.id,
            # at its first way in; an ignore written at any of them (each line of a
            # long-syntax published port) covers it, as for a datastore below
            ignorable_at=_ways_in(direct),
        )
    unauth = [e for e in open_entries if e.layer7 and not e.authenticated]
    if unauth:
        yield GraphHit(
            TOPO_ROUTE_NO_AUTH,
            unauth[0].path or node.path,
            unauth[0].line or node.line,
            node.id,
            f"{node.id} can be called from the internet with no authentication on the path: "
            f"{_paths(unauth)} (no authenticating gateway, auth annotation or filter, and no "
            "Istio RequestAuthentication/AuthorizationPolicy covers it)",
            "route-no-auth",
            node=node.id,
            ignorable_at=_ways_in(unauth),
        )


def _ways_in(entries: list[Entry]) -> tuple[Location, ...]:
    """Where the ways in are written: an inline ignore there covers the finding."""
    return tuple(dict.fromkeys(e.location for e in entries if e.path and e.line))


def _it(node: NodeDraft, note: str) -> str:
    """A policy note about the finding's own node, naming it "it": the message names it."""
    return re.sub(re.escape(node.id) + r"(?![\w.-])", "it", note)


def _with_note(text: str, note: str) -> str:
    """`text (note)`, or `text` alone when the note only says it again."""
    return f"{text} ({note})" if note and note != text else text


TOPO_DATASTORE_FROM_INTERNET = _rule(
    id="TOPO-DATASTORE-FROM-INTERNET",
    control=Control.ISOLATION,
    severity=Severity.CRITICAL,
    title="Datastore reachable from the internet",
    description=(
        "A database, cache or message broker can be connected to from outside the system: "
        "its data is one credential (or one unauthenticated default) away from anyone."
    ),
    remediation=(
        "Remove the outside path (published port, NodePort/LoadBalancer, hostPort) and admit "
        "only the services that use the datastore with a NetworkPolicy."
    ),
    cwe=("CWE-668", "CWE-923"),
    references=(_NETPOL,),
    # A datastore's published port or hostPort was one of these before the map said it.
    former_ids=("K8S-HOSTPORT", "K8S-SERVICE-EXPOSED", "COMPOSE-PUBLISHED-PORT"),
)
TOPO_DATASTORE_FROM_ANY_POD = _rule(
    id="TOPO-DATASTORE-FROM-ANY-POD",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="Datastore reachable from every pod",
    description=(
        "Evaluating the NetworkPolicies in force, a pod of any namespace with any labels may open "
        "a connection to this datastore: one compromised workload anywhere in the cluster reaches "
        "the data directly."
    ),
    remediation=(
        "Add a NetworkPolicy selecting the datastore's pods that admits only the workloads that "
        "use it, on its port (and a default-deny ingress policy for the namespace)."
    ),
    cwe=("CWE-923",),
    references=(_NETPOL,),
)


def _datastore(node: NodeDraft) -> Iterator[GraphHit]:
    if node.role != "datastore":
        return
    open_entries = [e for e in node.entries if e.allowed]
    if open_entries:
        yield GraphHit(
            TOPO_DATASTORE_FROM_INTERNET,
            node.path,
            node.line,
            node.id,
            f"datastore {node.id} is reachable from the internet: {_paths(open_entries)}",
            "internet",
            node=node.id,
            # at the datastore; an ignore written at a way in (its published port,
            # the Service's type) covers it as it covered the rules it replaces
            ignorable_at=_ways_in(open_entries),
        )
    if node.any_pod:
        port, line = node.ports[0] if node.ports else (None, node.line)
        callers = ", ".join(_short(r) for r in node.reachable_from[:8]) or "none mapped"
        count = node.reachable_count
        more = f" and {count - 8} more" if count is not None and count > 8 else ""
        mapped = (
            f"{count} mapped workload(s) can open one: {callers}{more}"
            if count is not None
            else "its callers are not counted (too many kinds of pods to compare)"
        )
        who = (
            "every pod of every namespace"
            if node.compose is None
            else "every other service of the compose project"
        )
        yield GraphHit(
            TOPO_DATASTORE_FROM_ANY_POD,
            node.path,
            line,
            node.id,
            f"datastore {node.id} accepts connections"
            f"{f' on port {port}' if port else ''} from {who} ({_it(node, node.any_pod_note)}); "
            f"{mapped}",
            "any-pod",
            node=node.id,
        )


TOPO_EGRESS_INTERNET = _rule(
    id="TOPO-EGRESS-INTERNET",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="Sensitive workload may connect anywhere on the internet",
    description=(
        "A datastore or a workload holding credentials is not restricted for egress (or a rule "
        "admits every address): after a compromise, data and credentials can leave the system "
        "directly."
    ),
    remediation=(
        "Select the workload with an egress NetworkPolicy that allows DNS and the destinations "
        "it needs only; for compose, put it on an `internal: true` network."
    ),
    cwe=("CWE-923",),
    references=(_NETPOL + "#default-deny-all-egress-traffic",),
)


def _egress(node: NodeDraft) -> Iterator[GraphHit]:
    if not node.sensitive or not node.open_egress:
        return
    verdict = node.egress_verdict
    by_rule = verdict is not None and bool(verdict.rule_line)
    line = verdict.rule_line if verdict is not None and by_rule else node.line
    # A rule of a NetworkPolicy that admits every address is written in the policy's file.
    path = verdict.path if verdict is not None and by_rule and verdict.path else node.path
    why = verdict.why if verdict is not None else "its networks are not internal"
    yield GraphHit(
        TOPO_EGRESS_INTERNET,
        path,
        line,
        node.id,
        f"{node.id} ({node.sensitive}) may open connections to any address on the internet: "
        f"{_it(node, why)}",
        "egress",
        node=node.id,
    )


TOPO_PLAINTEXT_EDGE = _rule(
    id="TOPO-PLAINTEXT-EDGE",
    control=Control.ENCRYPTION,
    severity=Severity.MEDIUM,
    title="Service-to-service link carries plaintext",
    description=(
        "One service is configured to call another over a protocol without TLS, the network "
        "lets the connection through, and no service mesh enforces mTLS on the destination: "
        "requests, credentials and data cross the network in clear text."
    ),
    remediation=(
        "Use TLS on the link (https://, rediss://, sslmode=verify-full, gRPC with TLS "
        "credentials) or put both services in a mesh with PeerAuthentication mode STRICT."
    ),
    cwe=("CWE-319",),
    references=("https://istio.io/latest/docs/reference/config/security/peer_authentication/",),
    former_ids=("NET-PLAINTEXT-URL",),
)


EdgeKey = tuple[str, str, int | None, str]


def _plaintext_links(topo: Topology) -> Iterator[GraphHit]:
    """One finding per plaintext link; the links that one configured line gives to
    several services (a YAML anchor or merge key copies it) are one finding, at that
    line, naming the services."""
    by_line: dict[tuple[str, int, str, int | None], list[tuple[EdgeKey, EdgeDraft]]] = {}
    for key, edge in topo.edges.items():
        if edge.source == INTERNET or edge.encrypted or not edge.plaintext or not edge.allowed:
            continue
        if edge.source not in topo.nodes:
            continue
        by_line.setdefault((edge.path, edge.line, edge.target, edge.port), []).append((key, edge))
    for links in by_line.values():
        if len({edge.source for _, edge in links}) < 2 or not links[0][1].path:
            yield from (_plaintext(topo, key, edge) for key, edge in links)
        else:
            yield _inherited_plaintext(topo, links)


def _plaintext(topo: Topology, key: EdgeKey, edge: EdgeDraft) -> GraphHit:
    src = topo.nodes[edge.source]
    port = f" port {edge.port}" if edge.port else ""
    evidence = "; ".join(edge.plaintext[:3])
    return GraphHit(
        TOPO_PLAINTEXT_EDGE,
        src.path,
        src.line,
        src.id,
        f"link {src.id} -> {edge.target}{port} carries plaintext: configured as {evidence}; "
        f"the network lets it through ({edge.allowed_note}) and {_no_mtls(src)}",
        f"->{edge.target}:{edge.port or '*'}",
        edge=key,
    )


def _inherited_plaintext(topo: Topology, links: list[tuple[EdgeKey, EdgeDraft]]) -> GraphHit:
    links = sorted(links, key=lambda link: link[1].source)
    key, edge = links[0]
    names = [_short(e.source) for _, e in links]
    shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    port = f" port {edge.port}" if edge.port else ""
    return GraphHit(
        TOPO_PLAINTEXT_EDGE,
        edge.path,
        edge.line,
        edge.source,
        f"links of {len(names)} services ({shown}) -> {edge.target}{port} carry plaintext: "
        f"each inherits {edge.plaintext[0]}; the network lets them through "
        f"({edge.allowed_note}) and {_no_mtls(topo.nodes[edge.source])}",
        f"->{edge.target}:{edge.port or '*'}",
        edge=key,
        also=tuple(k for k, _ in links[1:]),
    )


def _no_mtls(src: NodeDraft) -> str:
    return "no service mesh enforces mTLS on it" if src.compose is None else "compose has no mTLS"


RULES: tuple[Rule, ...] = (
    TOPO_EXPOSED_PAST_GATEWAY,
    TOPO_ENTRY_NO_GATEWAY,
    TOPO_GATEWAY_ADMIN_EXPOSED,
    TOPO_ROUTE_NO_AUTH,
    TOPO_PLAINTEXT_EDGE,
    TOPO_DATASTORE_FROM_INTERNET,
    TOPO_DATASTORE_FROM_ANY_POD,
    TOPO_EGRESS_INTERNET,
)
