from __future__ import annotations

import pytest

from shieldwall.sources.interpolation import interpolate
from shieldwall.sources.manifests import (
    is_compose_name,
    is_dockerfile,
    load_inventory,
)
from shieldwall.sources.tree import walk


def _inv(root):
    return load_inventory(walk(root), 1 << 20)


def test_recognises_file_kinds() -> None:
    for name in ("Dockerfile", "Dockerfile.prod", "api.Dockerfile", "Containerfile"):
        assert is_dockerfile(name), name
    assert not is_dockerfile("docker-compose.yaml")
    for name in ("dockerfile.py", "test_dockerfile.py", "Dockerfile.md", "dockerfiles"):
        assert not is_dockerfile(name), name
    for name in (
        "compose.yaml",
        "docker-compose.yml",
        "docker-compose.prod.yaml",
        "compose.override.yml",
    ):
        assert is_compose_name(name), name
    assert not is_compose_name("values.yaml")


def test_kubernetes_lists_ids_and_cluster_scope(write) -> None:
    root = write(
        {
            "k8s/all.yaml": (
                "apiVersion: v1\nkind: List\nitems:\n"
                "  - apiVersion: v1\n    kind: Service\n    metadata: {name: a, namespace: shop}\n"
                "  - apiVersion: rbac.authorization.k8s.io/v1\n    kind: ClusterRole\n"
                "    metadata: {name: reader}\n"
                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
            ),
            "ci/workflow.yaml": "on: push\njobs: {}\n",
        }
    )
    inv = _inv(root)
    assert [o.id for o in inv.kubernetes] == [
        "Service/shop/a",
        "ClusterRole/reader",
        "Deployment/default/web",
    ]
    assert inv.kubernetes[0].line == 4
    assert inv.skipped == []


def test_compose_by_name_and_by_content(write) -> None:
    root = write(
        {
            "docker-compose.yml": "services:\n  web: {image: 'nginx:1.27'}\n",
            "deploy/stack.yaml": "services:\n  api:\n    image: api:1\n    ports: ['80:80']\n",
            "other/services.yaml": "services: [a, b]\n",
        }
    )
    inv = _inv(root)
    assert sorted((c.path, c.project) for c in inv.compose) == [
        ("deploy/stack.yaml", "deploy"),
        ("docker-compose.yml", root.name.lower()),
    ]


def test_helm_templates_are_skipped_with_reason(write) -> None:
    root = write(
        {
            "chart/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
            "chart/templates/deploy.yaml": (
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
                "  name: {{ .Release.Name }}\n{{- if .Values.x }}\nspec: {}\n{{- end }}\n"
            ),
        }
    )
    inv = _inv(root)
    assert inv.kubernetes == []
    [skip] = inv.skipped
    assert skip.path == "chart/templates/deploy.yaml"
    assert "Helm template" in skip.reason and "helm template" in skip.reason


def test_broken_yaml_document_is_skipped_and_rest_loaded(write) -> None:
    root = write(
        {
            "k8s/app.yaml": (
                "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
                "---\napiVersion: v1\nkind: Service\nmetadata: {name: [b\n"
                "---\napiVersion: v1\nkind: Service\nmetadata: {name: c}\n"
            ),
            "bad.yaml": b"\xff\xfe garbage".decode("latin-1"),
        }
    )
    (root / "bin.yml").write_bytes(b"\x00\x01\x02")
    inv = _inv(root)
    assert [o.name for o in inv.kubernetes] == ["a", "c"]
    reasons = {s.path: s.reason for s in inv.skipped}
    assert reasons["k8s/app.yaml"].startswith("document 2: invalid YAML at line")
    assert "binary" in reasons["bin.yml"]


def test_an_env_file_gives_compose_its_variables(write) -> None:
    env = (
        "# comment\nIMAGE=ghcr.io/acme/shop\nexport TAG='1.2'\nREF=${IMAGE}:${TAG}\n"
        'QUOTED="a # b"\nTRAILING=x # note\nnot a pair\n'
    )
    inv = load_inventory(walk(write({"stack/.env": env, ".env": "A=1\n"})), 1 << 20)
    assert inv.dotenv["stack"].values == {
        "IMAGE": "ghcr.io/acme/shop",
        "TAG": "1.2",
        "REF": "ghcr.io/acme/shop:1.2",
        "QUOTED": "a # b",
        "TRAILING": "x",
    }
    assert inv.dotenv[""].values == {"A": "1"}
    assert inv.dotenv["stack"].lines["TAG"] == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${A}/x", "1/x"),
        ("$A-$B", "1-$B"),  # unknown and no default: left as written
        ("${B:-./Dockerfile}", "./Dockerfile"),
        ("${B-two}", "two"),
        ("${B:?required}", "${B:?required}"),
    ],
)
def test_interpolate_follows_compose(text: str, expected: str) -> None:
    assert interpolate(text, {"A": "1"}) == expected
