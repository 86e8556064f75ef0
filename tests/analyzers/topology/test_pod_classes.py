"""The service map evaluates NetworkPolicies once per class of pods the policies
cannot tell apart and groups the links that only a policy allows. Checked here
against pairwise evaluation (every pod against every pod, the engine asked each
time): the same links, exposures and findings, on a generated 300-Deployment
tier system and on seeded random small systems."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from shieldwall.analyzers.base import ScanTarget
from shieldwall.analyzers.topology import map_inventory
from shieldwall.analyzers.topology.model import Topology
from shieldwall.model import Finding, ServiceMap, Settings
from shieldwall.sources.tree import walk
from shieldwall.system.netpol import Endpoint, Pod, Policy, PolicyEngine
from tests.analyzers.topology.test_topology import deploy, env

Link = tuple[str, str, int | None]


def build(root: Path) -> tuple[ServiceMap, list[Finding], Topology]:
    target = ScanTarget(walk(root), Settings())
    return map_inventory(target.inventory, target.settings)


# -- the oracle: every pair of pods, one by one ----------------------------------------------


def _names_pods(peer: object) -> bool:
    sel = peer.get("podSelector") if isinstance(peer, dict) else None
    return isinstance(sel, dict) and bool(sel.get("matchLabels") or sel.get("matchExpressions"))


def pairwise_policy_links(topo: Topology) -> set[Link]:
    """(source, target, port) for each pair a policy rule names by pod labels and the
    policies in force allow, as evaluated pod pair by pod pair."""
    engine = topo.engine
    nodes = [n for n in topo.nodes.values() if n.pod is not None]
    out: set[Link] = set()
    for policy in engine.policies:
        for direction, rules in (("Ingress", policy.ingress), ("Egress", policy.egress)):
            if direction not in policy.types:
                continue
            for rule in rules:
                peers = rule.get("from" if direction == "Ingress" else "to")
                if not isinstance(peers, list) or not any(_names_pods(p) for p in peers):
                    continue
                named = [p for p in peers if _names_pods(p)]
                for a in nodes:
                    if not policy.selects(a.pod):
                        continue
                    for b in nodes:
                        if not any(
                            engine.peer_matches(policy, p, Endpoint(pod=b.pod)) for p in named
                        ):
                            continue
                        src, dst = (b, a) if direction == "Ingress" else (a, b)
                        if src.id == dst.id:
                            continue
                        ports = (
                            [p for p, _ in dst.ports]
                            or [
                                e.get("port")
                                for e in rule.get("ports") or []
                                if isinstance(e, dict)
                            ]
                            or [None]
                        )
                        for port in ports:
                            if (port is None or isinstance(port, int)) and engine.can_connect(
                                src.pod, dst.pod, port
                            ):
                                out.add((src.id, dst.id, port))
    return out


def map_policy_links(m: ServiceMap) -> list[Link]:
    """The policy links of the map, group edges expanded as the JSON documents them."""
    url = {(e.source, e.target) for e in m.edges if e.via == "url"}
    out: list[Link] = []
    for e in m.edges:
        if e.via != "policy":
            continue
        if e.aggregate is None:
            out.append((e.source, e.target, e.port))
            continue
        pairs = [
            (s, t, e.port)
            for s in e.aggregate.sources
            for t in e.aggregate.targets
            if s != t and (s, t) not in url
        ]
        assert len(pairs) == e.aggregate.pairs
        assert (e.source, e.target, e.port) == pairs[0]
        out += pairs
    return out


def check_against_pairwise(m: ServiceMap, findings: list[Finding], topo: Topology) -> None:
    expected = pairwise_policy_links(topo)
    url_edges = [e for e in m.edges if e.via == "url"]
    url_pairs = {(e.source, e.target) for e in url_edges}
    links = map_policy_links(m)
    assert len(links) == len(set(links)), "a pair is drawn twice"
    assert set(links) == {x for x in expected if (x[0], x[1]) not in url_pairs}
    # a pair linked by a configured address carries the policy's evidence instead
    for e in url_edges:
        named = any((e.source, e.target) == (s, t) for s, t, _ in expected)
        assert ("allowed by" in e.evidence) == named, e
    # exposure: reached from the gateway by an allowed edge
    gateways = {n.id for n in m.nodes if n.role == "gateway"}
    reached = {t for s, t, _ in expected if s in gateways and (s, t) not in url_pairs}
    reached |= {e.target for e in url_edges if e.allowed and e.source in gateways}
    for node in m.nodes:
        if node.exposure != "internet" and node.role not in ("internet", "gateway"):
            assert (node.exposure == "gateway") == (node.id in reached), node.id
    # datastores open to any pod (their finding names the callers): who can open a
    # connection, pod by pod
    engine = topo.engine
    any_pod = {
        f.resource: f.message for f in findings if f.rule.id == "TOPO-DATASTORE-FROM-ANY-POD"
    }
    for node in topo.nodes.values():
        if node.role != "datastore" or node.pod is None or not node.any_pod:
            continue
        ports = [p for p, _ in node.ports] or [None]
        callers = [
            o.id
            for o in topo.nodes.values()
            if o.pod is not None
            and o.id != node.id
            and not o.pod.host_network
            and any(engine.can_connect(o.pod, node.pod, p) for p in ports)
        ]
        assert node.reachable_count == len(callers)
        assert node.reachable_from == callers[:8]
        if node.id in any_pod:
            shown = ", ".join(c.rsplit("/", 1)[-1] for c in callers[:8])
            assert f"{len(callers)} mapped workload(s) can open one: {shown}" in any_pod[node.id]


# -- a 300-Deployment tier system ------------------------------------------------------------

TIER_POLICIES = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-allows-web, namespace: shop}
spec:
  podSelector: {matchLabels: {tier: api}}
  ingress:
    - from: [{podSelector: {matchLabels: {tier: web}}}]
      ports: [{port: 9090}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-allows-api, namespace: shop}
spec:
  podSelector: {matchLabels: {tier: db}}
  ingress:
    - from: [{podSelector: {matchExpressions: [{key: tier, operator: In, values: [api]}]}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-allows-gateway, namespace: shop}
spec:
  podSelector: {matchLabels: {tier: web}}
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: edge}}
          podSelector: {matchLabels: {app: gateway}}
      ports: [{port: http}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: team-y-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {team: y}}
  policyTypes: [Egress]
  egress:
    - to: [{podSelector: {matchLabels: {tier: api, team: y}}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-web, namespace: shop}
spec:
  podSelector: {matchLabels: {tier: web}}
  ingress:
    - from: [{podSelector: {matchLabels: {tier: web}}}]
"""


