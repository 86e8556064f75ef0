"""Links that NetworkPolicies name, evaluated once per pair of pod classes, and
who may connect to each workload (datastores open to any pod, egress)."""

from __future__ import annotations

from typing import Any

from shieldwall.analyzers.topology.model import (
    ANY_POD,
    SHOWN,
    GroupEdge,
    NodeDraft,
    Topology,
)
from shieldwall.system.netpol import INGRESS, Endpoint
from shieldwall.system.services import (
    Mesh,
)

# Pods the NetworkPolicies cannot tell apart (same PolicyEngine.profile), in map order.
Classes = dict[tuple[Any, ...], list[NodeDraft]]
# Pairs of pod classes evaluated at most, for policy links and for datastore callers:
# pods labelled so that no two are alike, under policies naming them by label, would
# otherwise cost one evaluation per pair of pods again.
CLASS_PAIR_BUDGET = 100_000


def pod_classes(topo: Topology) -> Classes:
    classes: Classes = {}
    for node in topo.nodes.values():
        if node.pod is not None:
            classes.setdefault(topo.engine.profile(node.pod), []).append(node)
    return classes


def policy_edges(topo: Topology, classes: Classes, mesh: Mesh) -> None:
    """Edges for the peers that NetworkPolicies name explicitly (by pod labels),
    evaluated once per pair of pod classes, not per pair of pods."""
    engine = topo.engine
    reps = [(key, members[0].pod) for key, members in classes.items()]
    named_by: dict[tuple[tuple[Any, ...], tuple[Any, ...]], list[dict[str, Any]]] = {}
    budget = CLASS_PAIR_BUDGET
    for policy in engine.policies:
        for direction, rules in (("Ingress", policy.ingress), ("Egress", policy.egress)):
            if direction not in policy.types:
                continue
            selected = [k for k, pod in reps if pod is not None and policy.selects(pod)]
            for rule in rules:
                if not isinstance(rule, dict):
                    continue
                peers = rule.get("from" if direction == INGRESS else "to")
                if not isinstance(peers, list):
                    continue
                named = [
                    p for p in peers if isinstance(p, dict) and _names_pods(p.get("podSelector"))
                ]
                if not named:
                    continue
                others = [
                    k
                    for k, pod in reps
                    if pod is not None
                    and any(engine.peer_matches(policy, p, Endpoint(pod=pod)) for p in named)
                ]
                budget -= len(selected) * len(others)
                if budget < 0:
                    topo.warnings.append(
                        f"service map: the NetworkPolicies name more than {CLASS_PAIR_BUDGET:,} "
                        f"pairs of pod classes ({len(reps):,} classes of pods that no two "
                        "policies treat alike); links that only a NetworkPolicy allows are left "
                        "out of the map (findings do not depend on them)"
                    )
                    return
                for a in selected:
                    for b in others:
                        pair = (b, a) if direction == INGRESS else (a, b)
                        named_by.setdefault(pair, []).append(rule)
    mtls: dict[tuple[str, int | None], tuple[str, str]] = {}
    for pair, by in named_by.items():
        _policy_group(topo, pair, classes, by, mesh, mtls)


def _names_pods(selector: Any) -> bool:
    return isinstance(selector, dict) and bool(
        selector.get("matchLabels") or selector.get("matchExpressions")
    )


def _policy_group(
    topo: Topology,
    keys: tuple[tuple[Any, ...], tuple[Any, ...]],
    classes: Classes,
    rules: list[dict[str, Any]],
    mesh: Mesh,
    mtls: dict[tuple[str, int | None], tuple[str, str]],
) -> None:
    """The policy links from one class of pods to another: the verdict of one pair
    stands for all, the targets split by their container ports and mTLS mode."""
    sources, targets = classes[keys[0]], classes[keys[1]]
    if len(sources) == 1 and targets == sources:
        return  # a pod to itself
    src = sources[0].pod
    by_ports: dict[tuple[int, ...], list[NodeDraft]] = {}
    for t in targets:
        by_ports.setdefault(tuple(p for p, _ in t.ports), []).append(t)
    for ports, dsts in by_ports.items():
        dst = dsts[0].pod
        assert src is not None and dst is not None
        candidates: list[Any] = []
        for rule in rules:
            candidates += (
                list(ports)
                or [e.get("port") for e in rule.get("ports") or [] if isinstance(e, dict)]
                or [None]
            )
        for port in dict.fromkeys(candidates):
            if not isinstance(port, int) and port is not None:
                continue
            if not topo.engine.can_connect(src, dst, port):
                continue
            policy_ids = sorted(
                {p.id for p in topo.engine.selecting(dst, "Ingress")}
                | {p.id for p in topo.engine.selecting(src, "Egress")}
            )
            by_mode: dict[tuple[str, str], list[NodeDraft]] = {}
            for t in dsts:
                mode = mtls.get((t.id, port))
                if mode is None:
                    assert t.workload is not None
                    name, pa = mesh.mtls(t.workload, port)
                    mode = mtls[(t.id, port)] = (
                        "STRICT" if name == "STRICT" else "",
                        pa.id if name == "STRICT" and pa is not None else "",
                    )
                by_mode.setdefault(mode, []).append(t)
            for (strict_mode, pa_id), members in by_mode.items():
                group = GroupEdge(
                    [n.id for n in sources],
                    [n.id for n in members],
                    port,
                    bool(strict_mode),
                    f"allowed by {', '.join(policy_ids)}",
                    members[0].path,
                    members[0].line,
                    mtls=pa_id,
                )
                if group.pairs():
                    topo.groups[(*keys, ports, port, strict_mode, pa_id)] = group


def k8s_isolation(topo: Topology, classes: Classes) -> None:
    engine = topo.engine
    for node in topo.nodes.values():
        pod = node.pod
        if pod is None:
            continue
        ports: list[int | None] = [p for p, _ in node.ports] or [None]
        for port in ports:
            verdict = engine.ingress_verdict(pod, ANY_POD, port)
            if verdict.allowed:
                node.any_pod = True
                node.any_pod_note = verdict.why
                break
        node.open_ingress = node.any_pod
        out = engine.to_internet(pod)
        node.open_egress = out.allowed
        node.egress_verdict = out
    order = {node_id: i for i, node_id in enumerate(topo.nodes)}
    # Callers are named only in the finding about datastores open to any pod.
    open_stores = [n for n in topo.nodes.values() if n.role == "datastore" and n.any_pod]
    if len(open_stores) * len(classes) > CLASS_PAIR_BUDGET:
        for node in open_stores:
            node.reachable_count = None
        return
    for node in open_stores:
        if node.pod is None:
            continue
        ports = [p for p, _ in node.ports] or [None]
        callers: dict[tuple[Any, ...], list[NodeDraft]] = {}
        for key, members in classes.items():
            other = members[0].pod
            if other is None or other.host_network:
                continue
            if any(engine.can_connect(other, node.pod, p) for p in ports):
                callers[key] = members
        # The first few callers in map order: the first of each class are enough.
        first = [m for ms in callers.values() for m in ms[: SHOWN + 1] if m.id != node.id]
        first.sort(key=lambda m: order[m.id])
        node.reachable_from = [m.id for m in first[:SHOWN]]
        itself = engine.profile(node.pod) in callers
        node.reachable_count = sum(len(ms) for ms in callers.values()) - itself
