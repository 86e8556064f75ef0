"""A kustomization's `replacements:` copy a field of one object into fields of
others as kustomize does (list items by key, position or `*`, delimiter and index,
`create`, `reject`); a value copied keeps the line it was written on, so a
finding about it points at the source; one that cannot apply is reported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shieldwall.analyzers.base import ScanTarget
from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.sources.tree import walk
from shieldwall.system.kustomize_replace import parse_path
from tests.system.kubectl_build import (
    kubectl_build,
    needs_kubectl,
    plain,
    reported_at,
    write_files,
)

_OBJECTS = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {HOST: db.internal, PAIR: a/b/c, LOCKED: "false"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {tier: old}}
spec:
  template:
    metadata: {annotations: {example.com/host: old}}
    spec:
      containers:
        - name: api
          image: shop/api:1.0
          args: [old, keep]
          env: [{name: HOST, value: old}]
        - name: side
          image: side:2
          args: [old2]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: other}
spec: {template: {spec: {containers: [{name: api, image: x, args: [o]}]}}}
"""
_REPLACEMENTS = """\
resources: [objects.yaml]
replacements:
  - source: {kind: ConfigMap, name: settings, fieldPath: data.HOST}
    targets:
      - select: {kind: Deployment}
        reject: [{name: other}]
        fieldPaths:
          - spec.template.spec.containers.[name=api].env.[name=HOST].value
          - spec.template.spec.containers.*.args.0
          - spec.template.metadata.annotations.[example.com/host]
      - select: {kind: Deployment, name: web}
        fieldPaths: [spec.template.spec.containers.0.image]
        options: {delimiter: ':', index: 1}
      - select: {kind: Deployment, name: web}
        fieldPaths: [spec.template.spec.hostname]
        options: {create: true}
      - select: {kind: Deployment, name: web}
        fieldPaths: [spec.template.spec.containers.1.image]
        options: {delimiter: ':', index: 5}
  - source:
      kind: ConfigMap
      name: settings
      fieldPath: data.PAIR
      options: {delimiter: /, index: 1}
    targets:
      - select: {name: web}
        fieldPaths: [metadata.labels.tier]
"""


def _built(root: Path) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    inventory = ScanTarget(walk(root)).inventory
    bodies = {o.name: plain(o.body) for o in inventory.kubernetes if o.kind != "Kustomization"}
    return bodies, [(s.path, s.reason) for s in inventory.skipped]


def test_a_field_path_splits_at_dots_outside_brackets() -> None:
    path = "spec.containers.[name=api].env.[example.com/a.b]"
    assert parse_path(path) == ["spec", "containers", "[name=api]", "env", "[example.com/a.b]"]


def test_a_value_is_copied_by_key_position_wildcard_and_delimiter(tmp_path: Path) -> None:
    root = write_files(
        tmp_path, {"app/kustomization.yaml": _REPLACEMENTS, "app/objects.yaml": _OBJECTS}
    )
    bodies, skipped = _built(root)
    web = bodies["web"]
    pod = web["spec"]["template"]["spec"]
    assert pod["containers"][0]["env"][0]["value"] == "db.internal"
    assert [c["args"][0] for c in pod["containers"]] == ["db.internal", "db.internal"]
    assert web["spec"]["template"]["metadata"]["annotations"] == {"example.com/host": "db.internal"}
    assert pod["containers"][0]["image"] == "shop/api:db.internal"
    assert pod["containers"][1]["image"] == "side:2:db.internal"  # past the end: appended
    assert pod["hostname"] == "db.internal"
    assert web["metadata"]["labels"]["tier"] == "b"
    assert bodies["other"]["spec"]["template"]["spec"]["containers"][0]["args"] == ["o"]
    assert skipped == []


def test_a_copied_value_is_reported_at_the_line_it_was_copied_from(tmp_path: Path) -> None:
    kustomization = """\
resources: [objects.yaml, flags.yaml]
replacements:
  - source: {kind: ConfigMap, name: flags, fieldPath: data.privileged}
    targets:
      - select: {kind: Deployment, name: web}
        fieldPaths: [spec.template.spec.containers.0.securityContext.privileged]
        options: {create: true}
"""
    flags = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags}\ndata:\n  privileged: true\n"
    files = {"app/kustomization.yaml": kustomization, "app/objects.yaml": _OBJECTS}
    files["app/flags.yaml"] = flags
    assert reported_at(files, tmp_path, "K8S-PRIVILEGED") == ("app/flags.yaml", 5)


def test_replacements_in_a_file_the_kustomization_names_apply(tmp_path: Path) -> None:
    kustomization = "resources: [objects.yaml]\nreplacements:\n  - path: replace.yaml\n"
    replace = """\
source: {kind: ConfigMap, name: settings, fieldPath: data.HOST}
targets:
  - select: {kind: Deployment, name: web}
    fieldPaths: [spec.template.spec.hostname]
    options: {create: true}
"""
    files = {"app/replace.yaml": replace, "app/objects.yaml": _OBJECTS}
    files["app/kustomization.yaml"] = kustomization
    bodies, skipped = _built(write_files(tmp_path, files))
    assert bodies["web"]["spec"]["template"]["spec"]["hostname"] == "db.internal"
    assert skipped == []


