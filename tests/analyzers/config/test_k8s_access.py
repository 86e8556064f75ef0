"""Focused checks of the RBAC and service-account rules: odd shapes, cross-file
resolution and the one-cause-one-finding split between service-account rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shieldwall.engine.project_config import load_config
from shieldwall.errors import ConfigError
from shieldwall.model import Settings
from tests.conftest import config_findings

HOSTILE = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: odd}
rules: "everything"
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: odd2}
rules:
  - "x"
  - {apiGroups: "", resources: secrets, verbs: get}
  - {apiGroups: [1, null], resources: [{a: b}], verbs: [7]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: odd}
subjects: {kind: User, name: system:anonymous}
roleRef: [ClusterRole, cluster-admin]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: odd, namespace: shop}
subjects: [null, {kind: [ServiceAccount], name: {x: 1}}]
roleRef: {kind: ClusterRole, name: 12}
---
apiVersion: v1
kind: Pod
metadata: {name: odd, namespace: shop}
spec:
  serviceAccountName: 12
  automountServiceAccountToken: "no"
  volumes: [{projected: {sources: "x"}}]
  containers: [{name: a, image: registry.example/a:1.0}]
"""


def _rules(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, int]]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return [(f.rule.id, f.location.path, f.location.start_line) for f in config_findings(tmp_path)]


def test_hostile_shapes_do_not_crash(tmp_path: Path) -> None:
    got = _rules(tmp_path, {"rbac.yaml": HOSTILE})
    # scalar apiGroups/resources/verbs are read as one-item lists
    assert ("K8S-RBAC-READ-SECRETS", "rbac.yaml", 11) in got


ROLE = """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: ops-all, namespace: ops}
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: bot-all, namespace: ops}
subjects:
  - kind: ServiceAccount
    name: bot
roleRef: {kind: Role, name: ops-all, apiGroup: rbac.authorization.k8s.io}
"""

WORKLOAD = """apiVersion: apps/v1
kind: Deployment
metadata: {name: bot, namespace: ops}
spec:
  template:
    spec:
      serviceAccountName: bot
      containers:
        - name: bot
          image: registry.example/bot:1.0
"""


def test_binding_resolved_across_files(tmp_path: Path) -> None:
    got = _rules(tmp_path, {"rbac.yaml": ROLE, "deploy.yaml": WORKLOAD})
    assert ("K8S-SA-ADMIN-WORKLOAD", "deploy.yaml", 7) in got
    # `*` on `*` is one wildcard finding per field, not also every specific permission
    role_rules = {rule for rule, path, _ in got if path == "rbac.yaml"}
    assert role_rules == {"K8S-RBAC-WILDCARD"}
    # the account is bound, so its mounted token is not "unused"
    assert not any(rule == "K8S-SA-TOKEN-AUTOMOUNT" for rule, _, _ in got)


def test_unbound_account_token_is_reported_once(tmp_path: Path) -> None:
    got = _rules(tmp_path, {"deploy.yaml": WORKLOAD})
    account_rules = [rule for rule, _, _ in got if rule.startswith(("K8S-SA-", "K8S-DEFAULT-SA-"))]
    assert account_rules == ["K8S-SA-TOKEN-AUTOMOUNT"]


def test_token_a_vault_agent_logs_in_with_is_not_unused(tmp_path: Path) -> None:
    inject = '    metadata: {annotations: {vault.hashicorp.com/agent-inject: "true"}}\n'
    injected = WORKLOAD.replace("  template:\n", "  template:\n" + inject)
    got = _rules(tmp_path, {"deploy.yaml": injected})
    assert not any(rule == "K8S-SA-TOKEN-AUTOMOUNT" for rule, _, _ in got)
    # switched off, the agent is not injected: the token is unused again
    got = _rules(tmp_path, {"deploy.yaml": injected.replace('"true"', '"false"')})
    assert any(rule == "K8S-SA-TOKEN-AUTOMOUNT" for rule, _, _ in got)


def test_default_account_with_admin_rights(tmp_path: Path) -> None:
    binding = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everyone-admin}
subjects:
  - {kind: ServiceAccount, name: default, namespace: ops}
roleRef: {kind: ClusterRole, name: cluster-admin, apiGroup: rbac.authorization.k8s.io}
"""
    pod = """apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ops}
spec:
  containers: [{name: a, image: registry.example/a:1.0}]
"""
    got = _rules(tmp_path, {"crb.yaml": binding, "pod.yaml": pod})
    assert ("K8S-RBAC-CLUSTER-ADMIN-BINDING", "crb.yaml", 6) in got
    assert ("K8S-RBAC-DEFAULT-SA-BINDING", "crb.yaml", 5) in got
    assert ("K8S-SA-ADMIN-WORKLOAD", "pod.yaml", 4) in got
    assert ("K8S-DEFAULT-SA-TOKEN", "pod.yaml", 4) in got


GET_ONLY_EXEC = """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: viewer, namespace: ops}
rules:
  - apiGroups: [""]
    resources: ["pods/exec", "pods/portforward"]
    verbs: ["get"]
