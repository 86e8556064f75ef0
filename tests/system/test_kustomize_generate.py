"""A kustomization's `configMapGenerator:` and `secretGenerator:` make the objects
kustomize makes, named as kustomize names them, with the references to them
renamed; each value points at the line it is written on; a file a generator
names outside the kustomization's directory is refused with its file and line."""

from __future__ import annotations

import base64
import os
import secrets
import string
from pathlib import Path
from typing import Any

import pytest

from shieldwall.analyzers.base import ScanTarget
from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.sources import kustomize_files
from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.tree import walk
from shieldwall.sources.yaml_tree import YMap
from tests.system.kubectl_build import (
    kubectl_build,
    needs_kubectl,
    plain,
    reported_at,
    write_files,
)

_DEPLOYMENT = """\
kind: Deployment
apiVersion: apps/v1
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - image: shop/api:1.0
          name: api
          envFrom:
            - configMapRef: {name: settings}
            - secretRef: {name: db}
          env:
            - name: ONE
              valueFrom: {secretKeyRef: {name: db, key: password}}
      volumes:
        - name: conf
          configMap: {name: settings}
        - name: creds
          secret: {secretName: db}
        - name: both
          projected:
            sources: [{configMap: {name: settings}}, {secret: {name: db}}]
"""


def _objects(root: Path) -> tuple[dict[tuple[str, str], K8sObject], list[tuple[str, str]]]:
    inventory = ScanTarget(walk(root)).inventory
    objects = {(o.kind, o.name): o for o in inventory.kubernetes if o.kind != "Kustomization"}
    return objects, [(s.path, s.reason) for s in inventory.skipped]


def _data(obj: K8sObject, field: str = "data") -> dict[str, str]:
    data = obj.body.get(field)
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, YMap) else {}


def _password() -> str:
    """Letters of both cases and digits: a value every reviewer calls a password (these
    tests are about where it is reported, not whether a borderline value is kept)."""
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(13))
    return "Pw" + secrets.choice(string.digits) + body + secrets.choice(string.ascii_lowercase)


def test_literals_make_a_hashed_configmap_and_the_workload_reads_the_new_name(
    tmp_path: Path,
) -> None:
    kustomization = """\
resources: [deployment.yaml]
configMapGenerator:
  - name: settings
    literals:
      - LOG_LEVEL=debug
      - 'GREETING="hello there"'
"""
    root = write_files(
        tmp_path, {"app/kustomization.yaml": kustomization, "app/deployment.yaml": _DEPLOYMENT}
    )
    objects, skipped = _objects(root)
    [name] = [n for k, n in objects if k == "ConfigMap"]
    assert name.startswith("settings-") and len(name) == len("settings-") + 10
    cm = objects[("ConfigMap", name)]
    assert _data(cm) == {"LOG_LEVEL": "debug", "GREETING": "hello there"}
    assert (cm.path, cm.body["data"].line_of("LOG_LEVEL")) == ("app/kustomization.yaml", 5)
    pod = objects[("Deployment", "api")].body["spec"]["template"]["spec"]
    assert pod["containers"][0]["envFrom"][0]["configMapRef"]["name"] == name
    assert pod["volumes"][0]["configMap"]["name"] == name
    assert pod["volumes"][2]["projected"]["sources"][0]["configMap"]["name"] == name
    assert skipped == []