def test_a_missing_field_and_an_ambiguous_source_are_reported_at_their_lines(
    tmp_path: Path,
) -> None:
    kustomization = """\
resources: [objects.yaml]
replacements:
  - source: {kind: ConfigMap, name: settings, fieldPath: data.HOST}
    targets:
      - select: {kind: Deployment, name: web}
        fieldPaths:
          - spec.template.spec.hostname
  - source: {kind: Deployment, fieldPath: metadata.name}
    targets: [{select: {kind: ConfigMap}, fieldPaths: [data.HOST]}]
"""
    root = write_files(
        tmp_path, {"app/kustomization.yaml": kustomization, "app/objects.yaml": _OBJECTS}
    )
    bodies, skipped = _built(root)
    assert "hostname" not in bodies["web"]["spec"]["template"]["spec"]
    assert bodies["settings"]["data"]["HOST"] == "db.internal"
    assert [(p, r.split(":")[0]) for p, r in skipped] == [
        ("app/kustomization.yaml", "line 7"),
        ("app/kustomization.yaml", "line 8"),
    ]
    assert "set `options.create`" in skipped[0][1]
    assert "selects 2 objects" in skipped[1][1]


@needs_kubectl
def test_the_replacements_give_what_kubectl_kustomize_gives(tmp_path: Path) -> None:
    root = write_files(
        tmp_path, {"app/kustomization.yaml": _REPLACEMENTS, "app/objects.yaml": _OBJECTS}
    )
    theirs = {str(body["metadata"]["name"]): body for body in kubectl_build(root / "app")}
    assert _built(root)[0] == theirs


def test_a_copied_map_points_at_its_source_file_in_the_target(tmp_path: Path) -> None:
    template = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: template}
spec:
  template:
    spec:
      containers:
        - {name: api, image: shop/api:1.0, securityContext: {privileged: true}}
"""
    kustomization = """\
resources: [template.yaml, objects.yaml]
replacements:
  - source:
      kind: Deployment
      name: template
      fieldPath: spec.template.spec.containers.0.securityContext
    targets:
      - select: {kind: Deployment, name: web}
        fieldPaths: [spec.template.spec.containers.0.securityContext]
        options: {create: true}
"""
    files = {"app/template.yaml": template, "app/objects.yaml": _OBJECTS}
    files["app/kustomization.yaml"] = kustomization
    scan = run_scan(write_files(tmp_path, files), ScanOptions(analyzers="config", offline=True))
    found = {  # the template's own finding, and the copy's, at the same line
        (f.resource, f.location.path, f.location.start_line)
        for f in scan.result.findings
        if f.rule.id == "K8S-PRIVILEGED"
    }
    assert ("Deployment/default/web", "app/template.yaml", 8) in found


def test_replacements_that_double_what_they_copy_stop_at_the_bound(tmp_path: Path) -> None:
    copies = "".join(
        f"  - source: {{kind: Deployment, name: web, fieldPath: spec}}\n"
        f"    targets: [{{select: {{name: web}}, fieldPaths: [spec.x{i}], "
        "options: {create: true}}]\n"
        for i in range(40)
    )
    kustomization = f"resources: [objects.yaml]\nreplacements:\n{copies}"
    root = write_files(
        tmp_path, {"app/kustomization.yaml": kustomization, "app/objects.yaml": _OBJECTS}
    )
    bodies, skipped = _built(root)
    assert 0 < len(skipped) < 40
    assert all("copy more than 10,000 values" in reason for _, reason in skipped)
    assert len(str(bodies["web"])) < 10_000_000


def test_a_source_in_a_base_two_overlays_deploy_is_read(tmp_path: Path) -> None:
    overlay = """\
resources: [../base, web.yaml]
replacements:
  - source: {kind: ConfigMap, name: settings, fieldPath: data.HOST}
    targets: [{select: {name: web}, fieldPaths: [spec.template.spec.hostname]}]
"""
    settings = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {HOST: db}\n"
    web = _OBJECTS.split("---\n")[1] + "\n".join(["  replicas: 1", ""])
    web = web.replace(
        "    spec:\n      containers:", "    spec:\n      hostname: x\n      containers:"
    )
    files = {
        "base/settings.yaml": settings,
        "base/kustomization.yaml": "resources: [settings.yaml]\n",
    }
    for name in ("dev", "prod"):
        files[f"{name}/kustomization.yaml"] = overlay
        files[f"{name}/web.yaml"] = web
    bodies, skipped = _built(write_files(tmp_path, files))
    assert bodies["web"]["spec"]["template"]["spec"]["hostname"] == "db"
    assert skipped == []
