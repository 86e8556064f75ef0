"""The map reads compose values as `docker compose` runs them: interpolated from
the project's `.env`; and a gateway's admin port open to the internet is reported."""

from __future__ import annotations

from tests.analyzers.topology.test_topology import build, deploy, env, rules_of

DB = """
name: demo
services:
  app: {image: registry/app:1, environment: {DB: "postgres://db:5432/x"}}
  db:
    image: ${POSTGRES_IMAGE}
    ports: ["5432:5432"]
"""


def test_a_datastore_named_by_an_env_variable_is_a_datastore(write) -> None:
    service_map, findings = build(
        write({"compose.yaml": DB, ".env": "POSTGRES_IMAGE=postgres:16\n"})
    )
    assert "TOPO-DATASTORE-FROM-INTERNET" in rules_of(findings, "compose/demo/db")
    roles = {n.id: n.role for n in service_map.nodes}
    assert roles["compose/demo/db"] == "datastore"


def test_without_the_env_file_the_image_is_unknown_not_guessed(write) -> None:
    _, findings = build(write({"compose.yaml": DB}))
    assert "TOPO-DATASTORE-FROM-INTERNET" not in rules_of(findings)


PROXY = """
name: shop
services:
  proxy:
    image: envoyproxy/envoy:v1.30
    ports: ["${{ENVOY_PORT}}:${{ENVOY_PORT}}", "{admin}"]
    environment: [ENVOY_PORT, ENVOY_ADMIN_PORT]
  api: {{image: registry/api:1}}
"""
ENV = "ENVOY_PORT=8080\nENVOY_ADMIN_PORT=10000\n"


def test_a_gateway_admin_port_published_on_every_interface_is_high(write) -> None:
    root = write({"compose.yaml": PROXY.format(admin="${ENVOY_ADMIN_PORT}:${ENVOY_ADMIN_PORT}")})
    (root / ".env").write_text(ENV)
    _, findings = build(root)
    admin = [f for f in findings if f.rule.id == "TOPO-GATEWAY-ADMIN-EXPOSED"]
    assert [(f.resource, f.location.start_line, f.rule.severity.value) for f in admin] == [
        ("compose/shop/proxy", 6, "high")
    ]
    assert "port 10000" in admin[0].message


def test_a_gateway_admin_port_on_loopback_or_unpublished_is_not_reported(write) -> None:
    for admin in ("127.0.0.1:9901:9901", "${ENVOY_PORT}:${ENVOY_PORT}"):
        root = write({"compose.yaml": PROXY.format(admin=admin), ".env": ENV})
        _, findings = build(root)
        assert "TOPO-GATEWAY-ADMIN-EXPOSED" not in rules_of(findings)


def test_a_kubernetes_gateway_admin_api_behind_a_load_balancer_is_high(write) -> None:
    kong = deploy("kong", image="kong:3.6", port=8001).replace(
        "  ports: [{port: 8001", "  type: LoadBalancer\n  ports: [{port: 8001"
    )
    _, findings = build(write({"k8s.yaml": kong}))
    assert "TOPO-GATEWAY-ADMIN-EXPOSED" in rules_of(findings, "Deployment/app/kong")
    listen = env(KONG_ADMIN_LISTEN="127.0.0.1:8001")
    quiet = deploy("kong", image="kong:3.6", port=8001, env=listen).replace(
        "  ports: [{port: 8001", "  type: LoadBalancer\n  ports: [{port: 8001"
    )
    _, findings = build(write({"k8s.yaml": quiet}))
    assert "TOPO-GATEWAY-ADMIN-EXPOSED" not in rules_of(findings)
