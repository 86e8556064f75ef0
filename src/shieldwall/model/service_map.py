"""The service map: how the workloads of a system talk to each other and to the
outside, as a graph. Built by the topology analyzer, drawn by the formats; no I/O.

The JSON form (`to_dict`) is the `shieldwall/map/v1` contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAP_SCHEMA = "shieldwall/map/v1"
INTERNET = "internet"

# How the outside reaches a workload.
EXPOSURE_INTERNET = "internet"  # directly: LoadBalancer, NodePort, hostPort, published port, bypass
EXPOSURE_GATEWAY = "gateway"  # only through the API gateway
EXPOSURE_INTERNAL = "internal"  # not at all


@dataclass(frozen=True, slots=True)
class MapNode:
    id: str  # "internet", a workload id (Deployment/shop/orders) or compose/<project>/<service>
    kind: str  # Internet, Deployment, StatefulSet, ..., ComposeService
    name: str
    namespace: str  # Kubernetes namespace or compose project ("" for the internet)
    exposure: str  # internet | gateway | internal
    role: str = "service"  # internet | gateway | service | datastore
    path: str = ""  # file that defines it
    line: int = 0
    # No NetworkPolicy (or compose network rule) restricts who may connect to it.
    open_ingress: bool = False
    # It may open connections to any address on the internet.
    open_egress: bool = False
    # Resource ids whose findings belong to this node (the workload, its Services...).
    resources: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()  # fingerprints of the findings about this node
    unit: str = ""  # the deployment unit it belongs to (see system/units.py)


@dataclass(frozen=True, slots=True)
class Aggregate:
    """What a group edge stands for: a link from each of `sources` to each of
    `targets` (never a node to itself, nor a pair that a configured address links:
    that `url` edge carries the policy's evidence), `pairs` links in all. Only links
    that NetworkPolicies alone allow are grouped."""

    sources: tuple[str, ...]
    targets: tuple[str, ...]
    pairs: int

    def to_dict(self) -> dict[str, Any]:
        return {"sources": list(self.sources), "targets": list(self.targets), "pairs": self.pairs}


@dataclass(frozen=True, slots=True)
class MapEdge:
    source: str  # "internet" or a node id (the JSON field is "from")
    target: str  # a node id (the JSON field is "to")
    port: int | None
    encrypted: bool
    evidence: str  # what says the link exists: "env PAYMENTS_URL in k8s/orders.yaml:19"
    # url (configured address), policy (a NetworkPolicy names the peer), route (an
    # Ingress/HTTPRoute/VirtualService), exposure (Service/hostPort/published port),
    # depends_on (compose)
    via: str = "url"
    # False when the NetworkPolicies (or compose networks) in force block the link.
    allowed: bool = True
    # Through the gateway (for edges from the internet).
    through_gateway: bool = False
    authenticated: bool = False
    path: str = ""
    line: int = 0
    findings: tuple[str, ...] = ()
    # A group edge: source and target are its first pair, this says what else it holds.
    aggregate: Aggregate | None = None

    @property
    def id(self) -> str:
        return f"{self.source}->{self.target}:{self.port or '*'}"

    def to_dict(self) -> dict[str, Any]:
        out = {
            "from": self.source,
            "to": self.target,
            "port": self.port,
            "encrypted": self.encrypted,
            "evidence": self.evidence,
            "via": self.via,
            "allowed": self.allowed,
            "through_gateway": self.through_gateway,
            "authenticated": self.authenticated,
            "location": {"path": self.path, "line": self.line} if self.path else None,
            "findings": list(self.findings),
        }
        if self.aggregate is not None:
            out["aggregate"] = self.aggregate.to_dict()
        return out


@dataclass(frozen=True, slots=True)
class ServiceMap:
    nodes: tuple[MapNode, ...] = ()
    edges: tuple[MapEdge, ...] = ()

    def node(self, node_id: str) -> MapNode | None:
        return next((n for n in self.nodes if n.id == node_id), None)

    def edges_from(self, node_id: str) -> tuple[MapEdge, ...]:
        return tuple(e for e in self.edges if e.source == node_id)

    def edges_to(self, node_id: str) -> tuple[MapEdge, ...]:
        return tuple(e for e in self.edges if e.target == node_id)

    def to_dict(self) -> dict[str, Any]:
        """The `shieldwall/map/v1` document."""
        return {
            "schema": MAP_SCHEMA,
            "nodes": [
                {
                    "id": n.id,
                    "kind": n.kind,
                    "name": n.name,
                    "namespace": n.namespace,
                    "unit": n.unit,
                    "exposure": n.exposure,
                    "role": n.role,
                    "open_ingress": n.open_ingress,
                    "open_egress": n.open_egress,
                    "location": {"path": n.path, "line": n.line} if n.path else None,
                    "resources": list(n.resources),
                    "findings": list(n.findings),
                }
                for n in self.nodes
            ],
            "edges": [e.to_dict() for e in self.edges],
        }
