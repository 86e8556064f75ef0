"""Compose rules beyond the fixtures: odd shapes, gateway awareness, keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from shieldwall.analyzers.config.compose.image import image_tag_problem
from shieldwall.model import Settings
from tests.conftest import config_findings


def _compose(write, text: str, settings: Settings | None = None) -> list[tuple[str, int]]:
    root: Path = write({"docker-compose.yaml": text})
    return sorted(
        (f.rule.id, f.location.start_line)
        for f in config_findings(root, settings)
        if f.rule.id.startswith("COMPOSE-")
    )


ODD_SHAPES = [
    "services:\n  web:\n    image: [a, b]\n    ports: 80\n    volumes: {a: b}\n",
    "services:\n  web:\n    ports: [null, true, {published: [1]}, '::', '[', 'a:b:c:d']\n",
    "services:\n  web:\n    volumes: [null, 3, {type: bind}, {source: [x]}, ':', '::']\n",
    "services:\n  web:\n    environment: [1, null, '=x', {a: b}]\n    cap_add: {ALL: 1}\n",
    "services:\n  web:\n    security_opt: [null, {a: b}, 7]\n    deploy: [1]\n",
    "services:\n  web:\n    deploy: {resources: {limits: [1]}}\n    user: [root]\n",
    "services:\n  web:\n    healthcheck: {test: []}\n    devices: [{source: 1}, 5]\n",
    "services:\n  1:\n    image: x\n  web: null\nvolumes: {v: {driver_opts: [1]}, w: null}\n",
]


@pytest.mark.parametrize("text", ODD_SHAPES)
def test_odd_shapes_do_not_crash(write, text: str) -> None:
    found = _compose(write, "# odd\n" + text)
    assert all(line >= 1 for _, line in found)


def test_published_port_is_left_to_the_service_map(write) -> None:
    # Whether a published port lets the internet past the gateway is the map's question
    # (TOPO-EXPOSED-PAST-GATEWAY, which answers to the retired COMPOSE-PUBLISHED-PORT);
    # the single-field facts of the port stay here.
    text = "services:\n  orders:\n    image: orders:1.0\n    ports: ['80:8080']\n"
    on_ports = [rule for rule, line in _compose(write, text) if line == 4]
    assert on_ports == ["COMPOSE-PORT-ALL-INTERFACES", "COMPOSE-PRIVILEGED-PORT"]


def test_two_dangerous_and_plain_caps_give_one_finding_each(write) -> None:
    text = "services:\n  web:\n    image: a:1\n    cap_add: [SYS_ADMIN, NET_ADMIN, CHOWN]\n"
    found = _compose(write, text)
    assert found.count(("COMPOSE-CAP-ADD-DANGEROUS", 4)) == 1
    assert found.count(("COMPOSE-CAP-ADD", 4)) == 1


def test_each_privileged_port_has_its_own_fingerprint(write) -> None:
    text = "services:\n  a:\n    image: a:1\n    ports: ['80:80', '22:22']\n"
    root = write({"compose.yaml": text})
    keys = {f.key for f in config_findings(root) if f.rule.id == "COMPOSE-PRIVILEGED-PORT"}
    assert keys == {"ports[80:80]", "ports[22:22]"}


def test_secret_values_never_appear_in_messages(write) -> None:
    value = "Zq" + "9" * 14
    text = f"services:\n  a:\n    environment:\n      DB_PASSWORD: {value}\n"
    root = write({"compose.yaml": text})
    hits = [f for f in config_findings(root) if f.rule.id == "COMPOSE-ENV-SECRET"]
    assert len(hits) == 1
    assert value not in hits[0].message and value not in hits[0].key


@pytest.mark.parametrize(
    ("image", "floats"),
    [
        ("nginx", True),
        ("nginx:latest", True),
        ("localhost:5000/nginx", True),
        ("nginx:1.27", False),
        ("localhost:5000/nginx:1.27", False),
        ("nginx@sha256:" + "a" * 64, False),
        ("nginx:${TAG}", False),
    ],
)
def test_image_tag_problem(image: str, floats: bool) -> None:
    assert bool(image_tag_problem(image)) is floats


ANCHORED = """x-defaults: &defaults
  image: app:1.0
  security_opt: []
services:
  web:
    <<: *defaults
  worker:
    <<: *defaults
  cron:
    <<: *defaults
    security_opt: ["no-new-privileges:true"]
"""


def test_anchor_inherited_by_services_is_reported_once_at_the_anchor(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(ANCHORED)
    found = [f for f in config_findings(tmp_path) if f.rule.id == "COMPOSE-NO-NEW-PRIVILEGES"]
    assert len(found) == 1
    assert found[0].location.start_line == 3
    assert found[0].resource.endswith("/x-defaults")
    assert "web" in found[0].message and "worker" in found[0].message
    assert "cron" not in found[0].message


_BUILT = """
services:
  web:
    build:
      context: .
      dockerfile: ${WEB_DOCKERFILE}
"""


@pytest.mark.parametrize(
    ("dockerfile", "runs_as_root"),
    [
        ("FROM envoyproxy/envoy:v1.39.0\nUSER envoy\n", False),
        ("FROM alpine:3.22 AS base\nUSER 101\nFROM base\nCOPY a /a\n", False),
        ("FROM grafana/k6:2.2.0\nCOPY s.js .\n", False),  # the base's own USER
        ("FROM alpine:3.22\nUSER app\nRUN x\nUSER root\n", True),
        ("FROM alpine:3.22\nCOPY a /a\n", True),
    ],
)
def test_a_built_service_runs_as_its_dockerfiles_user(
    write, dockerfile: str, runs_as_root: bool
) -> None:
    root = write(
        {
            "compose.yaml": _BUILT,
            ".env": "WEB_DOCKERFILE=./web/Dockerfile\n",
            "web/Dockerfile": dockerfile,
        }
    )
    rules = {f.rule.id for f in config_findings(root) if f.location.path == "compose.yaml"}
    assert ("COMPOSE-RUN-AS-ROOT" in rules) is runs_as_root
