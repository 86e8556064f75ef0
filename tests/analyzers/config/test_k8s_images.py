"""The image a container runs: a kustomization's `images:` entry sets its tag or
digest, so an untagged manifest it deploys does not run `latest`."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import config_findings

_KUSTOMIZATION = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
images:
  - name: registry.example/dns-sync
{pin}
resources:
  - deployment.yaml
"""
_DEPLOYMENT = """\
apiVersion: v1
kind: Pod
metadata: {name: dns-sync, namespace: tools}
spec: {containers: [{name: dns-sync, image: registry.example/dns-sync}]}
"""


def _image_findings(root: Path, pin: str | None) -> dict[str, str]:
    (root / "deployment.yaml").write_text(_DEPLOYMENT)
    if pin is not None:
        (root / "kustomization.yaml").write_text(_KUSTOMIZATION.format(pin=pin))
    return {
        f.rule.id: f.message for f in config_findings(root) if f.rule.id.startswith("K8S-IMAGE")
    }


def test_an_untagged_image_the_kustomization_tags_is_not_latest(tmp_path: Path) -> None:
    found = _image_findings(tmp_path, "    newTag: v0.9.1")
    assert "K8S-IMAGE-LATEST" not in found
    assert (
        "registry.example/dns-sync:v0.9.1 (set by the kustomization)"
        in found["K8S-IMAGE-NO-DIGEST"]
    )


def test_an_image_the_kustomization_pins_by_digest_is_pinned(tmp_path: Path) -> None:
    digest = "sha256:" + "ab" * 32
    assert _image_findings(tmp_path, f"    digest: {digest}") == {}


def test_a_kustomization_that_only_renames_the_image_leaves_it_latest(tmp_path: Path) -> None:
    found = _image_findings(tmp_path, "    newName: registry.example/dns-sync-fork")
    assert "K8S-IMAGE-LATEST" in found


def test_without_a_kustomization_an_untagged_image_is_latest(tmp_path: Path) -> None:
    assert "K8S-IMAGE-LATEST" in _image_findings(tmp_path, None)


def test_a_ko_build_reference_is_not_an_image_tag(tmp_path: Path) -> None:
    text = _DEPLOYMENT.replace("registry.example/dns-sync}", "ko://example.com/dns-sync/cmd/sync}")
    (tmp_path / "deployment.yaml").write_text(text)
    assert "ko://" in text
    assert not [f for f in config_findings(tmp_path) if f.rule.id.startswith("K8S-IMAGE")]


def test_an_overlay_s_tag_pins_its_own_build_only(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "deployment.yaml").write_text(_DEPLOYMENT)
    (tmp_path / "base" / "kustomization.yaml").write_text("resources: [deployment.yaml]\n")
    for env, images in (
        ("dev", "images: [{name: registry.example/dns-sync, newTag: v1}]"),
        ("prod", ""),
    ):
        (tmp_path / env).mkdir()
        text = f"resources: [../base]\nnamespace: {env}\n{images}\n"
        (tmp_path / env / "kustomization.yaml").write_text(text)
    latest = [f.unit for f in config_findings(tmp_path) if f.rule.id == "K8S-IMAGE-LATEST"]
    assert latest == ["kustomization:prod"]
