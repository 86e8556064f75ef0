"""Each top-level kustomization built on its own, as `kubectl kustomize DIR`
builds it: two overlays over one base each get their own copy of the base's
objects, compared with kubectl's rendering of each overlay."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from shieldwall.analyzers.base import ScanTarget
from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.tree import walk
from shieldwall.system import kustomize_build
from shieldwall.system.units import Unit
from tests.system.kubectl_build import kubectl_build, needs_kubectl, plain, write_files

_BASE_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 1
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: example/api:1.0
          envFrom:
            - configMapRef: {name: settings}
"""

_BASE = """\
resources: [deployment.yaml]
configMapGenerator:
  - name: settings
    literals: [MODE=base, LEVEL=info]
"""

_OVERLAY = """\
resources: [../base]
namespace: {env}
namePrefix: {env}-
commonLabels: {{env: {env}}}
configMapGenerator:
  - name: settings
    behavior: merge
    literals: [MODE={env}]
patches:
  - path: patch.yaml
"""

_PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: {replicas}
  template:
    spec:
      containers:
        - name: api
          securityContext:
            privileged: {privileged}
"""


def _fixture(root: Path) -> Path:
    files = {"base/deployment.yaml": _BASE_DEPLOYMENT, "base/kustomization.yaml": _BASE}
    for env, replicas, privileged in (("dev", 1, "true"), ("prod", 3, "false")):
        files[f"{env}/kustomization.yaml"] = _OVERLAY.format(env=env)
        files[f"{env}/patch.yaml"] = _PATCH.format(replicas=replicas, privileged=privileged)
    return write_files(root, files)


def _units(root: Path) -> dict[str, Unit]:
    return {u.path: u for u in ScanTarget(walk(root)).units.units}


def _of_kind(unit: Unit, kind: str) -> list[K8sObject]:
    return [o for o in unit.inventory.kubernetes if o.kind == kind]


def _summary(body: dict[str, Any]) -> tuple[Any, ...]:
    meta = body["metadata"]
    spec = body.get("spec") or {}
    return (
        body["kind"],
        meta["name"],
        meta.get("namespace"),
        sorted((meta.get("labels") or {}).items()),
        sorted((body.get("data") or {}).items()),
        spec.get("replicas"),
        json.dumps(spec.get("template"), sort_keys=True),
    )


def _ours(unit: Unit) -> list[tuple[Any, ...]]:
    return sorted(
        _summary(plain(o.body))
        for o in unit.inventory.kubernetes
        if o.kind not in ("Kustomization", "Component")
    )


@needs_kubectl
def test_each_overlay_over_one_base_gives_kubectl_s_objects(tmp_path: Path) -> None:
    root = _fixture(tmp_path)
    units = _units(root)
    for env in ("dev", "prod"):
        theirs = sorted(_summary(body) for body in kubectl_build(root / env))
        assert _ours(units[env]) == theirs


def test_two_overlays_merge_their_own_data_into_the_base_s_generated_configmap(
    tmp_path: Path,
) -> None:
    units = _units(_fixture(tmp_path))
    data = {
        env: [dict(o.body["data"]) for o in _of_kind(units[env], "ConfigMap")]
        for env in ("dev", "prod")
    }
    assert data == {
        "dev": [{"MODE": "dev", "LEVEL": "info"}],
        "prod": [{"MODE": "prod", "LEVEL": "info"}],
    }
    assert ScanTarget(walk(tmp_path)).inventory.skipped == []


def test_one_overlay_s_patch_is_reported_for_that_overlay_only_at_the_patch_line(
    tmp_path: Path,
) -> None:
    scan = run_scan(_fixture(tmp_path), ScanOptions(analyzers="config", offline=True))
    found = [f for f in scan.result.findings if f.rule.id == "K8S-PRIVILEGED"]
    assert [(f.unit, f.location.path, f.location.start_line) for f in found] == [
        ("kustomization:dev", "dev/patch.yaml", 12)
    ]


def test_a_base_line_two_overlays_deploy_is_reported_once_naming_the_other_overlay(
    tmp_path: Path,
) -> None:
    scan = run_scan(_fixture(tmp_path), ScanOptions(analyzers="config", offline=True))
    at_base = [f for f in scan.result.findings if f.location.path == "base/deployment.yaml"]
    assert at_base
    assert len({(f.rule.id, f.location.start_line, f.key) for f in at_base}) == len(at_base)
    for f in at_base:  # each overlay names the object its own way (namespace, prefix)
        assert f.unit == "kustomization:dev"
        assert f.resource.startswith("Deployment/dev/dev-api")
        assert f.message.endswith("(also in kustomization:prod)")


def test_identical_findings_of_two_overlays_on_a_base_line_are_listed_once(
    tmp_path: Path,
) -> None:
    files = {"base/deployment.yaml": _BASE_DEPLOYMENT, "base/kustomization.yaml": _BASE}
    for env in ("dev", "prod"):  # no namespace or prefix: the same objects
        files[f"{env}/kustomization.yaml"] = "resources: [../base]\n"
    scan = run_scan(write_files(tmp_path, files), ScanOptions(analyzers="config", offline=True))
    at_base = [f for f in scan.result.findings if f.location.path == "base/deployment.yaml"]
    assert at_base
    assert len({f.rule.id for f in at_base}) == len(at_base)


def test_an_overlay_s_labels_reach_its_own_copy_only(tmp_path: Path) -> None:
    units = _units(_fixture(tmp_path))
    labels = {
        env: {o.labels.get("env", "") for o in _of_kind(units[env], "Deployment")}
        for env in ("dev", "prod")
    }
    assert labels == {"dev": {"dev"}, "prod": {"prod"}}


def test_builds_past_the_bound_read_their_objects_as_written_with_a_skipped_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kustomize_build, "MAX_RENDERED", 1)  # the base's Deployment, once
    target = ScanTarget(walk(_fixture(tmp_path)))
    skipped = [s for s in target.inventory.skipped if "kustomize build not applied" in s.reason]
    assert [s.path for s in skipped] == ["prod/kustomization.yaml"]
    units = {u.path: u for u in target.units.units}
    names = {env: sorted(o.name for o in units[env].inventory.kubernetes) for env in units}
    assert "prod-api" not in names["prod"] and "api" in names["prod"]
    assert "dev-api" in names["dev"]


_COMPONENT = """\
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources: [extra.yaml]
patches:
  - target: {kind: Deployment}
    patch: |-
      - op: add
        path: /spec/template/spec/containers/0/securityContext
        value: {runAsNonRoot: true}
"""


@needs_kubectl
def test_a_component_two_overlays_list_transforms_each_build_as_kubectl_does(
    tmp_path: Path,
) -> None:
    files = {"base/deployment.yaml": _BASE_DEPLOYMENT, "base/kustomization.yaml": _BASE}
    files["comp/kustomization.yaml"] = _COMPONENT
    files["comp/extra.yaml"] = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: extra}\n"
    for env in ("dev", "prod"):
        files[f"{env}/kustomization.yaml"] = (
            f"resources: [../base]\ncomponents: [../comp]\nnamePrefix: {env}-\n"
        )
    root = write_files(tmp_path, files)
    units = _units(root)
    for env in ("dev", "prod"):
        theirs = sorted(_summary(body) for body in kubectl_build(root / env))
        assert _ours(units[env]) == theirs
    assert ScanTarget(walk(root)).inventory.skipped == []
