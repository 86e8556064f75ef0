"""Focused checks of the Kubernetes workload rules beyond the fixtures: odd shapes,
stable keys, and the secret / auth-disabling env heuristics."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from shieldwall.analyzers.config.credentials import literal_secret as _literal_secret
from shieldwall.analyzers.config.credentials import secret_like_name as _secret_like_name
from shieldwall.analyzers.config.k8s_workload.env import _disables_auth
from shieldwall.analyzers.config.k8s_workload.pod import _classify_host_path
from shieldwall.model import Settings
from tests.conftest import config_findings

HOSTILE = """apiVersion: apps/v1
kind: Deployment
metadata: {name: odd, namespace: shop}
spec:
  template:
    metadata: {annotations: [1, 2]}
    spec:
      securityContext: [runAsUser, 0]
      hostNetwork: "true"
      volumes: [x, {hostPath: /etc}, {name: 3, hostPath: {path: 7}}]
      containers:
        - "not a map"
        - name: 12
          image: 42
          imagePullPolicy: [Always]
          resources: {limits: "1Gi", requests: [cpu]}
          securityContext:
            runAsUser: "0"
            capabilities: {add: SYS_ADMIN, drop: {ALL: true}}
            seccompProfile: Unconfined
            seLinuxOptions: {type: [spc_t]}
          env: {DB_PASSWORD: hunter}
          envFrom: [secretRef, {secretRef: [x]}]
        - name: listy
          env:
            - {name: [API_KEY], value: x}
            - {name: API_KEY, value: [a, b]}
            - {name: API_KEY, valueFrom: {secretKeyRef: null}}
      initContainers: {name: x}
"""


def _scan(tmp_path: Path, text: str) -> list[tuple[str, int, str]]:
    (tmp_path / "k8s.yaml").write_text(text)
    return [(f.rule.id, f.location.start_line, f.key) for f in config_findings(tmp_path)]


def test_hostile_shapes_do_not_crash_and_still_report(tmp_path: Path) -> None:
    got = _scan(tmp_path, HOSTILE)
    rules = {rule for rule, _, _ in got}
    # a scalar `add` is still read as one capability; the string "true" is not hostNetwork
    assert ("K8S-CAPABILITY-DANGEROUS", 19, "containers[12].capabilities.add[SYS_ADMIN]") in got
    assert "K8S-HOST-NETWORK" not in rules
    assert "K8S-ENV-LITERAL-SECRET" not in rules


def test_keys_are_unique_per_rule_and_resource(tmp_path: Path) -> None:
    text = """apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers:
    - name: a
      image: registry.example/a:1.0
      securityContext: {capabilities: {add: [NET_RAW, CHOWN]}}
  initContainers:
    - name: a
      image: registry.example/a:1.0
"""
    (tmp_path / "p.yaml").write_text(text)
    findings = config_findings(tmp_path)
    counts = Counter((f.rule.id, f.resource, f.key) for f in findings)
    assert counts and max(counts.values()) == 1
    keys = {f.key for f in findings if f.rule.id == "K8S-RUN-AS-ROOT"}
    assert keys == {"containers[a]", "initContainers[a]"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("DB_PASSWORD", True),
        ("stripeApiKey", True),
        ("AWS_SECRET_ACCESS_KEY", True),
        ("SIGNING_KEY", True),
        ("DB_PASSWORD_FILE", False),
        ("SECRET_NAME", False),
        ("TOKEN_TTL", False),
        ("ACCESS_KEY_ID", False),
        ("TOKENIZER_MODEL", False),
        ("CACHE_KEY", False),
    ],
)
def test_secret_like_names(name: str, expected: bool) -> None:
    assert _secret_like_name(name) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("not-a-real-password", True),
        ("changeme", False),
        ("$(FROM_SECRET)", False),
        ("${FROM_ENV}", False),
        ("<set-me>", False),
        ("{{ .Values.password }}", False),
        ("/run/secrets/db", False),
        ("true", False),
        ("3600", False),
        ("", False),
        (True, False),
        (1234567, False),
    ],
)
def test_literal_secret_values(value: object, expected: bool) -> None:
    assert _literal_secret(value) is expected


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("AUTH_DISABLED", "true", True),
        ("DISABLE_AUTH", 1, True),
        ("ANONYMOUS_ACCESS", "yes", True),
        ("GF_AUTH_ANONYMOUS_ENABLED", True, True),
        ("SERVICE_AUTH_ENABLED", "false", True),
        ("POSTGRES_HOST_AUTH_METHOD", "trust", True),
        ("MYSQL_ALLOW_EMPTY_PASSWORD", "yes", True),
        ("AUTH_DISABLED", "false", False),
        ("AUTH_ENABLED", "true", False),
        ("GF_AUTH_DISABLE_LOGIN_FORM", "true", False),
        ("TLS_VERIFY_DISABLED", "true", False),
        ("AUTH_TIMEOUT", "0", False),
    ],
)
def test_auth_disabling_env(name: str, value: object, expected: bool) -> None:
    assert _disables_auth(name, value) is expected


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("/var/run/docker.sock", "K8S-RUNTIME-SOCKET"),
        ("/var/run/", "K8S-RUNTIME-SOCKET"),
        ("/", "K8S-HOSTPATH-SENSITIVE"),
        ("//etc//kubernetes/", "K8S-HOSTPATH-SENSITIVE"),
        ("/etc/../etc/shadow", "K8S-HOSTPATH-SENSITIVE"),
        ("/etcetera", "K8S-HOSTPATH"),
        ("/data/app", "K8S-HOSTPATH"),
    ],
)
def test_host_path_classes(path: str, rule: str) -> None:
    assert _classify_host_path(path).id == rule


VERSIONED = """apiVersion: v1
kind: Pod
metadata: {name: app, namespace: shop}
spec:
  securityContext:
    runAsUser: 1000
  containers:
    - name: app
      image: registry.example/app:1.4.2
      imagePullPolicy: IfNotPresent
"""


def test_pull_policy_and_low_uid_are_opt_in_next_to_the_digest_advice(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(VERSIONED)
    default = {f.rule.id for f in config_findings(tmp_path)}
    strict = {f.rule.id for f in config_findings(tmp_path, Settings(config_profile="strict"))}
    assert "K8S-IMAGE-NO-DIGEST" in default
    assert not default & {"K8S-IMAGE-PULL-POLICY", "K8S-LOW-UID"}
    assert {"K8S-IMAGE-PULL-POLICY", "K8S-LOW-UID"} <= strict


def test_findings_say_which_pod_security_profile_they_break(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(
        VERSIONED.replace(
            "      imagePullPolicy: IfNotPresent\n",
            "      securityContext:\n        capabilities:\n          add: [NET_RAW, CHOWN]\n",
        )
    )
    messages = {(f.rule.id, f.message.rsplit("(", 1)[-1]) for f in config_findings(tmp_path)}
    assert (
        "K8S-SECCOMP-NOT-SET",
        "breaks the Pod Security Standards restricted profile)",
    ) in messages
    added = {m for rule, m in messages if rule == "K8S-CAPABILITY-ADDED"}
    assert added == {
        "breaks the Pod Security Standards baseline profile)",
        "breaks the Pod Security Standards restricted profile)",
    }