def tier_system(n: int) -> str:
    parts = [TIER_POLICIES, deploy("gateway", ns="edge", image="envoyproxy/envoy:v1.31.0")]
    for i in range(n):
        tier = ("web", "api", "db")[i % 3]
        team = "y" if i % 5 == 0 else "x"
        image, port = ("postgres:16", 5432) if tier == "db" else ("registry/x:1", 8080)
        if tier == "api":
            port = 9090
        urls = env(API_URL=f"http://d{i + 1}.shop:9090") if tier == "web" and i % 4 == 0 else ""
        parts.append(
            deploy(
                f"d{i}",
                ns="shop",
                image=image,
                port=port,
                env=urls,
                labels=f", tier: {tier}, team: {team}",
            )
        )
    parts.append(deploy("cache", ns="ops", image="redis:7", port=6379))
    parts.append(deploy("tool", ns="ops"))
    return "---\n".join(parts)


def test_300_deployment_tier_system_matches_pairwise_evaluation(tmp_path: Path) -> None:
    (tmp_path / "system.yaml").write_text(tier_system(300))
    m, findings, topo = build(tmp_path)
    check_against_pairwise(m, findings, topo)
    grouped = [e for e in m.edges if e.aggregate is not None]
    # web -> web alone is 100 x 99 links: grouped, the map stays small
    assert grouped and len(m.edges) < 1000
    assert sum(e.aggregate.pairs for e in grouped if e.aggregate) > 10_000
    assert "TOPO-DATASTORE-FROM-ANY-POD" in {f.rule.id for f in findings}


# -- random small systems --------------------------------------------------------------------

LABELS = {"tier": ["a", "b", "c"], "role": ["x", "y"], "zone": ["1", "2"]}


def _selector(rng: random.Random) -> str:
    key = rng.choice(list(LABELS))
    if rng.random() < 0.3:
        values = rng.sample(LABELS[key], 2)
        return (
            f"{{matchExpressions: [{{key: {key}, operator: In, values: [{', '.join(values)}]}}]}}"
        )
    if rng.random() < 0.1:
        return f"{{matchExpressions: [{{key: {key}, operator: DoesNotExist}}]}}"
    return f"{{matchLabels: {{{key}: {rng.choice(LABELS[key])}}}}}"


