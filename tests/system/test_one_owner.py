"""Each fact about the system is reported once, by its owner, and the map and the
findings agree: exposure and plaintext links are the service map's questions."""

from __future__ import annotations

import pytest

from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.model import Control

MANIFESTS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: registry.example/web:1.0
          env:
            - name: ORDERS_URL
              value: grpc://orders:9000
            - name: CACHE_URL
              value: redis://orders:9000
            - name: AUDIT_URL
              value: http://orders:9100
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: orders, namespace: shop}
spec:
  selector: {matchLabels: {app: orders}}
  template:
    metadata: {labels: {app: orders}}
    spec:
      containers:
        - name: orders
          image: registry.example/orders:1.0
          ports: [{containerPort: 9000}, {containerPort: 9100}]
---
apiVersion: v1
kind: Service
metadata: {name: orders, namespace: shop}
spec:
  selector: {app: orders}
  ports: [{name: grpc, port: 9000}, {name: audit, port: 9100}]
"""


def _scan(root):
    options = ScanOptions(analyzers="config,topology", offline=True, repo_config=False)
    return run_scan(root, options, str(root)).result


def test_one_exposure_and_one_plaintext_finding_per_link(write) -> None:
    result = _scan(write({"k8s/app.yaml": MANIFESTS}))
    exposure = [f for f in result.findings if f.rule.control is Control.API_EXPOSURE]
    assert [(f.rule.id, f.resource) for f in exposure] == [
        ("TOPO-ENTRY-NO-GATEWAY", "Deployment/shop/web")
    ]
    plaintext = [f for f in result.findings if f.rule.cwe == ("CWE-319",)]
    assert sorted(f.rule.id for f in plaintext) == ["TOPO-PLAINTEXT-EDGE"] * 2
    by_port = {f.key: f for f in plaintext}
    assert set(by_port) == {"->Deployment/shop/orders:9000", "->Deployment/shop/orders:9100"}
    # grpc:// is plaintext too: one definition of an encrypted link.
    both = by_port["->Deployment/shop/orders:9000"].message
    assert "grpc://orders:9000" in both and "redis://orders:9000" in both


def test_map_and_findings_give_the_same_verdict(write) -> None:
    result = _scan(write({"k8s/app.yaml": MANIFESTS}))
    assert result.service_map is not None
    findings = {f.fingerprint: f for f in result.findings}
    web = result.service_map.node("Deployment/shop/web")
    assert web is not None and web.exposure == "internet"
    assert {findings[fp].rule.id for fp in web.findings} >= {"TOPO-ENTRY-NO-GATEWAY"}
    links = [
        e
        for e in result.service_map.edges
        if e.source == "Deployment/shop/web" and e.target == "Deployment/shop/orders"
    ]
    assert sorted(e.port for e in links) == [9000, 9100]
    for edge in links:
        assert not edge.encrypted
        assert [findings[fp].rule.id for fp in edge.findings] == ["TOPO-PLAINTEXT-EDGE"]


def test_a_plaintext_url_to_a_host_outside_the_unit_is_configs(write) -> None:
    outside = MANIFESTS.replace("http://orders:9100", "http://audit.example.net/log")
    result = _scan(write({"k8s/app.yaml": outside}))
    rules = sorted(f.rule.id for f in result.findings if f.rule.cwe == ("CWE-319",))
    assert rules == ["NET-PLAINTEXT-URL", "TOPO-PLAINTEXT-EDGE"]


def test_a_suppression_of_a_retired_id_still_suppresses_its_fact(write) -> None:
    ignored = MANIFESTS.replace(
        "  type: LoadBalancer", "  type: LoadBalancer  # shieldwall: ignore[K8S-SERVICE-EXPOSED]"
    )
    root = write(
        {
            "k8s/app.yaml": ignored,
            ".shieldwall.yaml": "exceptions:\n"
            "  - rule: NET-PLAINTEXT-URL\n    path: k8s/*\n    reason: accepted\n",
        }
    )
    options = ScanOptions(analyzers="config,topology", offline=True)
    result = run_scan(root, options, str(root)).result
    active = {f.rule.id for f in result.findings if not f.suppressed}
    assert "TOPO-PLAINTEXT-EDGE" not in active
    assert "TOPO-ENTRY-NO-GATEWAY" not in active  # at the Service's type line
    assert any(f.rule.id == "TOPO-ENTRY-NO-GATEWAY" for f in result.findings)
    assert not any(f.rule.id.startswith("SHIELDWALL-UNKNOWN") for f in result.findings)


def test_a_baseline_entry_of_a_retired_rule_still_matches(write, tmp_path) -> None:
    import json

    from shieldwall.engine.baseline import apply_baseline, load_baseline

    result = _scan(write({"k8s/app.yaml": MANIFESTS}))
    [exposed] = [f for f in result.findings if f.rule.id == "TOPO-ENTRY-NO-GATEWAY"]
    entry = {"fingerprint": "0" * 32, "rule": "K8S-HOSTPORT", "path": "elsewhere.yaml"}
    baseline = tmp_path / "baseline.json"
    doc = {"schema": "shieldwall/baseline/v1", "findings": [entry | {"resource": exposed.resource}]}
    baseline.write_text(json.dumps(doc))
    [kept] = apply_baseline([exposed], load_baseline(baseline))
    assert kept.suppressed
    doc["findings"] = [entry | {"resource": "Deployment/shop/other"}]
    baseline.write_text(json.dumps(doc))
    [kept] = apply_baseline([exposed], load_baseline(baseline))
    assert not kept.suppressed


COMPOSE = """\
services:
  gateway:
    image: envoyproxy/envoy:v1.31.0
    ports: ["443:8443"]
  orders:
    image: registry.example/orders:1.0
    ports:
      - "8080:8080"
  cache:
    image: redis:7
    ports:
      - "6379:6379"
