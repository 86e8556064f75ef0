"""`shieldwall scan` takes the gateway `shieldwall gateway config` generates for
the gateway of the system it is added to."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from shieldwall.cli.main import cli
from shieldwall.engine.scanner import ScanOptions, run_scan
from tests.conftest import REPO

SHOP = REPO / "examples" / "shop"
GENERATED = "Deployment/shop/shieldwall-gateway"


def _shop_with_generated_gateway(tmp_path: Path) -> Path:
    """The shop with its Envoy gateway replaced by the generated one."""
    system = tmp_path / "shop"
    shutil.copytree(SHOP, system)
    shutil.rmtree(system / "gateway")
    (system / "k8s" / "gateway.yaml").unlink()
    # The old configuration names the old gateway; the generated one is deployed with
    # the shop, so it is declared part of the shop's deployment unit.
    (system / ".shieldwall.yaml").write_text('units:\n  shop: ["k8s/**", "gateway-nginx/**"]\n')
    result = CliRunner().invoke(
        cli, ["gateway", "config", str(SHOP), "-o", str(system / "gateway-nginx")]
    )
    assert result.exit_code == 0, result.output
    return system


def test_scan_reports_the_generated_gateway_as_the_gateway(tmp_path: Path) -> None:
    system = _shop_with_generated_gateway(tmp_path)
    scan = run_scan(system, ScanOptions(analyzers="config,topology", offline=True))
    assert any(g.startswith(GENERATED) for g in scan.result.gateways), scan.result.gateways
    service_map = scan.result.service_map
    assert service_map is not None
    node = service_map.node(GENERATED)
    assert node is not None and node.role == "gateway"
    exposed = {
        "K8S-SERVICE-EXPOSED",
        "TOPO-EXPOSED-PAST-GATEWAY",
        "TOPO-ENTRY-NO-GATEWAY",
        "K8S-NETPOL-MISSING",
    }
    about_it = [f.rule.id for f in scan.result.findings if GENERATED in f.resource]
    assert not exposed & set(about_it), about_it
    # nginx.conf in its ConfigMap names the upstreams: the map links the gateway to them.
    targets = {e.target for e in service_map.edges_from(GENERATED)}
    assert {"Deployment/shop/orders", "Deployment/shop/catalog"} <= targets


def test_a_repository_that_declares_its_gateway_is_told_to_declare_the_new_one(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(cli, ["gateway", "config", str(SHOP), "-o", str(tmp_path)])
    assert result.exit_code == 0
    assert f"add {GENERATED} to gateway: workloads" in result.output


def test_scan_reports_the_generated_compose_gateway_as_the_gateway(tmp_path: Path) -> None:
    system = tmp_path / "app"
    system.mkdir()
    (system / "docker-compose.yaml").write_text(
        "name: app\nservices:\n"
        "  orders:\n    image: orders:1\n    ports: ['8080:8080']\n"
        "  catalog:\n    image: catalog:1\n    ports: ['3000:3000']\n"
    )
    result = CliRunner().invoke(
        cli, ["gateway", "config", str(system), "-o", str(system / "gateway-nginx")]
    )
    assert result.exit_code == 0, result.output
    assert (system / "gateway-nginx" / "compose.gateway.yaml").exists()
    scan = run_scan(system, ScanOptions(analyzers="config,topology", offline=True))
    generated = "compose/app/shieldwall-gateway"
    assert any(g.startswith(generated) for g in scan.result.gateways), scan.result.gateways
    about_it = {f.rule.id for f in scan.result.findings if generated in f.resource}
    assert not about_it & {
        "COMPOSE-PORT-PUBLISHED",
        "TOPO-EXPOSED-PAST-GATEWAY",
        "TOPO-ENTRY-NO-GATEWAY",
    }, about_it
