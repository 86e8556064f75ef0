"""Configured values are read once (`system/values.py`), keeping how they were
written: the config rules that read env, compose `environment:` and ConfigMap data
see the same values, numbers and booleans told apart from strings."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import config_findings


def _rules(write, files: dict[str, str]) -> list[tuple[str, int]]:
    root: Path = write(files)
    return sorted((f.rule.id, f.location.start_line) for f in config_findings(root))


def test_compose_environment_counts_an_unquoted_number_as_a_secret_not_a_boolean(
    write,
) -> None:
    compose = (
        "services:\n"
        "  db:\n"
        "    image: postgres:16\n"
        "    environment:\n"
        "      POSTGRES_PASSWORD: 83749201\n"
        "      ADMIN_PASSWORD: true\n"
        "  app:\n"
        "    image: app:1\n"
        "    environment: [API_TOKEN=ghq83nd91kx0]\n"
    )
    found = _rules(write, {"docker-compose.yaml": compose})
    assert [x for x in found if x[0] == "COMPOSE-ENV-SECRET"] == [
        ("COMPOSE-ENV-SECRET", 5),
        ("COMPOSE-ENV-SECRET", 9),
    ]


def test_kubernetes_env_literals_keep_their_type(write) -> None:
    pod = (
        "apiVersion: v1\n"
        "kind: Pod\n"
        "metadata: {name: p}\n"
        "spec:\n"
        "  containers:\n"
        "    - name: c\n"
        "      image: c:1\n"
        "      env:\n"
        "        - {name: DB_PASSWORD, value: 83749201}\n"
        "        - {name: API_TOKEN, value: ghq83nd91kx0}\n"
        "        - name: AUTH_ENABLED\n"
        "          value: false\n"
    )
    found = _rules(write, {"pod.yaml": pod})
    assert ("K8S-ENV-LITERAL-SECRET", 10) in found
    assert ("K8S-ENV-LITERAL-SECRET", 9) not in found  # a number is a setting
    assert ("K8S-ENV-AUTH-DISABLED", 12) in found


def test_a_controller_configmap_value_read_unquoted_still_counts(write) -> None:
    configmap = (
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}\n"
        "data:\n"
        "  allow-snippet-annotations: true\n"
    )
    found = _rules(write, {"cm.yaml": configmap})
    assert ("K8S-INGRESS-NGINX-SNIPPET", 5) in found


def test_a_datastore_s_environment_is_read_from_kubernetes_and_compose_alike(write) -> None:
    compose = (
        "services:\n"
        "  search:\n"
        "    image: elasticsearch:8.14.0\n"
        "    environment:\n"
        "      - xpack.security.enabled=false\n"
    )
    pod = (
        "apiVersion: v1\n"
        "kind: Pod\n"
        "metadata: {name: search}\n"
        "spec:\n"
        "  containers:\n"
        "    - name: es\n"
        "      image: elasticsearch:8.14.0\n"
        "      env:\n"
        "        - {name: xpack.security.enabled, value: false}\n"
    )
    found = _rules(write, {"docker-compose.yaml": compose, "k8s/pod.yaml": pod})
    assert [x for x in found if x[0] == "DATASTORE-NO-AUTH"] == [
        ("DATASTORE-NO-AUTH", 5),
        ("DATASTORE-NO-AUTH", 9),
    ]
