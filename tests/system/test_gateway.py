from __future__ import annotations

import pytest

from shieldwall.model import GatewaySettings
from shieldwall.sources.manifests import load_inventory
from shieldwall.sources.tree import walk
from shieldwall.sources.workloads import workload_of
from shieldwall.system.gateway import _detect_reason, detect_gateways


@pytest.mark.parametrize(
    ("name", "images", "is_gateway"),
    [
        ("api-gateway", ["registry.example/gw:1"], True),
        ("istio-ingressgateway", ["docker.io/istio/proxyv2:1.22.0"], True),
        ("edge", ["envoyproxy/envoy:v1.31.0"], True),
        ("edge-proxy", ["nginx:1.27"], True),
        ("frontend", ["traefik:v3.1"], True),
        ("caddy-gen", ["wemakeservices/caddy-gen:latest"], True),  # caddy set up from labels
        ("web", ["lucaslorentz/caddy-docker-proxy:2.9"], True),
        ("frontend", ["nginx:1.27"], False),  # a web server, not the way in
        ("edge-proxy", ["registry.example/app:1"], False),
        ("internal-proxy", ["nginx:1.27"], False),
        ("orders", ["registry.example/orders:1"], False),
    ],
)
def test_detection_by_image_and_name(name: str, images: list[str], is_gateway: bool) -> None:
    assert (_detect_reason(name, images) is not None) is is_gateway


def test_configured_gateway_wins_over_detection(write) -> None:
    root = write(
        {
            "k8s.yaml": (
                "apiVersion: apps/v1\nkind: Deployment\n"
                "metadata: {name: api-gateway, namespace: a}\n"
                "spec:\n  template:\n    spec:\n      containers: [{name: c, image: 'kong:3'}]\n"
                "---\napiVersion: apps/v1\nkind: Deployment\n"
                "metadata: {name: front, namespace: a}\n"
                "spec:\n  template:\n    spec:\n      containers: [{name: c, image: 'app:1'}]\n"
            ),
            "docker-compose.yml": "name: shop\nservices:\n  proxy: {image: 'nginx:1.27'}\n",
        }
    )
    inv = load_inventory(walk(root), 1 << 20)
    workloads = [w for w in map(workload_of, inv.kubernetes) if w is not None]
    detected = detect_gateways(inv, workloads, GatewaySettings())
    assert detected.ids == {"Deployment/a/api-gateway", "compose/shop/proxy"}
    configured = detect_gateways(inv, workloads, GatewaySettings(workloads=("Deployment/a/front",)))
    assert configured.ids == {"Deployment/a/front"}
    assert configured.source == "configured in .shieldwall.yaml"


_BUILT_PROXY = """\
services:
  app:
    image: cloud:29-fpm
    environment: [VIRTUAL_HOST=cloud.example]
  proxy:
    build: {build}
    ports: ["80:80", "443:443"]
"""


@pytest.mark.parametrize(
    ("build", "dockerfile", "base"),
    [
        ("./proxy", "proxy/Dockerfile", "nginxproxy/nginx-proxy:1.7-alpine"),
        ("{context: ., dockerfile: web.Dockerfile}", "web.Dockerfile", "traefik:v3.1"),
    ],
)
def test_a_service_built_on_a_proxy_image_is_the_gateway(
    write, build: str, dockerfile: str, base: str
) -> None:
    root = write(
        {
            "stack/compose.yaml": _BUILT_PROXY.format(build=build),
            f"stack/{dockerfile}": f"FROM {base} AS run\nFROM run\nCOPY a.conf /etc/nginx/\n",
        }
    )
    view = detect_gateways(load_inventory(walk(root), 1 << 20), [], GatewaySettings())
    assert view.ids == {"compose/stack/proxy"}
    assert base in view.reasons["compose/stack/proxy"]


def test_a_built_service_whose_dockerfile_was_not_scanned_is_not_taken_for_one(write) -> None:
    root = write({"stack/compose.yaml": _BUILT_PROXY.format(build="./elsewhere")})
    view = detect_gateways(load_inventory(walk(root), 1 << 20), [], GatewaySettings())
    assert view.ids == set()


_NAMED_BUILT_PROXY = """
services:
  app:
    image: ${REGISTRY}/shop:${TAG}-app
  frontend-proxy:
    image: ${REGISTRY}/shop:${TAG}-frontend-proxy
    build:
      context: ./
      dockerfile: ${PROXY_DOCKERFILE}
    ports: ["${ENVOY_PORT}:${ENVOY_PORT}"]
"""


def test_a_named_build_is_read_through_the_projects_env_file(write) -> None:
    files = {
        "stack/compose.yaml": _NAMED_BUILT_PROXY,
        "stack/src/proxy/Dockerfile": "FROM envoyproxy/envoy:v1.39.0\nUSER envoy\n",
    }
    without = detect_gateways(load_inventory(walk(write(files)), 1 << 20), [], GatewaySettings())
    assert without.ids == set()  # the Dockerfile's path is only in .env
    files["stack/.env"] = "REGISTRY=ghcr.io/acme\nPROXY_DOCKERFILE=./src/proxy/Dockerfile\n"
    view = detect_gateways(load_inventory(walk(write(files)), 1 << 20), [], GatewaySettings())
    assert view.ids == {"compose/stack/frontend-proxy"}
    assert "envoyproxy/envoy" in view.reasons["compose/stack/frontend-proxy"]