"""


def _published(result) -> list[tuple[str, str, bool]]:
    return sorted(
        (f.rule.id, f.resource, f.suppressed)
        for f in result.findings
        if f.rule.named_by("COMPOSE-PUBLISHED-PORT")
    )


def test_a_compose_published_port_is_one_finding_of_the_map(write) -> None:
    result = _scan(write({"shop/docker-compose.yaml": COMPOSE}))
    assert _published(result) == [
        ("TOPO-DATASTORE-FROM-INTERNET", "compose/shop/cache", False),
        ("TOPO-EXPOSED-PAST-GATEWAY", "compose/shop/orders", False),
    ]
    assert not any(f.rule.id == "COMPOSE-PUBLISHED-PORT" for f in result.findings)
    [exposed] = [f for f in result.findings if f.rule.id == "TOPO-EXPOSED-PAST-GATEWAY"]
    assert exposed.location.start_line == 8  # the published item


def test_suppressions_naming_compose_published_port_still_apply(write) -> None:
    ignored = COMPOSE.replace(
        '- "8080:8080"', '- "8080:8080"  # shieldwall: ignore[COMPOSE-PUBLISHED-PORT] demo only'
    )
    root = write(
        {
            "shop/docker-compose.yaml": ignored,
            ".shieldwall.yaml": "exceptions:\n  - rule: COMPOSE-PUBLISHED-PORT\n"
            "    resource: compose/shop/cache\n    reason: local cache\n",
        }
    )
    options = ScanOptions(analyzers="config,topology", offline=True)
    result = run_scan(root, options, str(root)).result
    assert _published(result) == [
        ("TOPO-DATASTORE-FROM-INTERNET", "compose/shop/cache", True),
        ("TOPO-EXPOSED-PAST-GATEWAY", "compose/shop/orders", True),
    ]
    assert not any(f.rule.id.startswith("SHIELDWALL-UNKNOWN") for f in result.findings)


def test_rule_selection_naming_compose_published_port_selects_the_map_findings(write) -> None:
    root = write({"shop/docker-compose.yaml": COMPOSE})
    chosen = ScanOptions(
        analyzers="config,topology",
        offline=True,
        repo_config=False,
        rules=("COMPOSE-PUBLISHED-PORT",),
    )
    found = run_scan(root, chosen, str(root)).result.findings
    assert sorted(f.rule.id for f in found) == [
        "TOPO-DATASTORE-FROM-INTERNET",
        "TOPO-EXPOSED-PAST-GATEWAY",
    ]
    skipped = ScanOptions(
        analyzers="config,topology",
        offline=True,
        repo_config=False,
        skip_rules=("COMPOSE-PUBLISHED-PORT",),
    )
    rest = {f.rule.id for f in run_scan(root, skipped, str(root)).result.findings}
    assert rest and not rest & {"TOPO-DATASTORE-FROM-INTERNET", "TOPO-EXPOSED-PAST-GATEWAY"}


def test_a_baseline_entry_of_compose_published_port_still_matches(write, tmp_path) -> None:
    import json

    from shieldwall.engine.baseline import apply_baseline, load_baseline

    result = _scan(write({"shop/docker-compose.yaml": COMPOSE}))
    [exposed] = [f for f in result.findings if f.rule.id == "TOPO-EXPOSED-PAST-GATEWAY"]
    # What a baseline written before the retirement holds: the config finding's entry.
    entry = {"fingerprint": "0" * 32, "rule": "COMPOSE-PUBLISHED-PORT"}
    baseline = tmp_path / "baseline.json"
    doc = {
        "schema": "shieldwall/baseline/v1",
        "findings": [
            entry | {"path": "shop/docker-compose.yaml", "resource": "compose/shop/orders"}
        ],
    }
    baseline.write_text(json.dumps(doc))
    [kept] = apply_baseline([exposed], load_baseline(baseline))
    assert kept.suppressed
    doc["findings"] = [entry | {"path": "other/docker-compose.yaml", "resource": "compose/x/y"}]
    baseline.write_text(json.dumps(doc))
    [kept] = apply_baseline([exposed], load_baseline(baseline))
    assert not kept.suppressed


def _scan_with_repo_config(root):
    return run_scan(root, ScanOptions(analyzers="config,topology", offline=True), str(root)).result


def test_an_ignore_on_the_ports_key_line_covers_the_port_list_findings(write) -> None:
    # Users write it on the key as often as on the item: the retired rule stood there.
    for rule_id in ("COMPOSE-PUBLISHED-PORT", "TOPO-EXPOSED-PAST-GATEWAY"):
        ignored = COMPOSE.replace(
            '    ports:\n      - "8080:8080"',
            f'    ports:  # shieldwall: ignore[{rule_id}] demo only\n      - "8080:8080"',
        )
        result = _scan_with_repo_config(write({"shop/docker-compose.yaml": ignored}))
        assert _published(result) == [
            ("TOPO-DATASTORE-FROM-INTERNET", "compose/shop/cache", False),
            ("TOPO-EXPOSED-PAST-GATEWAY", "compose/shop/orders", True),
        ], rule_id


def test_an_ignore_above_a_datastore_s_ports_key_covers_its_internet_finding(write) -> None:
    # The finding stands at the service; the published port below it is its cause.
    for rule_id in ("COMPOSE-PUBLISHED-PORT", "TOPO-DATASTORE-FROM-INTERNET"):
        ignored = COMPOSE.replace(
            "    image: redis:7\n    ports:",
            f"    image: redis:7\n    # shieldwall: ignore[{rule_id}] local cache\n    ports:",
        )
        result = _scan_with_repo_config(write({"shop/docker-compose.yaml": ignored}))
        assert _published(result) == [
            ("TOPO-DATASTORE-FROM-INTERNET", "compose/shop/cache", True),
            ("TOPO-EXPOSED-PAST-GATEWAY", "compose/shop/orders", False),
        ], rule_id
        [cache] = [f for f in result.findings if f.rule.id == "TOPO-DATASTORE-FROM-INTERNET"]
        assert cache.suppression is not None and cache.suppression.reason == "local cache"


def test_an_ignore_on_a_service_key_covers_that_service_only(write) -> None:
    ignored = COMPOSE.replace(
        "  orders:\n", "  orders:  # shieldwall: ignore[TOPO-EXPOSED-PAST-GATEWAY] demo\n"
    ).replace("  cache:\n", "  cache:  # shieldwall: ignore[TOPO-EXPOSED-PAST-GATEWAY] no\n")
    result = _scan_with_repo_config(write({"shop/docker-compose.yaml": ignored}))
    assert _published(result) == [
        ("TOPO-DATASTORE-FROM-INTERNET", "compose/shop/cache", False),
        ("TOPO-EXPOSED-PAST-GATEWAY", "compose/shop/orders", True),
    ]


_TWO_WAYS_IN = """\
services:
  front:
    image: web:1.0
    ports: ["80:80"]
  orders:
    image: orders:1.0
    ports:
      - "8080:8080"
      - target: 9090{second}
        published: 9090{long}
