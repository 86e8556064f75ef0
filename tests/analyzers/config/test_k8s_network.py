"""NetworkPolicy rule messages say what the rule really admits."""

from __future__ import annotations

from pathlib import Path

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
