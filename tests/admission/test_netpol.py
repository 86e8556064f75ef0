"""Least-privilege NetworkPolicies from the service map, verified by re-scanning."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from shieldwall.admission.netpol import generate, verify

SHOP = Path(__file__).resolve().parents[2] / "examples" / "shop"


def test_generated_policies_keep_links_remove_findings_and_add_no_pair() -> None:
    generated = generate(SHOP)
    result = verify(SHOP, generated)
    assert result.links > 0
    assert result.lost == ()
    assert result.kept == result.links
    assert result.extra == ()
    assert result.findings_before["TOPO-DATASTORE-FROM-ANY-POD"] > 0
    assert result.findings_before["K8S-NETPOL-MISSING"] > 0
    assert result.findings_after == {"TOPO-DATASTORE-FROM-ANY-POD": 0, "K8S-NETPOL-MISSING": 0}


def test_each_namespace_gets_a_default_deny_and_datastores_admit_only_their_clients() -> None:
    policies = generate(SHOP).by_namespace["shop"]
    deny = policies[0]
    assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    postgres = next(p for p in policies if p["metadata"]["name"].endswith("postgres"))
    callers = {
        peer["podSelector"]["matchLabels"]["app"]
        for rule in postgres["spec"]["ingress"]
        for peer in rule["from"]
    }
    assert callers == {"orders", "payments"}
    assert all(
        rule["ports"] == [{"protocol": "TCP", "port": 5432}] for rule in postgres["spec"]["ingress"]
    )


def test_outside_traffic_is_admitted_only_into_the_gateway() -> None:
    generated = generate(SHOP)
    open_ingress = [
        p["metadata"]["name"]
        for p in generated.by_namespace["shop"]
        for rule in p["spec"].get("ingress", ())
        if "from" not in rule
    ]
    assert open_ingress == ["shieldwall-deployment-gateway"]
    assert any("Deployment/shop/catalog" in note for note in generated.left_out)


def test_cli_writes_one_file_per_namespace_and_verifies(tmp_path: Path) -> None:
    out = tmp_path / "policies"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "shieldwall",
            "policy",
            "netpol",
            str(SHOP),
            "-o",
            str(out),
            "--verify",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    docs = list(yaml.safe_load_all((out / "shop.yaml").read_text()))
    assert all(d["kind"] == "NetworkPolicy" for d in docs)
    assert "links kept" in run.stderr