def test_a_secret_from_literals_is_base64_typed_and_every_reference_renamed(
    tmp_path: Path,
) -> None:
    password = _password()
    kustomization = f"""\
resources: [deployment.yaml]
secretGenerator:
  - name: db
    type: kubernetes.io/basic-auth
    literals: [password={password}]
"""
    root = write_files(
        tmp_path, {"app/kustomization.yaml": kustomization, "app/deployment.yaml": _DEPLOYMENT}
    )
    objects, _ = _objects(root)
    [name] = [n for k, n in objects if k == "Secret"]
    secret = objects[("Secret", name)]
    assert _data(secret) == {"password": base64.b64encode(password.encode()).decode()}
    assert secret.body["type"] == "kubernetes.io/basic-auth"
    pod = objects[("Deployment", "api")].body["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["envFrom"][1]["secretRef"]["name"] == name
    assert container["env"][0]["valueFrom"]["secretKeyRef"]["name"] == name
    assert pod["volumes"][1]["secret"]["secretName"] == name
    assert pod["volumes"][2]["projected"]["sources"][1]["secret"]["name"] == name


def test_an_env_file_value_is_reported_at_its_line_in_the_env_file(tmp_path: Path) -> None:
    kustomization = """\
resources: [deployment.yaml]
configMapGenerator:
  - name: settings
    envs: [app.env]
"""
    env = "# where the orders are\n\n  ORDERS_URL=http://orders:8080/api\n"
    files = {"app/app.env": env, "app/deployment.yaml": _DEPLOYMENT}
    files["app/kustomization.yaml"] = kustomization
    assert reported_at(files, tmp_path, "NET-PLAINTEXT-URL") == ("app/app.env", 3)


def test_files_are_keyed_by_their_name_or_the_key_given_and_binary_goes_to_binary_data(
    tmp_path: Path,
) -> None:
    kustomization = """\
configMapGenerator:
  - name: settings
    files: [conf/app.properties, renamed=conf/app.properties, logo=logo.bin]
"""
    root = write_files(
        tmp_path,
        {"app/kustomization.yaml": kustomization, "app/conf/app.properties": "a=1\n"},
    )
    (root / "app" / "logo.bin").write_bytes(b"\xff\xfe\x00\x01")
    objects, skipped = _objects(root)
    [cm] = [o for (k, _), o in objects.items() if k == "ConfigMap"]
    assert _data(cm) == {"app.properties": "a=1\n", "renamed": "a=1\n"}
    assert _data(cm, "binaryData") == {"logo": base64.b64encode(b"\xff\xfe\x00\x01").decode()}
    assert skipped == []


def test_options_disable_the_hash_and_add_labels_annotations_and_immutable(
    tmp_path: Path,
) -> None:
    kustomization = """\
generatorOptions:
  disableNameSuffixHash: true
  labels: {team: shop}
configMapGenerator:
  - name: plain
    literals: [a=1]
    options: {annotations: {note: kept}, immutable: true}
  - name: hashed
    literals: [a=1]
    options: {disableNameSuffixHash: false}
"""
    objects, _ = _objects(write_files(tmp_path, {"app/kustomization.yaml": kustomization}))
    plain = objects[("ConfigMap", "plain")]
    assert plain.labels == {"team": "shop"} and plain.annotations == {"note": "kept"}
    assert plain.body["immutable"] is True
    assert [n for k, n in objects if n.startswith("hashed-")]


def test_an_overlay_merges_into_and_replaces_what_its_base_generated(tmp_path: Path) -> None:
    base = """\
resources: [deployment.yaml]
configMapGenerator:
  - {name: settings, literals: [a=1, b=2]}
secretGenerator:
  - {name: db, literals: [user=shop]}
"""
    overlay = """\
resources: [../base]
namePrefix: prod-
namespace: shop
configMapGenerator:
  - {name: settings, behavior: merge, literals: [b=3, c=4]}
secretGenerator:
  - {name: db, behavior: replace, literals: [token=x]}
"""
    root = write_files(
        tmp_path,
        {
            "base/kustomization.yaml": base,
            "base/deployment.yaml": _DEPLOYMENT,
            "prod/kustomization.yaml": overlay,
        },
    )
    objects, skipped = _objects(root)
    [cm] = [o for (k, _), o in objects.items() if k == "ConfigMap"]
    [secret] = [o for (k, _), o in objects.items() if k == "Secret"]
    assert _data(cm) == {"a": "1", "b": "3", "c": "4"}
    assert list(_data(secret)) == ["token"]
    assert cm.name.startswith("prod-settings-") and cm.namespace == "shop"
    pod = objects[("Deployment", "prod-api")].body["spec"]["template"]["spec"]
    assert pod["containers"][0]["envFrom"][0]["configMapRef"]["name"] == cm.name
    assert skipped == []


def test_create_over_a_base_and_merge_without_one_are_reported_at_their_lines(
    tmp_path: Path,
) -> None:
    base = "configMapGenerator:\n  - {name: settings, literals: [a=1]}\n"
    overlay = """\
resources: [../base]
configMapGenerator:
  - {name: settings, literals: [a=2]}
  - {name: missing, behavior: merge, literals: [a=2]}
"""
    root = write_files(
        tmp_path, {"base/kustomization.yaml": base, "prod/kustomization.yaml": overlay}
    )
    _, skipped = _objects(root)
    assert [(p, r.split(":")[0]) for p, r in skipped] == [
        ("prod/kustomization.yaml", "line 3"),
        ("prod/kustomization.yaml", "line 4"),
    ]
    assert "use behavior merge or replace" in skipped[0][1]


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        ("../../../../../../etc/passwd", "outside the kustomization's directory"),
        ("/etc/passwd", "outside the kustomization's directory"),
        ("../other/app.env", "outside the kustomization's directory"),
        ("link.env", "a symbolic link out of the kustomization's directory"),
        ("big.env", "over the 1048576-byte bound"),
    ],
)
def test_a_file_outside_the_kustomization_or_too_big_is_refused_at_its_line(
    tmp_path: Path, entry: str, why: str
) -> None:
    kustomization = f"configMapGenerator:\n  - name: settings\n    envs:\n      - {entry}\n"
    root = write_files(
        tmp_path,
        {"repo/app/kustomization.yaml": kustomization, "repo/other/app.env": "A=1\n"},
    )
    (root / "outside.env").write_text("LEAKED=1\n")
    os.symlink(root / "outside.env", root / "repo" / "app" / "link.env")
    big = kustomize_files.MAX_GENERATOR_FILE_BYTES + 1
    (root / "repo" / "app" / "big.env").write_text("A=" + "x" * big)
    objects, skipped = _objects(root / "repo")
    [cm] = [o for (k, _), o in objects.items() if k == "ConfigMap"]
    assert _data(cm) == {}
    [(path, reason)] = skipped
    assert path == "app/kustomization.yaml" and reason.startswith("line 4: ")
    assert entry in reason and why in reason


