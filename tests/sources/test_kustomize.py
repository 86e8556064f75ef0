"""`kubectl kustomize` renders a kustomization within limits of memory and output:
a hostile kustomization gets a reason, never the machine's memory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from shieldwall.sources import kustomize

pytestmark = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not on PATH")

_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: shop/api:1.0
"""


def _overlay(root: Path, patches: str = "") -> Path:
    (root / "base").mkdir()
    (root / "base" / "deployment.yaml").write_text(_DEPLOYMENT)
    (root / "base" / "kustomization.yaml").write_text("resources: [deployment.yaml]\n")
    (root / "overlay").mkdir()
    (root / "overlay" / "kustomization.yaml").write_text(f"resources: [../base]\n{patches}")
    return root / "overlay"


def test_an_overlay_renders_the_objects_of_its_base(tmp_path: Path) -> None:
    assert kustomize.render_identities(_overlay(tmp_path)) == {("Deployment", "api")}


def test_a_patch_that_doubles_the_object_forty_times_is_stopped_by_the_memory_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kustomize, "RENDER_MEMORY_KIB", 1024 * 1024)
    ops = "".join(f"      - {{op: copy, from: /spec, path: /spec/x{i}}}\n" for i in range(40))
    patches = f"patches:\n  - target: {{kind: Deployment}}\n    patch: |\n{ops}"
    why = kustomize.render_identities(_overlay(tmp_path, patches))
    assert isinstance(why, str)
    assert why.startswith("kubectl kustomize failed (within its memory and output limits)")


def test_a_directory_name_is_passed_to_kubectl_never_read_by_the_shell(tmp_path: Path) -> None:
    odd = tmp_path / "$(touch pwned); x"
    odd.mkdir()
    assert kustomize.render_identities(_overlay(odd)) == {("Deployment", "api")}
    assert not (odd / "overlay" / "pwned").exists()
    assert not (tmp_path / "pwned").exists()
