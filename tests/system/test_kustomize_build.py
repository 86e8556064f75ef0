"""What a kustomization's patches, namespace, name prefix and replicas do to the
objects it deploys is what the rules read; a finding a patch causes points at
the patch; a patch that does not apply is reported with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.model import Finding
from shieldwall.sources.manifests import load_inventory
from shieldwall.sources.tree import walk
from shieldwall.system.kustomize_build import apply_kustomize_build

_BASE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 1
  template:
    spec:
      serviceAccountName: api
      containers:
        - name: api
          image: shop/api:1.0
          securityContext:
            privileged: true
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
"""
_BASE_KUSTOMIZATION = "resources: [deployment.yaml]\n"
_PATCH = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n"
_HARDEN = (
    _PATCH
    + """\
    spec:
      containers:
        - name: api
          securityContext:
            privileged: false
"""
)
_LOOSEN = _PATCH + "    spec:\n      hostNetwork: true\n"


def _system(root: Path, overlay: str, patch: str = "", base: str = _BASE) -> Path:
    (root / "base").mkdir()
    (root / "base" / "deployment.yaml").write_text(base)
    (root / "base" / "kustomization.yaml").write_text(_BASE_KUSTOMIZATION)
    (root / "overlay").mkdir()
    (root / "overlay" / "kustomization.yaml").write_text(overlay)
    if patch:
        (root / "overlay" / "patch.yaml").write_text(patch)
    return root


def _scan(root: Path) -> tuple[list[Finding], list[tuple[str, str]]]:
    scan = run_scan(root, ScanOptions(analyzers="config", offline=True))
    return list(scan.result.findings), [(s.path, s.reason) for s in scan.result.skipped]


def _of(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule.id == rule]


def test_a_patch_that_hardens_the_base_removes_its_finding(tmp_path: Path) -> None:
    root = _system(tmp_path, "resources: [../base]\npatches: [{path: patch.yaml}]\n", _HARDEN)
    findings, skipped = _scan(root)
    assert _of(findings, "K8S-PRIVILEGED") == []
    assert skipped == []


def test_without_the_patch_the_base_finding_stays_at_the_base_line(tmp_path: Path) -> None:
    root = _system(tmp_path, "resources: [../base]\n")
    [found] = _of(_scan(root)[0], "K8S-PRIVILEGED")
    assert (found.location.path, found.location.start_line) == ("base/deployment.yaml", 14)


def test_a_patch_that_loosens_the_base_is_reported_at_the_patch_line(tmp_path: Path) -> None:
    overlay = "resources: [../base]\npatchesStrategicMerge: [patch.yaml]\n"
    root = _system(tmp_path, overlay, _LOOSEN)
    [found] = _of(_scan(root)[0], "K8S-HOST-NETWORK")
    assert (found.location.path, found.location.start_line) == ("overlay/patch.yaml", 8)


def test_a_json6902_patch_applies_and_points_at_its_operation(tmp_path: Path) -> None:
    overlay = """\
resources: [../base]
patches:
  - target: {kind: Deployment, name: api}
    patch: |-
      - op: replace
        path: /spec/template/spec/containers/0/securityContext/privileged
        value: false
      - op: add
        path: /spec/template/spec/hostPID
        value: true
"""
    findings, skipped = _scan(_system(tmp_path, overlay))
    assert _of(findings, "K8S-PRIVILEGED") == []
    [found] = _of(findings, "K8S-HOST-PID")
    assert (found.location.path, found.location.start_line) == ("overlay/kustomization.yaml", 10)
    assert skipped == []


def _built(root: Path) -> dict[str, object]:
    inventory = load_inventory(walk(root), 1 << 20)
    apply_kustomize_build(inventory)
    return {o.id: o for o in inventory.kubernetes}


def test_the_namespace_is_applied_to_objects_and_default_subjects(tmp_path: Path) -> None:
    binding = """\
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: api}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - {kind: ServiceAccount, name: api, namespace: default}
  - {kind: ServiceAccount, name: other, namespace: elsewhere}
"""
    root = _system(tmp_path, "resources: [../base]\nnamespace: shop\n", base=_BASE + binding)
    built = _built(root)
    assert {"Deployment/shop/api", "ServiceAccount/shop/api"} <= set(built)
    subjects = built["ClusterRoleBinding/api"].body["subjects"]  # type: ignore[attr-defined]
    assert [s["namespace"] for s in subjects] == ["shop", "elsewhere"]


def test_the_namespace_is_no_longer_reported_as_default(tmp_path: Path) -> None:
    root = _system(tmp_path, "resources: [../base]\nnamespace: shop\n")
    findings, _ = _scan(root)
    assert _of(findings, "K8S-DEFAULT-NAMESPACE") == []
    assert all("/default/" not in f.resource for f in findings)