def test_a_generated_configmap_is_in_its_unit_and_resolves_for_the_map(tmp_path: Path) -> None:
    kustomization = """\
resources: [deployment.yaml]
configMapGenerator:
  - {name: settings, literals: [a=1]}
"""
    root = write_files(
        tmp_path, {"app/kustomization.yaml": kustomization, "app/deployment.yaml": _DEPLOYMENT}
    )
    [unit] = ScanTarget(walk(root)).units.units
    kinds = {o.kind: o.name for o in unit.inventory.kubernetes}
    deployment = next(o for o in unit.inventory.kubernetes if o.kind == "Deployment")
    pod = deployment.body["spec"]["template"]["spec"]
    assert kinds["ConfigMap"] == pod["containers"][0]["envFrom"][0]["configMapRef"]["name"]


# --- against kubectl kustomize -------------------------------------------------


def _summary(body: dict[str, Any]) -> tuple[Any, ...]:
    meta = body.get("metadata") or {}
    return (
        body.get("kind"),
        meta.get("name"),
        meta.get("namespace"),
        meta.get("labels"),
        body.get("data") or {},
        body.get("binaryData") or {},
    )


@needs_kubectl
def test_the_build_gives_the_names_and_data_kubectl_kustomize_gives(tmp_path: Path) -> None:
    password = _password()
    base = f"""\
resources: [deployment.yaml]
configMapGenerator:
  - name: settings
    literals: [LOG_LEVEL=debug, "QUOTED='x <&> y'"]
    files: [app.properties, other=app.properties]
    envs: [app.env]
secretGenerator:
  - name: db
    literals: [password={password}]
    files: [cert.bin]
  - name: empty
"""
    overlay = """\
resources: [../base]
namePrefix: prod-
namespace: shop
commonLabels: {app: shop}
configMapGenerator:
  - {name: settings, behavior: merge, literals: [LOG_LEVEL=info]}
  - {name: plain, literals: [a=1], options: {disableNameSuffixHash: true}}
"""
    root = write_files(
        tmp_path,
        {
            "base/kustomization.yaml": base,
            "base/deployment.yaml": _DEPLOYMENT,
            "base/app.properties": "a=1\nb=é\n",
            "base/app.env": "# c\nA=1\n  B='two'\nexport C=3\n",
            "prod/kustomization.yaml": overlay,
        },
    )
    (root / "base" / "cert.bin").write_bytes(b"\x00\xff" + secrets.token_bytes(8))
    objects, skipped = _objects(root)
    ours = sorted(_summary(plain(o.body)) for o in objects.values())
    theirs = sorted(_summary(body) for body in kubectl_build(root / "prod"))
    assert ours == theirs
    assert skipped == []


