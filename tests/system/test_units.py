"""Deployment units: what is deployed together is analysed together, and only that."""

from __future__ import annotations

import shutil

import pytest

from shieldwall.analyzers.base import ScanTarget
from shieldwall.analyzers.config import ConfigAnalyzer
from shieldwall.engine.project_config import load_config
from shieldwall.errors import ConfigError
from shieldwall.model import Settings
from shieldwall.sources.manifests import load_inventory
from shieldwall.sources.tree import walk
from shieldwall.system.units import kustomize_pins, partition


def _deploy(name: str, sa: str = "shared") -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: shop}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      serviceAccountName: {sa}
      containers: [{{name: {name}, image: registry.example/{name}:1}}]
"""


KUSTOMIZATION = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"


def _units(root, patterns=()):
    return partition(load_inventory(walk(root), 1 << 20), patterns)


def test_layouts_of_one_application_are_separate_units(write) -> None:
    root = write(
        {
            "kustomize/base/kustomization.yaml": KUSTOMIZATION + "resources: [app.yaml]\n",
            "kustomize/base/app.yaml": _deploy("web"),
            "kustomize/kustomization.yaml": KUSTOMIZATION + "resources: [base]\n",
            "manifests/kustomization.yaml": KUSTOMIZATION + "resources: [app.yaml]\n",
            "manifests/app.yaml": _deploy("web"),
            "manifests/extra.yaml": _deploy("extra"),
            "release/all.yaml": _deploy("web"),
            "docker-compose.yml": "services:\n  web: {image: nginx:1.27}\n",
        }
    )
    units = {u.id: sorted({o.path for o in u.inventory.kubernetes}) for u in _units(root).units}
    assert units["kustomization:kustomize"] == [
        "kustomize/base/app.yaml",
        "kustomize/base/kustomization.yaml",
        "kustomize/kustomization.yaml",
    ]
    assert units["kustomization:manifests"] == [
        "manifests/app.yaml",
        "manifests/kustomization.yaml",
    ]
    assert units["directory:manifests"] == ["manifests/extra.yaml"]  # listed by none
    assert units["directory:release"] == ["release/all.yaml"]
    assert "compose:." in units
    assert "kustomization:kustomize/base" not in units  # a base is part of what lists it


def test_cross_resource_rules_stay_within_a_unit(write) -> None:
    root = write({"a/app.yaml": _deploy("web"), "b/app.yaml": _deploy("web")})
    findings = ConfigAnalyzer().analyze(ScanTarget(walk(root))).findings
    assert not [f for f in findings if f.rule.id == "K8S-SA-SHARED"]
    assert {f.unit for f in findings} >= {"directory:a", "directory:b"}
    one = Settings(units=(("all", ("*",)),))
    findings = ConfigAnalyzer().analyze(ScanTarget(walk(root), one)).findings
    assert [f.unit for f in findings if f.rule.id == "K8S-SA-SHARED"]


def test_configured_units_win_and_charts_are_skipped_with_a_reason(write) -> None:
    root = write(
        {
            "deploy/prod/app.yaml": _deploy("web"),
            "deploy/shared/sa.yaml": _deploy("api"),
            "chart/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
            "chart/templates/plain.yaml": _deploy("web"),
        }
    )
    found = _units(root, (("prod", ("deploy/prod/**", "deploy/shared")),))
    ids = {u.id for u in found.units}
    assert ids == {"configured:prod"}
    [skip] = found.skipped
    assert skip.path == "chart/Chart.yaml" and "helm template" in skip.reason


def test_units_in_the_config_file(tmp_path) -> None:
    config = tmp_path / ".shieldwall.yaml"
    config.write_text("units:\n  prod: [deploy/prod/**]\n  staging: deploy/staging/**\n")
    settings = load_config(config, ".shieldwall.yaml").settings
    assert settings.units == (("prod", ("deploy/prod/**",)), ("staging", ("deploy/staging/**",)))
    config.write_text("units: [deploy/prod]\n")
    with pytest.raises(ConfigError, match="units must be a mapping"):
        load_config(config, ".shieldwall.yaml")


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not on PATH")
def test_a_component_that_deletes_a_resource_removes_it_from_the_unit(write) -> None:
    delete = (
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n"
        "  - patch: |-\n      $patch: delete\n      apiVersion: apps/v1\n      kind: Deployment\n"
        "      metadata: {name: cache, namespace: shop}\n"
    )
    root = write(
        {
            "app/kustomization.yaml": KUSTOMIZATION
            + "resources: [web.yaml, cache.yaml]\ncomponents: [../no-cache]\n",
            "app/web.yaml": _deploy("web", "web"),
            "app/cache.yaml": _deploy("cache", "cache"),
            "no-cache/kustomization.yaml": delete,
        }
    )
    [unit] = ScanTarget(walk(root)).units.units
    names = {o.name for o in unit.inventory.kubernetes if o.kind == "Deployment"}
    assert names == {"web"}


def test_an_overlays_image_tags_reach_the_files_of_its_base(write) -> None:
    root = write(
        {
            "base/kustomization.yaml": KUSTOMIZATION + "resources: [app.yaml]\n",
            "base/app.yaml": _deploy("app"),
            "prod/kustomization.yaml": KUSTOMIZATION
            + "resources: [../base]\n"
            + "images: [{name: registry.example/app, newTag: '2.0'}, {name: other}]\n",
        }
    )
    pins = kustomize_pins(load_inventory(walk(root), 1 << 20))
    assert pins == {"base/app.yaml": {"registry.example/app": ":2.0"}}