def _peer(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.2:
        return f"{{namespaceSelector: {{}}, podSelector: {_selector(rng)}}}"
    if roll < 0.3:
        return "{ipBlock: {cidr: 0.0.0.0/0}}"
    return f"{{podSelector: {_selector(rng)}}}"


def _rule(rng: random.Random, key: str) -> str:
    peers = ", ".join(_peer(rng) for _ in range(rng.randint(1, 2)))
    ports = rng.choice(
        ["", ", ports: [{port: 8080}]", ", ports: [{port: http}]", ", ports: [{port: 5432}]"]
    )
    return f"    - {{{key}: [{peers}]{ports}}}\n"


def random_system(rng: random.Random) -> str:
    parts = []
    for i in range(rng.randint(4, 14)):
        ns = rng.choice(["n1", "n2"])
        labels = "".join(f", {k}: {rng.choice(v)}" for k, v in LABELS.items() if rng.random() < 0.7)
        image, port = rng.choice(
            [("registry/x:1", 8080), ("postgres:16", 5432), ("registry/x:1", 9090)]
        )
        urls = env(PEER_URL=f"http://w{rng.randint(0, 13)}.{ns}:8080") if rng.random() < 0.2 else ""
        gateway = i == 0 and rng.random() < 0.5
        parts.append(
            deploy(
                "gateway" if gateway else f"w{i}",
                ns=ns,
                image="envoyproxy/envoy:v1" if gateway else image,
                port=port,
                env=urls,
                labels=labels,
            )
        )
    for j in range(rng.randint(1, 4)):
        ns = rng.choice(["n1", "n2"])
        types = rng.choice(["[Ingress]", "[Egress]", "[Ingress, Egress]"])
        body = ""
        if "Ingress" in types:
            body += "  ingress:\n" + "".join(_rule(rng, "from") for _ in range(rng.randint(0, 2)))
        if "Egress" in types:
            body += "  egress:\n" + "".join(_rule(rng, "to") for _ in range(rng.randint(0, 2)))
        selector = "{}" if rng.random() < 0.3 else _selector(rng)
        parts.append(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
            f"metadata: {{name: p{j}, namespace: {ns}}}\n"
            f"spec:\n  podSelector: {selector}\n  policyTypes: {types}\n{body}"
        )
    return "---\n".join(parts)


@pytest.mark.parametrize("seed", range(40))
def test_random_small_systems_match_pairwise_evaluation(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    (tmp_path / "system.yaml").write_text(random_system(rng))
    m, findings, topo = build(tmp_path)
    check_against_pairwise(m, findings, topo)


# -- the profile itself ----------------------------------------------------------------------


def test_pods_with_the_same_profile_get_the_same_answers() -> None:
    rng = random.Random(7)
    compared = 0
    for _ in range(30):
        policies = []
        for j in range(rng.randint(1, 4)):
            ns = rng.choice(["n1", "n2"])
            spec = {
                "podSelector": {"matchLabels": {"tier": rng.choice(LABELS["tier"])}},
                "policyTypes": rng.choice([["Ingress"], ["Egress"], ["Ingress", "Egress"]]),
                "ingress": [{"from": [{"podSelector": {"matchLabels": {"role": "x"}}}]}],
                "egress": [
                    {
                        "to": [{"namespaceSelector": {}, "podSelector": {}}],
                        "ports": [{"port": "http"}],
                    }
                ],
            }
            policies.append(Policy.from_spec(f"NetworkPolicy/{ns}/p{j}", ns, spec))
        engine = PolicyEngine(policies, {"n1": {}, "n2": {}})
        pods = [
            Pod(
                f"n/{i}",
                rng.choice(["n1", "n2"]),
                {k: rng.choice(v) for k, v in LABELS.items() if rng.random() < 0.6},
                {"http": (8080, "TCP")} if rng.random() < 0.5 else {},
                rng.random() < 0.1,
            )
            for i in range(12)
        ]
        for a in pods:
            for b in pods:
                if a is b or engine.profile(a) != engine.profile(b):
                    continue
                compared += 1
                for other in pods:
                    for port in (8080, 9090, None):
                        assert engine.can_connect(a, other, port) == engine.can_connect(
                            b, other, port
                        )
                        assert engine.can_connect(other, a, port) == engine.can_connect(
                            other, b, port
                        )
    assert compared > 100  # pods do share profiles: the check above was exercised


def test_group_edge_in_the_json_contract_and_the_drawing(tmp_path: Path) -> None:
    from shieldwall.formats.service_map_dot import to_dot

    policy = TIER_POLICIES.split("---")[-1]  # web admits web
    pods = [deploy(f"w{i}", ns="shop", labels=", tier: web") for i in range(3)]
    (tmp_path / "system.yaml").write_text("---\n".join([policy, *pods]))
    m, _, _ = build(tmp_path)
    (group,) = [e for e in m.to_dict()["edges"] if e["via"] == "policy"]
    ids = [f"Deployment/shop/w{i}" for i in range(3)]
    assert group["aggregate"] == {"sources": ids, "targets": ids, "pairs": 6}
    assert (group["from"], group["to"], group["port"]) == (ids[0], ids[1], 8080)
    assert all("aggregate" not in e for e in m.to_dict()["edges"] if e["via"] != "policy")
    assert "(6 links)" in to_dot(m)


def test_over_the_class_pair_budget_policy_links_are_left_out_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shieldwall.analyzers.topology import policy_links

    (tmp_path / "system.yaml").write_text(tier_system(60))
    m, findings, topo = build(tmp_path)
    assert any(e.via == "policy" for e in m.edges) and not topo.warnings
    monkeypatch.setattr(policy_links, "CLASS_PAIR_BUDGET", 3)
    small_m, small_findings, small_topo = build(tmp_path)
    assert not any(e.via == "policy" for e in small_m.edges)
    (warning,) = small_topo.warnings
    assert "links that only a NetworkPolicy allows are left out" in warning
    assert {(f.rule.id, f.resource) for f in small_findings} == {
        (f.rule.id, f.resource) for f in findings
    }
    (cache,) = [
        f
        for f in small_findings
        if f.resource == "Deployment/ops/cache" and f.rule.id == "TOPO-DATASTORE-FROM-ANY-POD"
    ]
    assert "callers are not counted" in cache.message