def test_a_generated_secret_s_literal_and_env_file_are_reported_where_written(
    tmp_path: Path,
) -> None:
    password, token = _password(), "Tk" + secrets.token_urlsafe(24)
    kustomization = f"""\
resources: [deployment.yaml]
secretGenerator:
  - name: db
    literals:
      - DB_PASSWORD={password}
    envs: [db.env]
"""
    files = {"app/kustomization.yaml": kustomization, "app/deployment.yaml": _DEPLOYMENT}
    files["app/db.env"] = f"# the API\nAPI_TOKEN={token}\n"
    scan = run_scan(write_files(tmp_path, files), ScanOptions(analyzers="secrets", offline=True))
    where = {(f.location.path, f.location.start_line) for f in scan.result.findings}
    assert where == {("app/kustomization.yaml", 5), ("app/db.env", 2)}


def test_an_unknown_behavior_is_read_as_create_as_kustomize_does(tmp_path: Path) -> None:
    kustomization = "configMapGenerator:\n  - {name: settings, behavior: add, literals: [a=1]}\n"
    objects, skipped = _objects(write_files(tmp_path, {"app/kustomization.yaml": kustomization}))
    assert [n for k, n in objects if k == "ConfigMap" and n.startswith("settings-")]
    assert skipped == []


def test_a_key_written_twice_is_reported_and_read_with_its_first_value(tmp_path: Path) -> None:
    kustomization = (
        "configMapGenerator:\n  - name: settings\n    literals: [a=1]\n    envs: [a.env]\n"
    )
    files = {"app/kustomization.yaml": kustomization, "app/a.env": "a=2\n"}
    objects, skipped = _objects(write_files(tmp_path, files))
    [cm] = [o for (k, _), o in objects.items() if k == "ConfigMap"]
    assert _data(cm) == {"a": "1"}
    [(path, reason)] = skipped
    assert path == "app/kustomization.yaml" and reason.startswith("line 2: ")
    assert "repeats the key 'a' at app/a.env:1" in reason


def test_a_named_pipe_is_refused_without_waiting_on_it(tmp_path: Path) -> None:
    kustomization = "configMapGenerator:\n  - name: settings\n    envs: [pipe.env]\n"
    root = write_files(tmp_path, {"app/kustomization.yaml": kustomization})
    os.mkfifo(root / "app" / "pipe.env")
    _, skipped = _objects(root)
    [(path, reason)] = skipped
    assert path == "app/kustomization.yaml" and reason.endswith(
        "pipe.env not read: not a regular file"
    )
