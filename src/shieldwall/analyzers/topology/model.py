"""The service map while it is built: ways in from the outside, nodes, edges,
policy-only link groups, and the topology that holds them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from shieldwall.model.finding import Location
from shieldwall.model.service_map import (
    EXPOSURE_GATEWAY,
    EXPOSURE_INTERNAL,
    EXPOSURE_INTERNET,
    INTERNET,
)
from shieldwall.sources.workloads import Workload
from shieldwall.system.compose import (
    ComposeService,
)
from shieldwall.system.gateway import GatewayView
from shieldwall.system.netpol import Pod, PolicyEngine, Verdict
from shieldwall.system.services import (
    ServiceView,
)

ANY_POD = Pod("(any pod)", "\x00any-namespace", {})


@dataclass
class Entry:
    """One way in from the outside to a node."""

    kind: str  # Service | hostPort | Ingress | HTTPRoute | VirtualService | compose-port
    description: str  # the path, in words
    port: int | None
    through_gateway: bool
    authenticated: bool
    layer7: bool  # a route (HTTP level) rather than an opened port
    allowed: bool  # the destination's ingress policy admits the internet on that port
    policy_note: str
    path: str
    line: int
    encrypted: bool = False
    resource: str = ""
    end_line: int = 0  # where the way in is written over several lines (a long-syntax port)

    @property
    def location(self) -> Location:
        return Location(self.path, self.line, max(self.line, self.end_line))


@dataclass
class NodeDraft:
    id: str
    kind: str
    name: str
    namespace: str
    role: str
    path: str
    line: int
    workload: Workload | None = None
    compose: ComposeService | None = None
    pod: Pod | None = None
    resources: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    open_ingress: bool = False
    open_egress: bool = False
    egress_verdict: Verdict | None = None
    sensitive: str = ""  # why the workload is sensitive ("" if not)
    ports: list[tuple[int, int]] = field(default_factory=list)  # (port, line)
    # A gateway's admin interfaces: container port -> what listens there.
    admin_ports: dict[int, str] = field(default_factory=dict)
    # Other nodes that can open a connection to it (for datastores): how many, and the
    # first few of them in map order.
    reachable_from: list[str] = field(default_factory=list)
    reachable_count: int | None = 0  # None: not counted (too many pod classes)
    any_pod: bool = False  # a pod of any namespace may connect
    any_pod_note: str = ""
    findings: list[str] = field(default_factory=list)


@dataclass
class EdgeDraft:
    source: str
    target: str
    port: int | None
    encrypted: bool
    evidence: list[str]
    via: str
    allowed: bool
    allowed_note: str
    path: str
    line: int
    through_gateway: bool = False
    authenticated: bool = False
    mtls: str = ""  # the PeerAuthentication that encrypts it, if any
    plaintext: list[str] = field(default_factory=list)  # plaintext addresses configured
    findings: list[str] = field(default_factory=list)


@dataclass
class GroupEdge:
    """The links that only NetworkPolicies allow from every source to every target on
    one port, where the sources are pods the policies cannot tell apart, and so are the
    targets. It stands for each (source, target) pair except a pod to itself and the
    pairs that a configured address links already (`folded`: that edge carries them)."""

    sources: list[str]
    targets: list[str]
    port: int | None
    encrypted: bool
    evidence: str
    path: str
    line: int
    mtls: str = ""
    folded: set[tuple[str, str]] = field(default_factory=set)

    def pairs(self) -> int:
        both = len(set(self.sources).intersection(self.targets))
        return len(self.sources) * len(self.targets) - both - len(self.folded)

    def covered(self) -> Iterator[tuple[str, str]]:
        """Each pair it stands for, sources first."""
        for s in self.sources:
            for t in self.targets:
                if s != t and (s, t) not in self.folded:
                    yield s, t


@dataclass
class Topology:
    nodes: dict[str, NodeDraft] = field(default_factory=dict)
    edges: dict[tuple[str, str, int | None, str], EdgeDraft] = field(default_factory=dict)
    # Policy-only links, grouped: (source class, target class, port...) -> group.
    groups: dict[tuple[Any, ...], GroupEdge] = field(default_factory=dict)
    gateways: GatewayView = field(default_factory=GatewayView)
    engine: PolicyEngine = field(default_factory=lambda: PolicyEngine(()))
    warnings: list[str] = field(default_factory=list)

    def exposures(self) -> dict[str, str]:
        """Each node's exposure (internet, gateway or internal)."""
        gw = self.gateways.ids
        reached = {e.target for e in self.edges.values() if e.allowed and e.source in gw}
        for g in self.groups.values():
            callers = [s for s in g.sources if s in gw]
            if callers:
                reached.update(
                    t for t in g.targets if any(s != t and (s, t) not in g.folded for s in callers)
                )
        out = {}
        for node in self.nodes.values():
            entries = [e for e in node.entries if e.allowed]
            if any(not e.through_gateway for e in entries) or (entries and node.role == "gateway"):
                out[node.id] = EXPOSURE_INTERNET
            elif entries or node.id in reached:
                out[node.id] = EXPOSURE_GATEWAY
            else:
                out[node.id] = EXPOSURE_INTERNAL
        return out

    def add_edge(self, edge: EdgeDraft) -> EdgeDraft:
        key = (edge.source, edge.target, edge.port, edge.via if edge.source == INTERNET else "")
        old = self.edges.get(key)
        if old is None:
            self.edges[key] = edge
            return edge
        for ev in edge.evidence:
            if ev not in old.evidence:
                old.evidence.append(ev)
        old.plaintext += [p for p in edge.plaintext if p not in old.plaintext]
        # Only configured addresses and routes say whether a link encrypts: a policy or
        # depends_on edge merged into one of them does not change it.
        if edge.via in WEAK:
            pass
        elif old.via in WEAK:
            old.encrypted, old.mtls = edge.encrypted, edge.mtls
        else:
            old.encrypted = old.encrypted and edge.encrypted
        old.authenticated = old.authenticated and edge.authenticated
        if _VIA_RANK[edge.via] > _VIA_RANK[old.via]:
            old.via, old.path, old.line = edge.via, edge.path, edge.line
            old.allowed, old.allowed_note = edge.allowed, edge.allowed_note
        return old


WEAK = ("policy", "depends_on")
_VIA_RANK = {"policy": 0, "depends_on": 1, "exposure": 2, "route": 3, "url": 4}


def pod_port(svc: ServiceView, port: int | str | None, w: Workload, pod: Pod) -> int | None:
    sp = svc.port(port)
    if sp is None:
        return port if isinstance(port, int) else None
    return svc.target_port(sp, w, pod)


def add_entry(topo: Topology, w: Workload, entry: Entry) -> None:
    node = topo.nodes[w.id]
    pod = node.pod
    assert pod is not None
    allowed, why = topo.engine.from_outside(pod, entry.port)
    if not allowed and entry.layer7 and not topo.gateways.serves_ingress:
        # A route comes through an ingress controller that the scanned files may not hold.
        via_controller = topo.engine.from_ingress_controller(pod, entry.port)
        if via_controller is not None:
            allowed, why = True, via_controller.why
    entry.allowed, entry.policy_note = allowed, why
    node.entries.append(entry)
    topo.add_edge(
        EdgeDraft(
            INTERNET,
            w.id,
            entry.port,
            entry.encrypted,
            [entry.description],
            "route" if entry.layer7 else "exposure",
            allowed,
            why,
            entry.path,
            entry.line,
            through_gateway=entry.through_gateway,
            authenticated=entry.authenticated,
        )
    )


# Callers of a datastore named in its finding.
SHOWN = 8
