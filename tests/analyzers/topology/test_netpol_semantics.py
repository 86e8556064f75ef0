"""NetworkPolicy semantics, table-driven: each case is a set of policies, pods
and questions "may A connect to B on port P?", with the answer Kubernetes gives.

Cases marked [k8s docs] follow the examples of
https://kubernetes.io/docs/concepts/services-networking/network-policies/ ;
the others are ours. Print the table with expected and computed answers:

    .venv/bin/python -m tests.analyzers.topology.test_netpol_semantics
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml

from shieldwall.system.netpol import Pod, Policy, PolicyEngine


def pod(
    ns: str,
    name: str,
    named_ports: dict[str, tuple[int, str]] | None = None,
    host_network: bool = False,
    **labels: str,
) -> Pod:
    return Pod(f"{ns}/{name}", ns, labels, named_ports or {}, host_network)


@dataclass
class Case:
    name: str
    policies: str  # YAML stream of NetworkPolicy objects
    # (source pod or address, destination pod or address, port, protocol, expected)
    questions: list[tuple[Any, Any, int | None, str, bool]]
    namespaces: dict[str, dict[str, str]] = field(default_factory=dict)


FRONTEND = pod("default", "frontend", role="frontend")
DB = pod("default", "db", role="db")
OTHER = pod("default", "other", role="other")
MYPROJECT_POD = pod("myproject", "anything", app="x")
ELSEWHERE_POD = pod("elsewhere", "anything", app="x")
CLIENT_ALICE = pod("alice-ns", "client", role="client")
WORKER_ALICE = pod("alice-ns", "worker", role="worker")
CLIENT_DEFAULT = pod("default", "client", role="client")
WEB = pod("default", "web", {"http": (8080, "TCP")}, app="web")
WEB_NO_NAME = pod("default", "web2", app="web")
A = pod("default", "a", app="a")
B = pod("default", "b", app="b")
C = pod("default", "c", app="c")
NODE_AGENT = pod("default", "agent", host_network=True, app="agent")
PROD_POD = pod("prod", "api", app="api")
STAGING_POD = pod("staging", "api", app="api")
DNS = pod("kube-system", "coredns", **{"k8s-app": "kube-dns"})

CASES = [
    Case(
        "[k8s docs] test-network-policy: ingress from ipBlock/namespace/pod, egress to ipBlock",
        """
kind: NetworkPolicy
metadata: {name: test-network-policy, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}
        - namespaceSelector: {matchLabels: {project: myproject}}
        - podSelector: {matchLabels: {role: frontend}}
      ports: [{protocol: TCP, port: 6379}]
  egress:
    - to: [{ipBlock: {cidr: 10.0.0.0/24}}]
      ports: [{protocol: TCP, port: 5978}]
""",
        [
            (FRONTEND, DB, 6379, "TCP", True),
            (FRONTEND, DB, 6380, "TCP", False),
            (OTHER, DB, 6379, "TCP", False),
            (MYPROJECT_POD, DB, 6379, "TCP", True),
            (ELSEWHERE_POD, DB, 6379, "TCP", False),
            ("172.17.0.5", DB, 6379, "TCP", True),
            ("172.17.1.5", DB, 6379, "TCP", False),
            ("8.8.8.8", DB, 6379, "TCP", False),
            (FRONTEND, DB, 6379, "UDP", False),
            (DB, "10.0.0.5", 5978, "TCP", True),
            (DB, "10.0.0.5", 80, "TCP", False),
            (DB, "10.0.1.5", 5978, "TCP", False),
            (DB, FRONTEND, 80, "TCP", False),
            (FRONTEND, OTHER, 80, "TCP", True),
        ],
        {"myproject": {"project": "myproject"}, "elsewhere": {}},
    ),
    Case(
        "[k8s docs] default deny all ingress",
        """
kind: NetworkPolicy
metadata: {name: default-deny-ingress, namespace: default}
spec: {podSelector: {}, policyTypes: [Ingress]}
""",
        [
            (A, B, 80, "TCP", False),
            ("8.8.8.8", B, 80, "TCP", False),
            (A, "8.8.8.8", 443, "TCP", True),
            (A, ELSEWHERE_POD, 80, "TCP", True),
        ],
    ),
    Case(
        "[k8s docs] allow all ingress",
        """
kind: NetworkPolicy
metadata: {name: allow-all-ingress, namespace: default}
spec:
  podSelector: {}
  ingress: [{}]
  policyTypes: [Ingress]
""",
        [(A, B, 80, "TCP", True), ("8.8.8.8", B, 9999, "UDP", True)],
    ),
    Case(
        "[k8s docs] default deny all egress",
        """
kind: NetworkPolicy
metadata: {name: default-deny-egress, namespace: default}
spec: {podSelector: {}, policyTypes: [Egress]}
""",
        [
            (A, B, 80, "TCP", False),
            (A, "8.8.8.8", 443, "TCP", False),
            (ELSEWHERE_POD, B, 80, "TCP", True),
        ],
    ),
    Case(
        "[k8s docs] allow all egress",
        """