"""


def test_get_only_exec_counts_on_clusters_before_websocket_needed_create(tmp_path: Path) -> None:
    (tmp_path / "role.yaml").write_text(GET_ONLY_EXEC)
    old = {f.rule.id for f in config_findings(tmp_path, Settings(kubernetes_version=(1, 29)))}
    current = {f.rule.id for f in config_findings(tmp_path)}
    assert {"K8S-RBAC-POD-EXEC", "K8S-RBAC-PORT-FORWARD"} <= old
    assert not current & {"K8S-RBAC-POD-EXEC", "K8S-RBAC-PORT-FORWARD"}


def test_cluster_version_and_profile_are_read_from_the_project_config(tmp_path: Path) -> None:
    cfg = tmp_path / ".shieldwall.yaml"
    cfg.write_text('kubernetes:\n  version: "v1.29.4"\nprofile: strict\n')
    settings = load_config(cfg, cfg.name).settings
    assert settings.kubernetes_version == (1, 29)
    assert settings.config_profile == "strict"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kubernetes:\n  version: soon\n", ":2: version: 'soon' is not a Kubernetes version"),
        ("kubernetes: 1.29\n", ":1: kubernetes must be a mapping"),
        ("profile: loud\n", ":1: profile: 'loud' is not a profile"),
    ],
)
def test_bad_cluster_version_or_profile_names_the_line(
    tmp_path: Path, text: str, message: str
) -> None:
    cfg = tmp_path / ".shieldwall.yaml"
    cfg.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(cfg, cfg.name)


def test_wildcard_message_names_the_dangerous_permissions_it_covers(tmp_path: Path) -> None:
    (tmp_path / "role.yaml").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
        "metadata: {name: deleter}\nrules:\n"
        '  - {apiGroups: ["*"], resources: ["*"], verbs: [delete, get, patch]}\n'
    )
    found = config_findings(tmp_path)
    wildcard = [f.message for f in found if f.key == "rules[0].resources"]
    assert wildcard and "proxy to the kubelet" in wildcard[0]
    assert "modify admission webhooks" in wildcard[0]
    ids = {f.rule.id for f in found}
    assert not ids & {"K8S-RBAC-NODES-PROXY", "K8S-RBAC-ADMISSION-WEBHOOKS", "K8S-RBAC-POD-EXEC"}


def _rules_of(tmp_path: Path, rule: str) -> list[tuple[str, str, int]]:
    (tmp_path / "role.yaml").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
        f"metadata: {{name: r}}\nrules:\n  - {rule}\n"
    )
    return [(f.rule.id, f.key or "", f.location.start_line) for f in config_findings(tmp_path)]


def test_read_all_rule_is_one_wildcard_finding_that_says_it_reads_secrets(
    tmp_path: Path,
) -> None:
    found = _rules_of(tmp_path, '{apiGroups: [""], resources: ["*"], verbs: [get, list, watch]}')
    assert [r for r, _, _ in found if r.startswith("K8S-RBAC")] == ["K8S-RBAC-WILDCARD"]
    message = [f.message for f in config_findings(tmp_path) if f.rule.id == "K8S-RBAC-WILDCARD"]
    assert "read Secrets" in message[0]
    # named, Secrets are still a finding of their own
    found = _rules_of(tmp_path, '{apiGroups: [""], resources: [secrets], verbs: [get]}')
    assert ("K8S-RBAC-READ-SECRETS", "rules[0]", 5) in found


def test_create_verb_next_to_a_wildcard_stays_a_finding_at_the_verb(tmp_path: Path) -> None:
    found = _rules_of(tmp_path, '{apiGroups: [""], resources: ["*"], verbs: [get, create]}')
    rules = {r for r, _, _ in found}
    assert {"K8S-RBAC-WILDCARD", "K8S-RBAC-CREATE-PODS"} <= rules
    assert "K8S-RBAC-READ-SECRETS" not in rules


def _everyone_bound_to(rules: str, kind: str = "Role") -> str:
    return f"""apiVersion: rbac.authorization.k8s.io/v1
kind: {kind}
metadata: {{name: info, namespace: tools}}
rules:
{rules}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: info, namespace: tools}}
subjects: [{{kind: Group, name: system:authenticated, apiGroup: rbac.authorization.k8s.io}}]
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {kind}, name: info}}
"""


def test_everyone_may_read_one_named_config_map(tmp_path: Path) -> None:
    rules = '  - {apiGroups: [""], resources: [configmaps], resourceNames: [info], verbs: [get]}'
    (tmp_path / "rbac.yaml").write_text(_everyone_bound_to(rules))
    assert "K8S-RBAC-ANONYMOUS-SUBJECT" not in {f.rule.id for f in config_findings(tmp_path)}


@pytest.mark.parametrize(
    "rules",
    [
        '  - {apiGroups: [""], resources: [configmaps], verbs: [get]}',
        '  - {apiGroups: [""], resources: [secrets], resourceNames: [info], verbs: [get]}',
        '  - {apiGroups: [""], resources: [configmaps], resourceNames: [info], verbs: [update]}',
        '  - {apiGroups: [""], resources: [configmaps], resourceNames: [info], verbs: [get]}\n'
        '  - {apiGroups: [""], resources: [pods], verbs: [list]}',
    ],
)
def test_everyone_given_more_than_named_reads_is_critical(tmp_path: Path, rules: str) -> None:
    (tmp_path / "rbac.yaml").write_text(_everyone_bound_to(rules))
    hits = [f for f in config_findings(tmp_path) if f.rule.id == "K8S-RBAC-ANONYMOUS-SUBJECT"]
    assert [str(f.rule.severity) for f in hits] == ["critical"]


def test_a_role_of_another_namespace_is_not_the_one_granted(tmp_path: Path) -> None:
    rules = '  - {apiGroups: [""], resources: [configmaps], resourceNames: [info], verbs: [get]}'
    text = _everyone_bound_to(rules).replace(
        "{name: info, namespace: tools}\nrules", "{name: info, namespace: other}\nrules"
    )
    (tmp_path / "rbac.yaml").write_text(text)
    assert "K8S-RBAC-ANONYMOUS-SUBJECT" in {f.rule.id for f in config_findings(tmp_path)}
