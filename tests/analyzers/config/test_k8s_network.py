"""NetworkPolicy rules: messages say what a rule really admits; a namespace whose
workloads all have their own ingress policy is not reported as open by default."""

from __future__ import annotations

from pathlib import Path

from shieldwall.model import Settings
from tests.conftest import config_findings

POLICY = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: metrics, namespace: ops}
spec:
  podSelector: {matchLabels: {app: ctl}}
  ingress:
    - from:
        - namespaceSelector: {}
      ports:
        - port: 8082
    - from:
        - namespaceSelector: {}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ctl, namespace: ops}
spec:
  template:
    metadata: {labels: {app: ctl}}
    spec:
      containers:
        - {name: ctl, image: registry.example/ctl:1.0}
"""


def test_allow_all_message_says_when_a_port_narrows_the_rule(tmp_path: Path) -> None:
    (tmp_path / "netpol.yaml").write_text(POLICY)
    messages = sorted(
        f.message for f in config_findings(tmp_path) if f.rule.id == "K8S-NETPOL-ALLOW-ALL"
    )
    assert len(messages) == 2
    assert messages[0].startswith("ingress rule 1") and messages[0].endswith("on port 8082 only")
    assert messages[1].startswith("ingress rule 2") and "only" not in messages[1]


def _workload(name: str) -> str:
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: shop}}
spec:
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - {{name: {name}, image: registry.example/{name}:1.0}}
"""


def _own_policy(name: str) -> str:
    return f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {name}, namespace: shop}}
spec:
  podSelector: {{matchLabels: {{app: {name}}}}}
  policyTypes: [Ingress]
  ingress:
    - from:
        - podSelector: {{matchLabels: {{app: web}}}}
"""


def _default_deny_findings(tmp_path: Path, docs: list[str], profile: str) -> list[str]:
    (tmp_path / "shop.yaml").write_text("---\n".join(docs))
    return [
        f.message
        for f in config_findings(tmp_path, Settings(config_profile=profile))
        if f.rule.id == "K8S-NETPOL-NO-DEFAULT-DENY"
    ]


def test_missing_default_deny_is_hardening_advice_when_every_workload_has_a_policy(
    tmp_path: Path,
) -> None:
    docs = [_workload("api"), _workload("db"), _own_policy("api"), _own_policy("db")]
    assert _default_deny_findings(tmp_path, docs, "default") == []
    (strict,) = _default_deny_findings(tmp_path, docs, "strict")
    assert "the next workload added would start reachable" in strict


def test_missing_default_deny_is_reported_while_a_workload_has_no_policy(tmp_path: Path) -> None:
    docs = [_workload("api"), _workload("db"), _own_policy("api")]
    (finding,) = _default_deny_findings(tmp_path, docs, "default")
    assert finding.endswith("has no default-deny ingress NetworkPolicy")


def test_missing_default_deny_counts_a_workload_written_twice_once(tmp_path: Path) -> None:
    (tmp_path / "variant.yaml").write_text(_workload("api"))
    docs = [_workload("api"), _workload("db")]
    (finding,) = _default_deny_findings(tmp_path, docs, "default")
    assert "runs 2 workload(s) (api, db)" in finding
    many = [_workload(f"w{i}") for i in range(7)]
    (finding,) = _default_deny_findings(tmp_path, many, "default")
    assert "runs 8 workload(s) (api, w0, w1, w2, w3 and 3 more)" in finding
