"""The topology analyzer: builds the service map, reads findings off it, and
hands both to the engine."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

from shieldwall.analyzers.base import AnalyzerOutput, ScanTarget
from shieldwall.analyzers.hits import RuleModule, findings_from
from shieldwall.analyzers.overlays import merge_overlays
from shieldwall.analyzers.topology import findings as rule_module
from shieldwall.analyzers.topology.findings import ANALYZER, RULES, check
from shieldwall.analyzers.topology.graph import build
from shieldwall.analyzers.topology.model import Topology
from shieldwall.model import Control, Finding, Rule, Settings
from shieldwall.model.service_map import INTERNET, Aggregate, MapEdge, MapNode, ServiceMap
from shieldwall.sources.manifests import Inventory
from shieldwall.system.units import Unit

# The rules and the check that reads them off the map (mypy checks the module).
_RULES_MODULE: RuleModule[Topology] = rule_module


class TopologyAnalyzer:
    name = ANALYZER

    def rules(self) -> Sequence[Rule]:
        return RULES

    def analyze(self, target: ScanTarget) -> AnalyzerOutput:
        inventory = target.inventory
        service_map, findings, topos = map_units(target.units.units, target.settings)
        ids = frozenset(n.id for topo in topos for n in topo.nodes.values())
        checked = {r.control: ids for r in RULES} if ids else {}
        return AnalyzerOutput(
            findings=tuple(findings),
            skipped=(*inventory.skipped, *target.units.skipped),
            checked=checked,
            service_map=service_map,
            warnings=tuple(
                dict.fromkeys([*inventory.warnings, *(w for topo in topos for w in topo.warnings)])
            ),
        )


def map_units(
    units: Sequence[Unit], settings: Settings
) -> tuple[ServiceMap, list[Finding], list[Topology]]:
    """One service map of every deployment unit, each mapped on its own: a node id
    that two units hold is written `ID@UNIT` in the map, so that no unit's links
    join another's. A finding that two units give (a file both hold) is listed once."""
    maps: list[tuple[str, ServiceMap]] = []
    findings: list[Finding] = []
    topos: list[Topology] = []
    seen: set[str] = set()
    for unit in units:
        service_map, found, topo = map_inventory(unit.inventory, settings, unit.id)
        maps.append((unit.id, service_map))
        topos.append(topo)
        for f in found:
            if f.fingerprint not in seen:
                seen.add(f.fingerprint)
                findings.append(f)
    return merge_maps(maps), merge_overlays(findings), topos


def merge_maps(maps: Sequence[tuple[str, ServiceMap]]) -> ServiceMap:
    if len(maps) == 1:
        return maps[0][1]
    count = Counter(n.id for _, m in maps for n in m.nodes if n.id != INTERNET)
    nodes: dict[str, MapNode] = {}
    edges: list[MapEdge] = []
    for unit, m in maps:

        def new(node_id: str, unit: str = unit) -> str:
            return f"{node_id}@{unit}" if count[node_id] > 1 else node_id

        for n in m.nodes:
            nodes.setdefault(new(n.id), replace(n, id=new(n.id)))
        for e in m.edges:
            agg = e.aggregate
            if agg is not None:
                agg = Aggregate(
                    tuple(map(new, agg.sources)), tuple(map(new, agg.targets)), agg.pairs
                )
            edges.append(replace(e, source=new(e.source), target=new(e.target), aggregate=agg))
    ordered = sorted(nodes.values(), key=lambda n: (n.id != INTERNET, n.id))
    edges.sort(key=lambda e: (e.source, e.target, e.port or 0))
    return ServiceMap(tuple(ordered), tuple(edges))


def map_inventory(
    inventory: Inventory, settings: Settings, unit: str = ""
) -> tuple[ServiceMap, list[Finding], Topology]:
    """The service map of an inventory and the findings read off it."""
    topo = build(inventory, settings)
    findings: list[Finding] = []
    node_fp: dict[str, list[str]] = defaultdict(list)
    edge_fp: dict[tuple[str, str, int | None, str], list[str]] = defaultdict(list)
    seen: set[str] = set()
    for hit in check(topo):
        # One hit at a time: the map records the fingerprint of each new finding
        # on the node or the edge it belongs to.
        for finding in findings_from((hit,), unit=unit, seen=seen):
            findings.append(finding)
            if hit.node:
                node_fp[hit.node].append(finding.fingerprint)
            for edge in (hit.edge, *hit.also) if hit.edge is not None else ():
                edge_fp[edge].append(finding.fingerprint)
    return _freeze(topo, node_fp, edge_fp, unit), findings, topo


def _freeze(
    topo: Topology,
    node_fp: dict[str, list[str]],
    edge_fp: dict[tuple[str, str, int | None, str], list[str]],
    unit: str = "",
) -> ServiceMap:
    nodes = []
    exposures = topo.exposures()
    if any(e.source == INTERNET for e in topo.edges.values()):
        nodes.append(MapNode(INTERNET, "Internet", "internet", "", "internet", role="internet"))
    for n in sorted(topo.nodes.values(), key=lambda n: n.id):
        nodes.append(
            MapNode(
                n.id,
                n.kind,
                n.name,
                n.namespace,
                exposures[n.id],
                n.role,
                n.path,
                n.line,
                n.open_ingress,
                n.open_egress,
                tuple(dict.fromkeys(n.resources)),
                tuple(node_fp.get(n.id, ())),
                unit,
            )
        )
    edges = []
    for key, e in topo.edges.items():
        edges.append(
            MapEdge(
                e.source,
                e.target,
                e.port,
                e.encrypted,
                "; ".join(e.evidence) + (f"; mTLS STRICT by {e.mtls}" if e.mtls else ""),
                e.via,
                e.allowed,
                e.through_gateway,
                e.authenticated,
                e.path,
                e.line,
                tuple(edge_fp.get(key, ())),
            )
        )
    for g in topo.groups.values():
        source, target = next(g.covered())
        pairs = g.pairs()
        edges.append(
            MapEdge(
                source,
                target,
                g.port,
                g.encrypted,
                g.evidence + (f"; mTLS STRICT by {g.mtls}" if g.mtls else ""),
                "policy",
                True,
                path=g.path if pairs > 1 else topo.nodes[target].path,
                line=g.line if pairs > 1 else topo.nodes[target].line,
                aggregate=Aggregate(tuple(g.sources), tuple(g.targets), pairs)
                if pairs > 1
                else None,
            )
        )
    edges.sort(key=lambda e: (e.source, e.target, e.port or 0))
    return ServiceMap(tuple(nodes), tuple(edges))


__all__ = ["TopologyAnalyzer", "map_inventory", "map_units"]


def controls() -> tuple[Control, ...]:
    return tuple(dict.fromkeys(r.control for r in RULES))
