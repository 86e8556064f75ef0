"""A kustomization's labels reach the objects it deploys, as `kustomize build`
writes them: selectors and messages see the labels the cluster will see."""

from __future__ import annotations

from pathlib import Path

import pytest

from shieldwall.sources.manifests import load_inventory
from shieldwall.sources.tree import walk
from shieldwall.system.kustomize_labels import apply_kustomize_labels
from tests.conftest import config_findings

_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    spec: {containers: [{name: api, image: api:1.0}]}
"""
_POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {role: web}}}]}]
"""
_DENY_ALL = """\
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}
"""
_KUSTOMIZATION = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
{labels}
resources: [deployment.yaml, policy.yaml]
"""


def _write(root: Path, labels: str) -> Path:
    (root / "deployment.yaml").write_text(_DEPLOYMENT)
    (root / "policy.yaml").write_text(_POLICY)
    (root / "kustomization.yaml").write_text(_KUSTOMIZATION.format(labels=labels))
    return root


def _unselected(root: Path) -> list[str]:
    return [f.message for f in config_findings(root) if f.rule.id == "K8S-NETPOL-MISSING"]


@pytest.mark.parametrize(
    "labels",
    [
        "commonLabels: {app: api}",
        "labels: [{pairs: {app: api}, includeSelectors: true}]",
        "labels: [{pairs: {app: api}, includeTemplates: true}]",
    ],
)
def test_pods_labelled_by_the_kustomization_are_selected_by_the_policy(
    tmp_path: Path, labels: str
) -> None:
    assert _unselected(_write(tmp_path, labels)) == []


def test_labels_for_metadata_only_leave_the_pods_unlabelled(tmp_path: Path) -> None:
    [message] = _unselected(_write(tmp_path, "labels: [{pairs: {app: api}}]"))
    assert "(labels {})" in message


def test_without_the_kustomization_the_pods_have_no_labels(tmp_path: Path) -> None:
    _write(tmp_path, "")
    (tmp_path / "kustomization.yaml").unlink()
    assert _unselected(tmp_path)


def test_labels_are_written_where_kustomize_writes_them(tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    _write(base, "")
    (base / "policy.yaml").write_text(_POLICY + _DENY_ALL)
    (tmp_path / "kustomization.yaml").write_text("resources: [base]\ncommonLabels: {team: shop}\n")
    inventory = load_inventory(walk(tmp_path), 1 << 20)
    apply_kustomize_labels(inventory)
    by_name = {(o.kind, o.name): o.body for o in inventory.kubernetes}
    deployment = by_name[("Deployment", "api")]
    assert deployment["metadata"]["labels"] == {"team": "shop"}
    assert deployment["spec"]["selector"]["matchLabels"] == {"team": "shop"}
    assert deployment["spec"]["template"]["metadata"]["labels"] == {"team": "shop"}
    policy = by_name[("NetworkPolicy", "api")]["spec"]
    assert policy["podSelector"]["matchLabels"] == {"app": "api", "team": "shop"}
    peer = policy["ingress"][0]["from"][0]["podSelector"]["matchLabels"]
    assert peer == {"role": "web", "team": "shop"}
    # a policy for every pod stays one: kustomize creates no matchLabels there
    assert by_name[("NetworkPolicy", "deny-all")]["spec"]["podSelector"] == {}


@pytest.mark.parametrize(
    "labels",
    [
        "commonLabels: [a, b]",
        "commonLabels: {7: null, x: [1]}",
        "labels: {pairs: {a: b}}",
        "labels: [null, {pairs: [a]}, {pairs: {a: b}, includeSelectors: yes-please}]",
    ],
)
def test_odd_label_shapes_do_not_crash(tmp_path: Path, labels: str) -> None:
    _write(tmp_path, labels)
    (tmp_path / "policy.yaml").write_text(
        "kind: NetworkPolicy\nmetadata: [x]\nspec: {ingress: 3}\n"
    )
    assert all(f.location.start_line >= 1 for f in config_findings(tmp_path))
