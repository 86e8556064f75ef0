"""Findings read off the graph. Each is a statement about paths (who reaches
whom, how), located on the workload it concerns; the config analyzer's findings
about single fields (a Service type, an env URL, a missing policy) stay where
they are and are not repeated."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from shieldwall.analyzers.topology.model import EdgeDraft, Entry, NodeDraft, Topology
from shieldwall.model.service_map import INTERNET


@dataclass(frozen=True, slots=True)
class GraphHit:
    rule: str
    path: str
    line: int
    resource: str
    message: str
    key: str
    node: str = ""  # node id the finding belongs to
    edge: tuple[str, str, int | None, str] | None = None  # or edge key


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
    for key, edge in topo.edges.items():
        yield from _plaintext(topo, key, edge)


def _exposure(node: NodeDraft, only_way_in: bool = False) -> Iterator[GraphHit]:
    if node.role == "gateway":
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
        yield GraphHit(
            "TOPO-EXPOSED-PAST-GATEWAY",
            direct[0].path or node.path,
            direct[0].line or node.line,
            node.id,
            f"{node.id} is reachable from the internet without passing the gateway: "
            f"{_paths(direct)}; {_with_note(policy, _it(node, direct[0].policy_note))}"
            + (
                f"; it is the only way in and no gateway was found: if it is the gateway, "
                f"declare it in .shieldwall.yaml (`gateway: {{workloads: [{node.name}]}}`)"
                if only_way_in
                else ""
            ),
            "exposed",
            node=node.id,
        )
    unauth = [e for e in open_entries if e.layer7 and not e.authenticated]
    if unauth:
        yield GraphHit(
            "TOPO-ROUTE-NO-AUTH",
            unauth[0].path or node.path,
            unauth[0].line or node.line,
            node.id,
            f"{node.id} can be called from the internet with no authentication on the path: "
            f"{_paths(unauth)} (no authenticating gateway, auth annotation or filter, and no "
            "Istio RequestAuthentication/AuthorizationPolicy covers it)",
            "route-no-auth",
            node=node.id,
        )


def _it(node: NodeDraft, note: str) -> str:
    """A policy note about the finding's own node, naming it "it": the message names it."""
    return re.sub(re.escape(node.id) + r"(?![\w.-])", "it", note)


def _with_note(text: str, note: str) -> str:
    """`text (note)`, or `text` alone when the note only says it again."""
    return f"{text} ({note})" if note and note != text else text


def _datastore(node: NodeDraft) -> Iterator[GraphHit]:
    if node.role != "datastore":
        return
    open_entries = [e for e in node.entries if e.allowed]
    if open_entries:
        yield GraphHit(
            "TOPO-DATASTORE-FROM-INTERNET",
            node.path,
            node.line,
            node.id,
            f"datastore {node.id} is reachable from the internet: {_paths(open_entries)}",
            "internet",
            node=node.id,
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
            "TOPO-DATASTORE-FROM-ANY-POD",
            node.path,
            line,
            node.id,
            f"datastore {node.id} accepts connections"
            f"{f' on port {port}' if port else ''} from {who} ({_it(node, node.any_pod_note)}); "
            f"{mapped}",
            "any-pod",
            node=node.id,
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
        "TOPO-EGRESS-INTERNET",
        path,
        line,
        node.id,
        f"{node.id} ({node.sensitive}) may open connections to any address on the internet: "
        f"{_it(node, why)}",
        "egress",
        node=node.id,
    )


def _plaintext(
    topo: Topology, key: tuple[str, str, int | None, str], edge: EdgeDraft
) -> Iterator[GraphHit]:
    if edge.source == INTERNET or edge.encrypted or not edge.plaintext or not edge.allowed:
        return
    src = topo.nodes.get(edge.source)
    if src is None:
        return
    port = f" port {edge.port}" if edge.port else ""
    evidence = "; ".join(edge.plaintext[:3])
    mesh = "no service mesh enforces mTLS on it" if src.compose is None else "compose has no mTLS"
    yield GraphHit(
        "TOPO-PLAINTEXT-EDGE",
        src.path,
        src.line,
        src.id,
        f"link {src.id} -> {edge.target}{port} carries plaintext: configured as {evidence}; "
        f"the network lets it through ({edge.allowed_note}) and {mesh}",
        f"->{edge.target}:{edge.port or '*'}",
        edge=key,
    )
