"""Behaviour of the control-plane rules beyond the per-rule fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from shieldwall.analyzers.config.k8s_control_plane.components import _parse_flags
from shieldwall.analyzers.config.k8s_control_plane.kubelet import _is_zero_duration
from tests.conftest import config_findings


def _hits(write, text: str, prefix: str = "K8S-") -> list[tuple[str, int]]:
    root: Path = write({"cluster.yaml": text})
    return sorted(
        (f.rule.id, f.location.start_line)
        for f in config_findings(root)
        if f.rule.id.startswith(prefix)
    )


def test_flag_forms_and_last_one_wins() -> None:
    flags = _parse_flags(
        [
            ("--profiling", 1),  # bare boolean
            ("--secure-port", 2),
            ("0", 3),  # separate value
            ("--anonymous-auth=true", 4),
            ("--anonymous-auth=false", 5),  # the last occurrence wins
            ("positional", 6),
        ]
    )
    assert flags["profiling"].value == "true"
    assert (flags["secure-port"].value, flags["secure-port"].line) == ("0", 2)
    assert (flags["anonymous-auth"].value, flags["anonymous-auth"].line) == ("false", 5)
    assert "positional" not in flags


@pytest.mark.parametrize(
    ("value", "zero"),
    [("0", True), ("0s", True), ("0h0m0s", True), ("5m", False), ("0h5m0s", False), ("", False)],
)
def test_zero_duration(value: str, zero: bool) -> None:
    assert _is_zero_duration(value) is zero


def test_kubeadm_extra_args_judge_explicit_values_only(write) -> None:
    text = """apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
apiServer:
  extraArgs:
    - name: authorization-mode
      value: AlwaysAllow
    - name: profiling
      value: "true"
etcd:
  local:
    extraArgs:
      client-cert-auth: "false"
"""
    assert _hits(write, text) == [
        ("K8S-APISERVER-AUTHZ-ALWAYS-ALLOW", 6),
        ("K8S-APISERVER-PROFILING", 8),
        ("K8S-ETCD-CLIENT-CERT-AUTH", 12),
    ]


def test_component_behind_a_different_entrypoint_is_not_judged(write) -> None:
    text = """apiVersion: v1
kind: Pod
metadata:
  name: tooling
spec:
  containers:
    - name: etcdctl
      image: registry.k8s.io/etcd:3.5.12-0
      command: ["etcdctl", "--endpoints=http://etcd:2379", "endpoint", "health"]
    - name: wrapper
      image: example.com/kube-apiserver-wrapper:1.0
      command: ["/bin/run-apiserver.sh", "--profiling=true"]
"""
    judged = [rid for rid, _ in _hits(write, text) if rid.startswith(("K8S-ETCD", "K8S-APISERVER"))]
    assert judged == []


def test_hostile_shapes_do_not_crash(write) -> None:
    text = """apiVersion: v1
kind: Pod
metadata:
  name: odd
spec:
  containers:
    - name: a
      command: kube-apiserver --secure-port=0
    - name: b
      command: [[kube-apiserver], {x: 1}, null]
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication: [1, 2]
authorization: yes
readOnlyPort: {port: 1}
featureGates: [RotateKubeletServerCertificate]
---
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - providers: identity
  - resources: secrets
    providers: [[identity]]
  - 7
---
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  - level: None
    resources: {group: ""}
  - 5
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata:
  name: odd
spec:
  allowedHostPaths: {pathPrefix: /}
  runAsUser: RunAsAny
  allowedCapabilities: SYS_ADMIN
"""
    rules = {rid for rid, _ in _hits(write, text)}
    # a command written as one string is still understood
    assert "K8S-APISERVER-SECURE-PORT-DISABLED" in rules


def test_audit_rule_restricted_to_users_does_not_hide_exec(write) -> None:
    text = """apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  - level: None
    userGroups: ["system:nodes"]
  - level: None
    resources:
      - group: ""
        resources: ["pods/*"]
  - level: Metadata
"""
    # pods/* matches exec, attach and portforward: one finding on that rule's level
    assert _hits(write, text, "K8S-AUDIT") == [("K8S-AUDIT-POLICY-SENSITIVE-ACTIONS", 6)]