kind: NetworkPolicy
metadata: {name: allow-all-egress, namespace: default}
spec:
  podSelector: {}
  egress: [{}]
  policyTypes: [Egress]
""",
        [(A, B, 80, "TCP", True), (A, "8.8.8.8", 443, "TCP", True)],
    ),
    Case(
        "[k8s docs] default deny all ingress and all egress",
        """
kind: NetworkPolicy
metadata: {name: default-deny-all, namespace: default}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
""",
        [
            (A, B, 80, "TCP", False),
            (ELSEWHERE_POD, B, 80, "TCP", False),
            (A, ELSEWHERE_POD, 80, "TCP", False),
        ],
    ),
    Case(
        "[k8s docs] namespaceSelector AND podSelector in one peer",
        """
kind: NetworkPolicy
metadata: {name: and, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {user: alice}}
          podSelector: {matchLabels: {role: client}}
""",
        [
            (CLIENT_ALICE, DB, 5432, "TCP", True),
            (WORKER_ALICE, DB, 5432, "TCP", False),
            (CLIENT_DEFAULT, DB, 5432, "TCP", False),
        ],
        {"alice-ns": {"user": "alice"}},
    ),
    Case(
        "[k8s docs] namespaceSelector OR podSelector (two peers)",
        """
kind: NetworkPolicy
metadata: {name: or, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {user: alice}}
        - podSelector: {matchLabels: {role: client}}
""",
        [
            (CLIENT_ALICE, DB, 5432, "TCP", True),
            (WORKER_ALICE, DB, 5432, "TCP", True),
            (CLIENT_DEFAULT, DB, 5432, "TCP", True),
            (OTHER, DB, 5432, "TCP", False),
        ],
        {"alice-ns": {"user": "alice"}},
    ),
    Case(
        "[k8s docs] targeting a range of ports (endPort)",
        """
kind: NetworkPolicy
metadata: {name: multi-port-egress, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  policyTypes: [Egress]
  egress:
    - to: [{ipBlock: {cidr: 10.0.0.0/24}}]
      ports: [{protocol: TCP, port: 32000, endPort: 32768}]
""",
        [
            (DB, "10.0.0.1", 32000, "TCP", True),
            (DB, "10.0.0.1", 32500, "TCP", True),
            (DB, "10.0.0.1", 32768, "TCP", True),
            (DB, "10.0.0.1", 32769, "TCP", False),
            (DB, "10.0.0.1", 31999, "TCP", False),
        ],
    ),
    Case(
        "[k8s docs] targeting a namespace by its name (kubernetes.io/metadata.name)",
        """
kind: NetworkPolicy
metadata: {name: from-prod, namespace: default}
spec:
  podSelector: {matchLabels: {app: a}}
  ingress:
    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: prod}}}]
""",
        [(PROD_POD, A, 80, "TCP", True), (STAGING_POD, A, 80, "TCP", False)],
    ),
    Case(
        "egress and ingress must both allow a pod-to-pod connection",
        """
kind: NetworkPolicy
metadata: {name: a-egress-dns-only, namespace: default}
spec:
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  egress:
    - to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
      ports: [{port: 53, protocol: UDP}]
---
kind: NetworkPolicy
metadata: {name: b-from-a, namespace: default}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress: [{from: [{podSelector: {matchLabels: {app: a}}}]}]
""",
        [
            (A, B, 80, "TCP", False),
            (C, B, 80, "TCP", False),
            (A, DNS, 53, "UDP", True),
            (A, DNS, 53, "TCP", False),
        ],
    ),
    Case(
        "allowed = union of the policies that select the pod",
        """
kind: NetworkPolicy
metadata: {name: from-a, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress: [{from: [{podSelector: {matchLabels: {app: a}}}], ports: [{port: 5432}]}]
---
kind: NetworkPolicy
metadata: {name: from-b, namespace: default}
spec:
  podSelector: {matchExpressions: [{key: role, operator: Exists}]}
  ingress: [{from: [{podSelector: {matchLabels: {app: b}}}]}]
""",
        [
            (A, DB, 5432, "TCP", True),
            (A, DB, 80, "TCP", False),
            (B, DB, 80, "TCP", True),
            (C, DB, 5432, "TCP", False),
        ],
    ),
    Case(
        "named port resolved in the destination pod",
        """
kind: NetworkPolicy
metadata: {name: web-http, namespace: default}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{ports: [{port: http}]}]
""",
        [
            (A, WEB, 8080, "TCP", True),
            (A, WEB, 9090, "TCP", False),
            (A, WEB_NO_NAME, 8080, "TCP", False),
        ],
    ),
    Case(
        "policyTypes defaults: a policy with egress rules also isolates ingress",
        """
