"""What `shieldwall gateway config` writes, and what it refuses to write."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from shieldwall.cli.main import cli
from shieldwall.errors import GatewayError
from shieldwall.gateway.generate import config_from_map
from shieldwall.gateway.plan import GatewayOptions
from shieldwall.model.service_map import MapEdge, MapNode, ServiceMap
from tests.conftest import REPO
from tests.gateway.servers import nginx_missing

SHOP = REPO / "examples" / "shop"
HOSTILE_COMPOSE = """\
name: evil
services:
  gateway:
    image: nginx:1.27
    ports: ["443:443"]
    depends_on: ["orders", "x;}server{listen 1;", "a\\"b"]
  orders:
    image: orders:1
  "x;}server{listen 1;":
    image: x:1
  "a\\"b":
    image: y:1
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_the_same_map_gives_the_same_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        code, output = run("gateway", "config", str(SHOP), "-o", str(out), "--modsecurity", "on")
        assert code == 0, output
    names = sorted(p.name for p in first.iterdir())
    assert names == ["kubernetes.yaml", "modsecurity.conf", "nginx.conf"]
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_shop_services_get_their_routes_and_datastores_none(tmp_path: Path) -> None:
    code, output = run("gateway", "config", str(SHOP), "-o", str(tmp_path), "--modsecurity", "off")
    assert code == 0, output
    conf = (tmp_path / "nginx.conf").read_text()
    for service, port in (("orders", 8080), ("payments", 8080), ("catalog", 3000)):
        assert f"location /api/{service}/ {{" in conf
        assert f"server {service}.shop.svc.cluster.local:{port};" in conf
    assert "postgres" not in conf and "redis" not in conf
    assert "modsecurity" not in conf
    assert not (tmp_path / "modsecurity.conf").exists()


def test_hostile_service_names_are_left_out_with_a_warning(tmp_path: Path) -> None:
    system = tmp_path / "system"
    system.mkdir()
    (system / "compose.yaml").write_text(HOSTILE_COMPOSE)
    out = tmp_path / "out"
    code, output = run(
        "gateway", "config", str(system), "-o", str(out), "--modsecurity", "off",
        "--upstream", "orders=http://127.0.0.1:9",
    )  # fmt: skip
    assert code == 0, output
    assert output.count("warning: left out") == 2
    conf = (out / "nginx.conf").read_text()
    assert "server{listen 1" not in conf and 'a"b' not in conf
    assert "location /api/orders/ {" in conf
    assert conf.count("{") == conf.count("}")


@pytest.mark.skipif(nginx_missing() is not None, reason=str(nginx_missing()))
def test_nginx_takes_the_config_generated_from_hostile_names(tmp_path: Path) -> None:
    system = tmp_path / "system"
    system.mkdir()
    (system / "compose.yaml").write_text(HOSTILE_COMPOSE)
    out = tmp_path / "out"
    out.mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(out / "key.pem"), "-out", str(out / "cert.pem"), "-subj", "/CN=x"],
        check=True, capture_output=True,
    )  # fmt: skip
    code, output = run(
        "gateway", "config", str(system), "-o", str(out), "--modsecurity", "off",
        "--upstream", "orders=http://127.0.0.1:9", "--listen", "127.0.0.1:9443",
        "--http-listen", "off", "--tls-cert", str(out / "cert.pem"),
        "--tls-key", str(out / "key.pem"), "--log-dir", str(tmp_path),
        "--run-dir", str(tmp_path), "--conf-dir", str(out),
    )  # fmt: skip
    assert code == 0, output
    checked = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(out / "nginx.conf")], capture_output=True
    )
    assert checked.returncode == 0, checked.stderr.decode()


def _map(name: str, namespace: str = "shop", service: str | None = None) -> ServiceMap:
    node = MapNode(
        id=f"Deployment/{namespace}/{name}",
        kind="Deployment",
        name=name,
        namespace=namespace,
        exposure="gateway",
        resources=(f"Service/{namespace}/{service or name}",),
    )
    gateway = MapNode(
        id="Deployment/shop/gw", kind="Deployment", name="gw", namespace="shop",
        exposure="internet", role="gateway",
    )  # fmt: skip
    edge = MapEdge(gateway.id, node.id, 8080, False, "test")
    return ServiceMap((gateway, node), (edge,))


@pytest.mark.parametrize(
    ("name", "namespace", "service"),
    [
        ("orders;", "shop", None),
        ("orders", "shop\nload_module x", None),
        ("orders", "shop", 'svc" ; include /etc/passwd'),
        ("orders", "shop", "svc$host"),
        ("ord ers", "shop", None),
    ],
)
def test_no_hostile_value_reaches_the_configuration(
    name: str, namespace: str, service: str | None
) -> None:
    with pytest.raises(GatewayError, match="no service"):
        config_from_map(_map(name, namespace, service), GatewayOptions(modsecurity=False))


def test_a_plain_service_is_routed() -> None:
    config = config_from_map(_map("orders"), GatewayOptions(modsecurity=False))
    assert "server orders.shop.svc.cluster.local:8080;" in config.files["nginx.conf"]


