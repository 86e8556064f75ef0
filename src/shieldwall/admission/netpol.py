"""Least-privilege NetworkPolicies from the service map: per namespace with
workloads a default-deny (ingress and egress), and per workload one policy
admitting exactly the links the map found into it (peer pod selectors and
ports; the internet only into the gateway when there is one) and out of it (its dependencies),
plus DNS. `verify` re-scans the system with them added, with the topology
analyzer itself: every link kept, the any-pod and unselected-pod findings gone,
no pair allowed that the map did not show."""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.model.service_map import INTERNET, MapEdge, ServiceMap
from shieldwall.model.settings import Settings
from shieldwall.sources.manifests import load_inventory
from shieldwall.sources.tree import walk
from shieldwall.sources.workloads import Workload, workload_of

# Links that the map found, as opposed to ones only an existing policy permits.
OBSERVED_VIA = ("url", "route", "exposure")
# Findings the generated policies must remove.
REMOVED_RULES = ("TOPO-DATASTORE-FROM-ANY-POD", "K8S-NETPOL-MISSING")
_DNS = {
    "to": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
}
GENERATED_BY = "shieldwall.io/generated-by"


@dataclass
class Generated:
    """The policies by namespace, and the map links they leave out (with why)."""

    by_namespace: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)
    service_map: ServiceMap = field(default_factory=ServiceMap)

    def yaml(self, namespace: str) -> str:
        return yaml.safe_dump_all(self.by_namespace[namespace], sort_keys=False)


def _workloads(path: Path) -> dict[str, Workload]:
    inventory = load_inventory(walk(path), Settings().max_file_bytes)
    out = {}
    for obj in inventory.kubernetes:
        w = workload_of(obj)
        if w is not None:
            out[w.id] = w
    return out


def _peer(source: Workload, target_ns: str) -> dict[str, Any]:
    peer: dict[str, Any] = {"podSelector": {"matchLabels": dict(source.pod_labels)}}
    if source.namespace != target_ns:
        peer["namespaceSelector"] = {
            "matchLabels": {"kubernetes.io/metadata.name": source.namespace}
        }
    return peer


def _ports(ports: Iterable[int | None]) -> list[dict[str, Any]]:
    return [{"protocol": "TCP", "port": p} for p in sorted({p for p in ports if p})]


def _is_gateway(service_map: ServiceMap, node_id: str) -> bool:
    node = service_map.node(node_id)
    return node is not None and node.role == "gateway"


def _links(service_map: ServiceMap, workloads: Collection[str]) -> tuple[list[MapEdge], list[str]]:
    """The map's Kubernetes links to admit, and those left out (with why)."""
    keep, left_out = [], []
    # Without a gateway the exposed workloads are the entry points: they stay reachable.
    gateway = any(n.role == "gateway" and n.id in workloads for n in service_map.nodes)
    for e in service_map.edges:
        if e.target not in workloads:
            continue
        if e.source == INTERNET:
            if not gateway or _is_gateway(service_map, e.target) or e.through_gateway:
                keep.append(e)
            else:
                left_out.append(
                    f"{e.source} -> {e.target}:{e.port} ({e.evidence}): "
                    "outside traffic goes through the gateway only"
                )
            continue
        if e.source not in workloads:
            continue
        if e.via in OBSERVED_VIA or _is_gateway(service_map, e.source):
            keep.append(e)
    return keep, left_out


def _target_port(e: MapEdge, target: Workload) -> int | None:
    """The pod port of a link: the map gives the port called (a Service's); when no
    container declares it and the pod has exactly one declared port, that one."""
    declared = [
        int(p["containerPort"])
        for c in target.containers(("containers",))
        for p in c.body.get("ports") or ()
        if isinstance(p, Mapping) and isinstance(p.get("containerPort"), int)
    ]
    if e.port in declared or not declared:
        return e.port
    return declared[0] if len(declared) == 1 else e.port


def generate(path: Path) -> Generated:
    scan = run_scan(path, ScanOptions(analyzers="topology"), str(path))
    service_map = scan.result.service_map or ServiceMap()
    workloads = _workloads(path)
    links, left_out = _links(service_map, set(workloads))
    ingress: dict[str, list[dict[str, Any]]] = defaultdict(list)
    egress: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in links:
        target = workloads[e.target]
        port = _target_port(e, target)
        if e.source == INTERNET:
            ingress[e.target].append({"ports": _ports([port])})
            continue
        source = workloads[e.source]
        ingress[e.target].append(
            {"from": [_peer(source, target.namespace)], "ports": _ports([port])}
        )
        egress[e.source].append({"to": [_peer(target, source.namespace)], "ports": _ports([port])})
    out = Generated(left_out=left_out, service_map=service_map)
    for ns in sorted({w.namespace for w in workloads.values()}):
        out.by_namespace[ns] = [_default_deny(ns)]
    for wid, w in sorted(workloads.items()):
        if not w.pod_labels:
            out.left_out.append(f"{wid}: its pods have no labels to select them by")
            continue
        out.by_namespace[w.namespace].append(
            _policy(w, _merge(ingress[wid]), [*_merge(egress[wid]), _DNS])
        )
    return out


