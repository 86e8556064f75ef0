"""A kustomization's `vars:` replace `$(NAME)` with a field of the object they
name, read after every transformation, in the fields kustomize's default
`varReference` lists; an unknown `$(NAME)` stays as written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shieldwall.analyzers.base import ScanTarget
from shieldwall.sources.tree import walk
from shieldwall.system.kustomize_vars import var_path
from tests.system.kubectl_build import kubectl_build, needs_kubectl, plain, write_files

_KUSTOMIZATION = """\
resources: [objects.yaml]
namePrefix: p-
namespace: shop
vars:
  - name: SVC
    objref: {kind: Service, name: api, apiVersion: v1}
  - name: NS
    objref: {kind: Service, name: api, apiVersion: v1}
    fieldref: {fieldpath: metadata.namespace}
  - name: PORT
    objref: {kind: Service, name: api, apiVersion: v1}
    fieldref: {fieldpath: "spec.ports[0].port"}
"""
_OBJECTS = """\
apiVersion: v1
kind: Service
metadata: {name: api}
spec: {ports: [{port: 80, targetPort: "$(PORT)"}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, annotations: {to: $(SVC)}}
spec:
  template:
    spec:
      containers:
        - name: c
          image: shop/web:1.0
          command: [run, "--to=$(SVC).$(NS):$(PORT)", "$(UNKNOWN)"]
          args: ["$(SVC)"]
          env: [{name: TARGET, value: "http://$(SVC)"}]
          volumeMounts: [{name: data, mountPath: "/data/$(SVC)"}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 1 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: c, image: shop/job:1.0, args: ["--to=$(SVC)"]}]
---
apiVersion: v1
kind: ReplicationController
metadata: {name: legacy}
spec:
  template:
    spec:
      containers: [{name: c, image: shop/old:1.0, args: ["--to=$(SVC)"]}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, labels: {to: $(SVC)}}
data: {X: "$(SVC)"}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ing}
spec:
  rules: [{host: "$(SVC).example"}]
  tls: [{hosts: ["$(SVC).example"], secretName: "$(SVC)-tls"}]
"""


def _built(root: Path) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    inventory = ScanTarget(walk(root)).inventory
    bodies = {o.name: plain(o.body) for o in inventory.kubernetes if o.kind != "Kustomization"}
    return bodies, [(s.path, s.reason) for s in inventory.skipped]


def test_a_fieldpath_index_is_read_as_a_position() -> None:
    assert var_path("spec.ports[0].port") == "spec.ports.0.port"


def test_vars_are_replaced_after_the_names_change_and_unknown_ones_stay(tmp_path: Path) -> None:
    files = {"app/kustomization.yaml": _KUSTOMIZATION, "app/objects.yaml": _OBJECTS}
    bodies, skipped = _built(write_files(tmp_path, files))
    container = bodies["p-web"]["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["run", "--to=p-api.shop:80", "$(UNKNOWN)"]
    assert container["env"][0]["value"] == "http://p-api"
    assert bodies["p-cm"]["data"] == {"X": "$(SVC)"}  # data is not a var reference
    assert skipped == []


def test_a_var_naming_no_object_is_reported_at_its_line(tmp_path: Path) -> None:
    kustomization = (
        "resources: [objects.yaml]\nvars:\n  - {name: X, objref: {kind: Service, name: none}}\n"
    )
    files = {"app/kustomization.yaml": kustomization, "app/objects.yaml": _OBJECTS}
    _, skipped = _built(write_files(tmp_path, files))
    [(path, reason)] = skipped
    assert path == "app/kustomization.yaml" and reason.startswith("line 3: kustomize var")


@needs_kubectl
def test_the_vars_give_what_kubectl_kustomize_gives(tmp_path: Path) -> None:
    files = {"app/kustomization.yaml": _KUSTOMIZATION, "app/objects.yaml": _OBJECTS}
    root = write_files(tmp_path, files)
    theirs = {str(body["metadata"]["name"]): body for body in kubectl_build(root / "app")}
    assert _built(root)[0] == theirs