"""


@pytest.mark.parametrize(
    ("second", "long"),
    [
        ("", "  # shieldwall: ignore[TOPO-EXPOSED-PAST-GATEWAY] admin port"),
        ("  # shieldwall: ignore[TOPO-EXPOSED-PAST-GATEWAY] admin port", ""),
    ],
)
def test_an_ignore_on_any_published_item_covers_the_services_exposure(
    write, second: str, long: str
) -> None:
    root = write({"shop/docker-compose.yaml": _TWO_WAYS_IN.format(second=second, long=long)})
    options = ScanOptions(analyzers="config,topology", offline=True)
    result = run_scan(root, options, str(root)).result
    exposed = [
        (f.resource, f.location.start_line, f.suppressed)
        for f in result.findings
        if f.rule.id == "TOPO-EXPOSED-PAST-GATEWAY"
    ]
    # It stands at the first published item; the ignore was written at the second.
    assert ("compose/shop/orders", 8, True) in exposed
    assert ("compose/shop/front", 4, False) in exposed


def test_an_ignore_of_another_rule_on_a_published_item_covers_nothing_else(write) -> None:
    text = _TWO_WAYS_IN.format(second="", long="  # shieldwall: ignore[COMPOSE-PRIVILEGED-PORT]")
    root = write({"shop/docker-compose.yaml": text})
    options = ScanOptions(analyzers="config,topology", offline=True)
    result = run_scan(root, options, str(root)).result
    exposed = [f for f in result.findings if f.rule.id == "TOPO-EXPOSED-PAST-GATEWAY"]
    assert exposed and not any(f.suppressed for f in exposed)