def _merge(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One rule per peer, with all its ports."""
    merged: dict[str, dict[str, Any]] = {}
    for rule in rules:
        peers = rule.get("from") or rule.get("to") or []
        key = yaml.safe_dump(peers, sort_keys=True)
        if key in merged:
            ports = {p["port"] for p in merged[key]["ports"]} | {p["port"] for p in rule["ports"]}
            merged[key]["ports"] = _ports(ports)
        else:
            merged[key] = {**rule, "ports": list(rule["ports"])}
    return [r for r in merged.values() if r["ports"] or r.get("from") or r.get("to")]


def _meta(name: str, ns: str) -> dict[str, Any]:
    return {"name": name, "namespace": ns, "labels": {GENERATED_BY: "shieldwall"}}


def _default_deny(ns: str) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": _meta("shieldwall-default-deny", ns),
        "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
    }


def _policy(
    w: Workload, ingress: list[dict[str, Any]], egress: list[dict[str, Any]]
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "podSelector": {"matchLabels": dict(w.pod_labels)},
        "policyTypes": ["Ingress", "Egress"],
    }
    if ingress:
        spec["ingress"] = ingress
    spec["egress"] = egress
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": _meta(f"shieldwall-{w.obj.kind.lower()}-{w.obj.name}", w.namespace),
        "spec": spec,
    }


@dataclass(frozen=True, slots=True)
class Verification:
    links: int  # links of the map the policies must keep
    kept: int
    lost: tuple[str, ...]
    extra: tuple[str, ...]  # pairs allowed after that the map did not show
    findings_before: dict[str, int]
    findings_after: dict[str, int]

    @property
    def ok(self) -> bool:
        return not self.lost and not self.extra and not any(self.findings_after.values())


def _pairs(service_map: ServiceMap) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for e in service_map.edges:
        if not e.allowed or e.source.startswith("compose/") or e.target.startswith("compose/"):
            continue
        if e.aggregate is not None:
            pairs.update((s, t) for s in e.aggregate.sources for t in e.aggregate.targets if s != t)
        else:
            pairs.add((e.source, e.target))
    return pairs


def _counts(findings: Iterable[Any]) -> dict[str, int]:
    """Findings of the removed rules on Kubernetes resources (policies do not cover compose)."""
    counts = dict.fromkeys(REMOVED_RULES, 0)
    for f in findings:
        if f.rule.id in counts and not f.resource.startswith("compose/"):
            counts[f.rule.id] += 1
    return counts


def _namespace_homes(service_map: ServiceMap) -> dict[str, str]:
    """The directory of the deployment unit that holds each namespace's workloads:
    policies apply within their unit, so they go beside the workloads they select."""
    homes: dict[str, str] = {}
    for n in sorted(service_map.nodes, key=lambda n: n.id):
        parts = n.id.split("/")
        kind, _, where = n.unit.partition(":")
        if len(parts) == 3 and kind == "directory" and where:
            homes.setdefault(parts[1], where)
    return homes


def verify(path: Path, generated: Generated) -> Verification:
    """Re-scan a copy of `path` with the generated policies added."""
    before = run_scan(path, ScanOptions(analyzers="config,topology"), str(path)).result
    homes = _namespace_homes(before.service_map or ServiceMap())
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "system"
        shutil.copytree(path, copy, symlinks=True)
        for ns in generated.by_namespace:
            home = copy / homes.get(ns, ".")
            (home / f"shieldwall-netpol-{ns}.yaml").write_text(generated.yaml(ns))
        after = run_scan(copy, ScanOptions(analyzers="config,topology"), str(copy)).result
    old_map, new_map = before.service_map or ServiceMap(), after.service_map or ServiceMap()
    workloads = {n.id for n in old_map.nodes if not n.id.startswith("compose/")}
    keep, _ = _links(old_map, workloads)
    wanted = {(e.source, e.target) for e in keep}
    now = _pairs(new_map)
    lost = sorted(f"{s} -> {t}" for s, t in wanted - now)
    extra = sorted(f"{s} -> {t}" for s, t in now - _pairs(old_map) - wanted)
    return Verification(
        links=len(wanted),
        kept=len(wanted & now),
        lost=tuple(lost),
        extra=tuple(extra),
        findings_before=_counts(before.findings),
        findings_after=_counts(after.findings),
    )