def test_a_name_prefix_renames_objects_and_their_references(tmp_path: Path) -> None:
    root = _system(
        tmp_path, "resources: [../base]\nnamePrefix: prod-\nreplicas: [{name: api, count: 3}]\n"
    )
    built = _built(root)
    deployment = built["Deployment/default/prod-api"].body  # type: ignore[attr-defined]
    assert deployment["spec"]["template"]["spec"]["serviceAccountName"] == "prod-api"
    assert deployment["spec"]["replicas"] == 3
    assert "ServiceAccount/default/prod-api" in built


def test_a_patch_file_is_not_scanned_as_an_object(tmp_path: Path) -> None:
    root = _system(tmp_path, "resources: [../base]\npatches: [{path: patch.yaml}]\n", _LOOSEN)
    assert all(o.path != "overlay/patch.yaml" for o in _built(root).values())  # type: ignore[attr-defined]


def test_a_patch_with_a_missing_target_is_reported_with_file_and_line(tmp_path: Path) -> None:
    patch = _LOOSEN.replace("name: api", "name: web")
    root = _system(tmp_path, "resources: [../base]\npatches: [{path: patch.yaml}]\n", patch)
    findings, skipped = _scan(root)
    assert (
        "overlay/patch.yaml",
        "line 1: kustomize patch not applied: selects no object "
        "that overlay/kustomization.yaml deploys (kind=Deployment, name=web)",
    ) in skipped
    assert _of(findings, "K8S-PRIVILEGED")  # the base is still read


def test_an_operation_that_does_not_apply_is_reported_with_its_line(tmp_path: Path) -> None:
    overlay = (
        "resources: [../base]\npatchesJson6902: [{target: {kind: Deployment}, path: patch.yaml}]\n"
    )
    ops = "- {op: test, path: /spec/replicas, value: 1}\n- {op: remove, path: /spec/paused}\n"
    _, skipped = _scan(_system(tmp_path, overlay, ops))
    [(path, reason)] = skipped
    assert path == "overlay/patch.yaml"
    assert reason.startswith("line 2: kustomize patch not applied: /spec/paused does not exist")


def test_a_patch_file_that_is_missing_is_reported_at_the_kustomization(tmp_path: Path) -> None:
    root = _system(tmp_path, "resources: [../base]\npatches:\n  - path: gone.yaml\n")
    _, skipped = _scan(root)
    assert [p for p, r in skipped if "gone.yaml" in r] == ["overlay/kustomization.yaml"]
    assert any(r.startswith("line 3:") for _, r in skipped)


def test_a_component_patches_what_the_kustomization_listing_it_deploys(tmp_path: Path) -> None:
    overlay = "resources: [../base]\ncomponents: [../hardening]\n"
    root = _system(tmp_path, overlay)
    (root / "hardening").mkdir()
    (root / "hardening" / "kustomization.yaml").write_text(
        "kind: Component\npatches: [{path: patch.yaml}]\n"
    )
    (root / "hardening" / "patch.yaml").write_text(_HARDEN)
    findings, skipped = _scan(root)
    assert _of(findings, "K8S-PRIVILEGED") == []
    assert skipped == []


def test_a_base_two_overlays_deploy_keeps_what_only_one_of_them_patches(tmp_path: Path) -> None:
    root = _system(tmp_path, "resources: [../base]\npatches: [{path: patch.yaml}]\n", _HARDEN)
    (root / "other").mkdir()
    (root / "other" / "kustomization.yaml").write_text("resources: [../base]\n")
    findings, skipped = _scan(root)
    assert _of(findings, "K8S-PRIVILEGED")  # the other overlay deploys it privileged
    assert skipped == []  # not a patch that selects nothing


def test_a_patch_may_delete_the_object(tmp_path: Path) -> None:
    patch = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api}\n$patch: delete\n"
    root = _system(tmp_path, "resources: [../base]\npatches: [{path: patch.yaml}]\n", patch)
    assert "ServiceAccount/default/api" not in _built(root)
    assert "Deployment/default/api" in _built(root)


def test_an_inline_strategic_merge_patch_points_at_its_line(tmp_path: Path) -> None:
    overlay = """\
resources: [../base]
patchesStrategicMerge:
  - |-
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: api}
    spec: {template: {spec: {hostIPC: true}}}
"""
    [found] = _of(_scan(_system(tmp_path, overlay))[0], "K8S-HOST-IPC")
    assert (found.location.path, found.location.start_line) == ("overlay/kustomization.yaml", 7)