kind: NetworkPolicy
metadata: {name: egress-only-rules, namespace: default}
spec:
  podSelector: {matchLabels: {app: b}}
  egress: [{to: [{podSelector: {matchLabels: {app: c}}}]}]
""",
        [(A, B, 80, "TCP", False), (B, C, 80, "TCP", True), (B, A, 80, "TCP", False)],
    ),
    Case(
        "a policy selects pods of its own namespace only; podSelector peers likewise",
        """
kind: NetworkPolicy
metadata: {name: deny, namespace: staging}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
kind: NetworkPolicy
metadata: {name: from-api, namespace: default}
spec:
  podSelector: {matchLabels: {app: a}}
  ingress: [{from: [{podSelector: {matchLabels: {app: api}}}]}]
""",
        [
            (A, PROD_POD, 80, "TCP", True),
            (A, STAGING_POD, 80, "TCP", False),
            (PROD_POD, A, 80, "TCP", False),
        ],
    ),
    Case(
        "matchExpressions NotIn / DoesNotExist",
        """
kind: NetworkPolicy
metadata: {name: expr, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress:
    - from:
        - podSelector:
            matchExpressions:
              - {key: app, operator: NotIn, values: [c]}
              - {key: debug, operator: DoesNotExist}
""",
        [(A, DB, 1, "TCP", True), (C, DB, 1, "TCP", False), (FRONTEND, DB, 1, "TCP", True)],
    ),
    Case(
        "ports without a number admit every port of the protocol; SCTP/UDP kept apart",
        """
kind: NetworkPolicy
metadata: {name: udp-any, namespace: default}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress: [{ports: [{protocol: UDP}]}]
""",
        [(A, B, 53, "UDP", True), (A, B, 9999, "UDP", True), (A, B, 53, "TCP", False)],
    ),
    Case(
        "host-network pods are not policed and match no pod selector",
        """
kind: NetworkPolicy
metadata: {name: deny-all, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  ingress: [{from: [{podSelector: {matchLabels: {app: agent}}}]}]
""",
        [(NODE_AGENT, A, 80, "TCP", False), (A, NODE_AGENT, 80, "TCP", False)],
    ),
    Case(
        "ipBlock peers never match pods (pod IPs are not in manifests)",
        """
kind: NetworkPolicy
metadata: {name: cidr-only, namespace: default}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}]}]
""",
        [
            (A, B, 80, "TCP", False),
            ("203.0.113.9", B, 80, "TCP", True),
            ("2001:db8::1", B, 80, "TCP", False),
        ],
    ),
]


def engine_for(case: Case) -> PolicyEngine:
    policies = []
    for doc in yaml.safe_load_all(case.policies):
        meta = doc["metadata"]
        policies.append(
            Policy.from_spec(
                f"NetworkPolicy/{meta['namespace']}/{meta['name']}", meta["namespace"], doc["spec"]
            )
        )
    return PolicyEngine(policies, case.namespaces)


def answer(engine: PolicyEngine, src: Any, dst: Any, port: int | None, proto: str) -> bool:
    if isinstance(src, Pod) and isinstance(dst, Pod):
        return engine.can_connect(src, dst, port, proto)
    if isinstance(dst, Pod):  # from an address: the destination's ingress decides
        return engine.ingress_verdict(dst, src, port, proto).allowed
    return engine.egress_verdict(src, dst, port, proto).allowed


def _label(x: Any) -> str:
    return x.id if isinstance(x, Pod) else str(x)


ROWS = [(case, q) for case in CASES for q in case.questions]


@pytest.mark.parametrize(
    ("case", "question"),
    ROWS,
    ids=[f"{c.name[:40]}|{_label(q[0])}->{_label(q[1])}:{q[2]}/{q[3]}" for c, q in ROWS],
)
def test_semantics(case: Case, question: tuple[Any, Any, int | None, str, bool]) -> None:
    src, dst, port, proto, expected = question
    computed = answer(engine_for(case), src, dst, port, proto)
    assert computed is expected, f"{case.name}: {_label(src)} -> {_label(dst)}:{port}/{proto}"


def test_the_table_covers_every_documented_example() -> None:
    documented = [c for c in CASES if c.name.startswith("[k8s docs]")]
    assert len(documented) >= 9
    assert len(ROWS) >= 60


def table() -> list[str]:
    lines = ["| case | from | to | port | expected | computed | |", "|---|---|---|---|---|---|---|"]
    for case, (src, dst, port, proto, expected) in ROWS:
        computed = answer(engine_for(case), src, dst, port, proto)
        lines.append(
            f"| {case.name} | {_label(src)} | {_label(dst)} | {port}/{proto} | "
            f"{'allow' if expected else 'deny'} | {'allow' if computed else 'deny'} | "
            f"{'ok' if computed == expected else 'MISMATCH'} |"
        )
    return lines


if __name__ == "__main__":
    print("\n".join(table()))