@pytest.mark.parametrize(
    "option",
    [
        ("--route", "orders=/api/x;}/"),
        ("--route", "orders=/api/../x/"),
        ("--server-name", "a.com; include x"),
        ("--tls-cert", '/etc/x" ; y'),
        ("--log-dir", "/var/log/$host"),
        ("--decisions-url", "http://127.0.0.1:1/x;y"),
        ("--decisions-url", "file:///etc/passwd"),
        ("--upstream", "orders=http://a b:1"),
        ("--trusted-proxy", "10.0.0.0/8;"),
        ("--max-body", "1m;"),
        ("--listen", "443 ssl; include x"),
    ],
)
def test_hostile_options_are_usage_errors(tmp_path: Path, option: tuple[str, str]) -> None:
    code, output = run("gateway", "config", str(SHOP), "-o", str(tmp_path), *option)
    assert code == 2, output
    assert not (tmp_path / "nginx.conf").exists()


def test_a_map_without_services_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("nothing to route\n")
    code, output = run("gateway", "config", str(tmp_path), "-o", str(tmp_path / "out"))
    assert code == 2
    assert "no service" in output


def test_decisions_off_leaves_no_auth_request_hook(tmp_path: Path) -> None:
    code, output = run(
        "gateway", "config", str(SHOP), "-o", str(tmp_path), "--decisions-url", "off"
    )  # fmt: skip
    assert code == 0, output
    conf = (tmp_path / "nginx.conf").read_text()
    assert "auth_request" not in conf and "shieldwall-decisions" not in conf


def test_compose_services_are_reached_by_their_names(tmp_path: Path) -> None:
    code, output = run(
        "gateway", "config", str(SHOP), "-o", str(tmp_path), "--platform", "compose"
    )  # fmt: skip
    assert code == 0, output
    conf = (tmp_path / "nginx.conf").read_text()
    assert "server orders:8080;" in conf
    assert "catalog: the map gives no port; port 80 assumed" in output.replace("\n", " ")
    assert not (tmp_path / "kubernetes.yaml").exists()


@pytest.mark.parametrize(("port", "encrypted"), [(8080, True), (8443, False)])
def test_services_that_serve_tls_are_reached_over_verified_tls(port: int, encrypted: bool) -> None:
    plain = _map("orders")
    edge = replace(plain.edges[0], port=port, encrypted=encrypted)
    config = config_from_map(replace(plain, edges=(edge,)), GatewayOptions(modsecurity=False))
    conf = config.files["nginx.conf"]
    assert "proxy_pass https://upstream-orders;" in conf
    assert "proxy_ssl_verify on;" in conf
    assert "proxy_ssl_name orders.shop.svc.cluster.local;" in conf


def test_plain_services_are_reached_over_http() -> None:
    conf = config_from_map(_map("orders"), GatewayOptions(modsecurity=False)).files["nginx.conf"]
    assert "proxy_pass http://upstream-orders;" in conf
    assert "proxy_ssl_verify" not in conf


def test_the_kubernetes_manifest_holds_the_files_and_a_hardened_deployment(tmp_path: Path) -> None:
    import yaml

    code, output = run("gateway", "config", str(SHOP), "-o", str(tmp_path), "--modsecurity", "on")
    assert code == 0, output
    docs = list(yaml.safe_load_all((tmp_path / "kubernetes.yaml").read_text()))
    kinds = {d["kind"]: d for d in docs}
    assert set(kinds) == {"ConfigMap", "Deployment", "Service", "NetworkPolicy"}
    data = kinds["ConfigMap"]["data"]
    assert data["nginx.conf"] == (tmp_path / "nginx.conf").read_text()
    assert data["modsecurity.conf"] == (tmp_path / "modsecurity.conf").read_text()
    pod = kinds["Deployment"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    egress_ports = {
        p["port"] for rule in kinds["NetworkPolicy"]["spec"]["egress"] for p in rule["ports"]
    }
    assert egress_ports == {3000, 8080, 53}


@pytest.mark.parametrize(
    ("listen", "target"),
    [("443", "https://$host$request_uri"), ("8443", "https://$host:8443$request_uri")],
)
def test_plain_http_is_redirected_to_the_tls_port(listen: str, target: str) -> None:
    options = GatewayOptions(modsecurity=False, listen=listen)
    conf = config_from_map(_map("orders"), options).files["nginx.conf"]
    assert f"return 308 {target};" in conf


@pytest.mark.parametrize(("fail_open", "present"), [(True, True), (False, False)])
def test_shieldwall_unreachable_lets_requests_through_only_when_asked(
    fail_open: bool, present: bool
) -> None:
    options = GatewayOptions(modsecurity=False, decisions_fail_open=fail_open)
    conf = config_from_map(_map("orders"), options).files["nginx.conf"]
    assert ("error_page 500 502 503 504 = @shieldwall_unreachable;" in conf) is present
    assert "auth_request /_shieldwall/decision;" in conf