@pytest.mark.parametrize(
    "patches",
    [
        "patches: [42, {target: 5, patch: 7}, {path: [x]}]",
        "patches: [{target: {kind: Deployment}, patch: '- op: add'}]",
        "patches: [{patch: 'just text'}, {patch: '[1, 2]', target: {name: '('}}]",
        "patchesStrategicMerge: ['kind: Deployment', {a: b}]",
        "patchesJson6902: [{target: {kind: Deployment}, patch: '- {op: add, path: /a/b}'}]",
        "patches: [{target: {kind: Deployment}, patch: '- {op: move, from: /x, path: /spec/x}'}]",
        "namespace: [x]\nnamePrefix: 3\nreplicas: [{name: api, count: x}, 5]",
    ],
)
def test_odd_patch_input_is_reported_never_a_crash(tmp_path: Path, patches: str) -> None:
    root = _system(tmp_path, f"resources: [../base]\n{patches}\n")
    scan = run_scan(root, ScanOptions(analyzers="config", offline=True))
    assert tuple(scan.result.errors) == ()
    assert _of(list(scan.result.findings), "K8S-PRIVILEGED")


def test_a_target_name_is_a_pattern_matched_whole(tmp_path: Path) -> None:
    overlay = "resources: [../base]\npatches: [{path: patch.yaml, target: {name: 'a(p|x)i'}}]\n"
    findings, skipped = _scan(_system(tmp_path, overlay, _HARDEN))
    assert _of(findings, "K8S-PRIVILEGED") == []
    assert skipped == []


def test_a_backtracking_target_pattern_against_a_long_name_selects_nothing(
    tmp_path: Path,
) -> None:
    name = "a" * 64  # a backtracking engine would try every split of it
    base = _BASE.replace("name: api\nspec", f"name: {name}\nspec", 1)
    overlay = "resources: [../base]\npatches: [{path: patch.yaml, target: {name: '(a|aa)*b'}}]\n"
    findings, skipped = _scan(_system(tmp_path, overlay, _HARDEN, base=base))
    assert len(_of(findings, "K8S-PRIVILEGED")) == 1
    [(_, reason)] = skipped
    assert "selects no object" in reason


def test_a_back_reference_in_a_target_name_is_read_as_a_literal_name(tmp_path: Path) -> None:
    base = _BASE.replace("name: api\nspec", "name: aa\nspec", 1)
    overlay = "resources: [../base]\npatches: [{path: patch.yaml, target: {name: '(a)\\1'}}]\n"
    findings, _ = _scan(_system(tmp_path, overlay, _HARDEN, base=base))
    assert len(_of(findings, "K8S-PRIVILEGED")) == 1


def test_copies_that_double_the_object_are_stopped_and_reported(tmp_path: Path) -> None:
    ops = "".join(f"      - {{op: copy, from: /spec, path: /spec/x{i}}}\n" for i in range(40))
    overlay = (
        f"resources: [../base]\npatches:\n  - target: {{kind: Deployment}}\n    patch: |\n{ops}"
    )
    findings, skipped = _scan(_system(tmp_path, overlay))
    [(path, reason)] = [s for s in skipped if "copy" in s[1]]
    assert path == "overlay/kustomization.yaml"
    assert "copy more than 10,000 values" in reason
    assert _of(findings, "K8S-PRIVILEGED")


def test_a_json_patch_file_is_read_and_applied(tmp_path: Path) -> None:
    overlay = (
        "resources: [../base]\npatches:\n  - path: patch.json\n    target: {kind: Deployment}\n"
    )
    root = _system(tmp_path, overlay)
    (root / "overlay" / "patch.json").write_text(
        '[\n  {"op": "replace",\n   "path": "/spec/template/spec/containers/0/securityContext",'
        '\n   "value": {"privileged": false}},\n'
        '  {"op": "add", "path": "/spec/template/spec/hostIPC", "value": true}\n]\n'
    )
    findings, skipped = _scan(root)
    assert _of(findings, "K8S-PRIVILEGED") == []
    [found] = _of(findings, "K8S-HOST-IPC")
    assert (found.location.path, found.location.start_line) == ("overlay/patch.json", 5)
    assert skipped == []


def test_a_patch_for_a_remote_base_says_the_base_is_not_read(tmp_path: Path) -> None:
    overlay = (
        "resources: [https://example.com/shop/base?ref=v1]\n"
        "patches:\n  - {target: {kind: Deployment}, patch: '[{op: remove, path: /spec}]'}\n"
    )
    root = _system(tmp_path, overlay)
    [(path, reason)] = _scan(root)[1]
    assert path == "overlay/kustomization.yaml"
    assert reason.endswith(
        "its remote resources are not read (https://example.com/shop/base?ref=v1)"
    )
