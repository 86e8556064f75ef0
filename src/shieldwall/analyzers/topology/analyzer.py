"""The topology analyzer: builds the service map, reads findings off it, and
hands both to the engine."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from shieldwall.analyzers.base import AnalyzerOutput, ScanTarget
from shieldwall.analyzers.topology.findings import check
from shieldwall.analyzers.topology.graph import Topology, build
from shieldwall.analyzers.topology.rules import ANALYZER, RULES
from shieldwall.model import Control, Finding, Location, Rule, Settings
from shieldwall.model.service_map import INTERNET, MapEdge, MapNode, ServiceMap
from shieldwall.sources.manifests import Inventory


class TopologyAnalyzer:
    name = ANALYZER

    def __init__(self) -> None:
        self._by_id = {r.id: r for r in RULES}

    def rules(self) -> Sequence[Rule]:
        return RULES

    def analyze(self, target: ScanTarget) -> AnalyzerOutput:
        inventory = target.inventory
        service_map, findings, topo = map_inventory(inventory, target.settings, self._by_id)
        ids = frozenset(n.id for n in topo.nodes.values())
        checked = {r.control: ids for r in RULES} if ids else {}
        return AnalyzerOutput(
            findings=tuple(findings),
            skipped=tuple(inventory.skipped),
            checked=checked,
            service_map=service_map,
        )


def map_inventory(
    inventory: Inventory, settings: Settings, rules: dict[str, Rule] | None = None
) -> tuple[ServiceMap, list[Finding], Topology]:
    """The service map of an inventory and the findings read off it."""
    by_id = rules or {r.id: r for r in RULES}
    topo = build(inventory, settings)
    findings: list[Finding] = []
    node_fp: dict[str, list[str]] = defaultdict(list)
    edge_fp: dict[tuple[str, str, int | None, str], list[str]] = defaultdict(list)
    seen: set[str] = set()
    for hit in check(topo):
        finding = Finding(
            rule=by_id[hit.rule],
            message=hit.message,
            location=Location(hit.path, hit.line, hit.line),
            resource=hit.resource,
            key=hit.key,
        )
        if finding.fingerprint in seen:
            continue
        seen.add(finding.fingerprint)
        findings.append(finding)
        if hit.node:
            node_fp[hit.node].append(finding.fingerprint)
        if hit.edge is not None:
            edge_fp[hit.edge].append(finding.fingerprint)
    return _freeze(topo, node_fp, edge_fp), findings, topo


def _freeze(
    topo: Topology,
    node_fp: dict[str, list[str]],
    edge_fp: dict[tuple[str, str, int | None, str], list[str]],
) -> ServiceMap:
    nodes = []
    if any(e.source == INTERNET for e in topo.edges.values()):
        nodes.append(MapNode(INTERNET, "Internet", "internet", "", "internet", role="internet"))
    for n in sorted(topo.nodes.values(), key=lambda n: n.id):
        nodes.append(
            MapNode(
                n.id,
                n.kind,
                n.name,
                n.namespace,
                topo.exposure(n),
                n.role,
                n.path,
                n.line,
                n.open_ingress,
                n.open_egress,
                tuple(dict.fromkeys(n.resources)),
                tuple(node_fp.get(n.id, ())),
            )
        )
    edges = []
    for key, e in sorted(topo.edges.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or 0)):
        edges.append(
            MapEdge(
                e.source,
                e.target,
                e.port,
                e.encrypted,
                "; ".join(e.evidence)
                + (f"; mTLS STRICT by {e.mtls}" if e.mtls else ""),
                e.via,
                e.allowed,
                e.through_gateway,
                e.authenticated,
                e.path,
                e.line,
                tuple(edge_fp.get(key, ())),
            )
        )
    return ServiceMap(tuple(nodes), tuple(edges))


__all__ = ["TopologyAnalyzer", "map_inventory"]


def controls() -> tuple[Control, ...]:
    return tuple(dict.fromkeys(r.control for r in RULES))
