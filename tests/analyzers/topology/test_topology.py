"""The topology analyzer: the graph it builds and the findings it reads off it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shieldwall.analyzers.base import ScanTarget
from shieldwall.analyzers.topology import TopologyAnalyzer, map_inventory
from shieldwall.engine.project_config import load_config
from shieldwall.model import GatewaySettings, ServiceMap, Settings
from shieldwall.sources.tree import walk
from shieldwall.system.links import addresses
from tests.conftest import REPO, config_findings
from tests.reports import check

SHOP = REPO / "examples" / "shop"


def build(root: Path, settings: Settings | None = None):
    target = ScanTarget(walk(root), settings or Settings())
    service_map, findings, _ = map_inventory(target.inventory, target.settings)
    return service_map, findings


def edge(m: ServiceMap, src: str, dst: str):
    found = [e for e in m.edges if e.source == src and e.target == dst]
    assert found, f"no edge {src} -> {dst}: {[(e.source, e.target) for e in m.edges]}"
    return found[0]


def rules_of(findings, resource: str | None = None) -> set[str]:
    return {f.rule.id for f in findings if resource is None or f.resource == resource}


def deploy(
    name: str,
    ns: str = "app",
    image: str = "registry/x:1",
    port: int = 8080,
    env: str = "",
    labels: str = "",
    extra: str = "",
) -> str:
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {ns}}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}{labels}}}}}
    spec:
      containers:
        - name: {name}
          image: {image}
          ports: [{{name: http, containerPort: {port}}}]
{env}{extra}---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {ns}}}
spec:
  selector: {{app: {name}}}
  ports: [{{port: {port}, targetPort: http}}]
---
"""


def env(**values: str) -> str:
    items = "".join(f'            - {{name: {k}, value: "{v}"}}\n' for k, v in values.items())
    return "          env:\n" + items


# -- the example shop ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shop():
    settings = load_config(SHOP / ".shieldwall.yaml", ".shieldwall.yaml").settings
    return build(SHOP, settings)


def test_shop_edges_and_exposure(shop) -> None:
    m, _ = shop
    exposure = {n.id: n.exposure for n in m.nodes}
    assert exposure["Deployment/shop/gateway"] == "internet"
    assert exposure["Deployment/shop/catalog"] == "internet"  # NodePort + Ingress bypass
    assert exposure["Deployment/shop/orders"] == "gateway"
    assert exposure["Deployment/shop/payments"] == "gateway"
    assert exposure["StatefulSet/shop/postgres"] == "internal"
    assert exposure["compose/shop/postgres"] == "internet"  # 5432:5432 published
    assert exposure["compose/shop/gateway"] == "internal"  # bound to 127.0.0.1 only
    pay = edge(m, "Deployment/shop/orders", "Deployment/shop/payments")
    assert (pay.port, pay.encrypted, pay.via, pay.allowed) == (8080, False, "url", True)
    assert "PAYMENTS_URL" in pay.evidence and "NetworkPolicy/shop/payments" in pay.evidence
    # sslmode=verify-full encrypts; sslmode=disable does not.
    assert edge(m, "Deployment/shop/payments", "StatefulSet/shop/postgres").encrypted
    assert not edge(m, "Deployment/shop/orders", "StatefulSet/shop/postgres").encrypted
    # the ConfigMap the orders workload loads with envFrom
    assert (
        "ConfigMap orders-config"
        in edge(m, "Deployment/shop/orders", "Deployment/shop/catalog").evidence
    )
    # paths only the gateway's egress policy names
    gw = edge(m, "Deployment/shop/gateway", "Deployment/shop/catalog")
    assert (gw.via, gw.port) == ("policy", 3000)
    # compose: depends_on folded into the URL edge
    assert "depends_on" in edge(m, "compose/shop/orders", "compose/shop/postgres").evidence
    from_internet = {(e.target, e.port) for e in m.edges if e.source == "internet"}
    assert ("Deployment/shop/catalog", 3000) in from_internet
    assert ("compose/shop/orders", 8080) in from_internet
    assert all(e.target != "Deployment/shop/orders" for e in m.edges if e.source == "internet")


def test_shop_findings(shop) -> None:
    _, findings = shop
    by = {(f.rule.id, f.resource) for f in findings}
    assert ("TOPO-EXPOSED-PAST-GATEWAY", "Deployment/shop/catalog") in by
    assert ("TOPO-ROUTE-NO-AUTH", "Deployment/shop/catalog") in by
    assert ("TOPO-DATASTORE-FROM-ANY-POD", "Deployment/shop/redis") in by
    assert ("TOPO-DATASTORE-FROM-ANY-POD", "StatefulSet/shop/postgres") not in by
    assert ("TOPO-DATASTORE-FROM-INTERNET", "compose/shop/postgres") in by
    assert ("TOPO-PLAINTEXT-EDGE", "Deployment/shop/catalog") in by  # redis://
    assert ("TOPO-EGRESS-INTERNET", "StatefulSet/shop/postgres") in by
    assert not rules_of(findings, "Deployment/shop/gateway")
    assert not rules_of(findings, "Deployment/shop/payments") - {"TOPO-EGRESS-INTERNET"}


# Topology findings and the config findings they are related to never share a line.
_RELATED = {
    "TOPO-EXPOSED-PAST-GATEWAY": {
        "K8S-SERVICE-EXPOSED",
        "K8S-INGRESS-BYPASSES-GATEWAY",
        "K8S-SERVICE-EXTERNAL-IPS",
    },
    "TOPO-ROUTE-NO-AUTH": {"K8S-INGRESS-NO-AUTH", "K8S-INGRESS-BYPASSES-GATEWAY"},
    "TOPO-PLAINTEXT-EDGE": {"NET-PLAINTEXT-URL", "NET-DB-TLS-DISABLED"},
    "TOPO-DATASTORE-FROM-ANY-POD": {"K8S-NETPOL-MISSING", "K8S-NETPOL-ALLOW-ALL"},
    "TOPO-DATASTORE-FROM-INTERNET": {"K8S-SERVICE-EXPOSED"},
    "TOPO-EGRESS-INTERNET": {"K8S-NETPOL-NO-DEFAULT-DENY-EGRESS"},
}


def test_no_topology_finding_repeats_a_config_finding_on_its_line(shop) -> None:
    _, topo = shop
    settings = load_config(SHOP / ".shieldwall.yaml", ".shieldwall.yaml").settings
    config = config_findings(SHOP, settings)
    where = {(f.rule.id, f.location.path, f.location.start_line) for f in config}
    assert any(f.rule.id == "TOPO-PLAINTEXT-EDGE" for f in topo)
    for f in topo:
        for related in _RELATED[f.rule.id]:
            assert (related, f.location.path, f.location.start_line) not in where, f


# -- rules: pass and fail --------------------------------------------------------------------


_EXPOSURE = {"TOPO-EXPOSED-PAST-GATEWAY", "TOPO-ENTRY-NO-GATEWAY"}


def test_exposed_past_gateway_fail_and_pass(write) -> None:
    node_port = "type: NodePort\n  ports: [{port"
    bad = write({"k8s.yaml": deploy("api").replace("ports: [{port", node_port)})
    _, findings = build(bad)
    # The only way in, no gateway found: its own rule (nothing is bypassed).
    hit = [f for f in findings if f.rule.id in _EXPOSURE]
    assert hit and "NodePort Service Service/app/api" in hit[0].message
    _, findings = build(write({"k8s.yaml": deploy("api")}))
    assert not rules_of(findings) & _EXPOSURE


def test_exposed_service_blocked_by_policy_is_not_reachable(write) -> None:
    policy = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-gateway, namespace: app}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: {matchLabels: {app: gateway}}}]}]
"""
    root = write(
        {
            "k8s.yaml": deploy("api").replace(
                "ports: [{port", "type: LoadBalancer\n  ports: [{port"
            )
            + policy
        }
    )
    m, findings = build(root)
    assert "TOPO-EXPOSED-PAST-GATEWAY" not in rules_of(findings)
    assert not edge(m, "internet", "Deployment/app/api").allowed
    assert m.node("Deployment/app/api").exposure == "internal"


def test_route_no_auth_fail_and_pass(write) -> None:
    ingress = """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: web, namespace: app{ann}}}
spec:
  rules:
    - host: a.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {{service: {{name: api, port: {{number: 8080}}}}}}
"""
    bad = write({"k8s.yaml": deploy("api") + ingress.format(ann="")})
    _, findings = build(bad)
    assert "TOPO-ROUTE-NO-AUTH" in rules_of(findings, "Deployment/app/api")
    # No gateway in the system: the ingress controller is the way in, not a bypass.
    assert "TOPO-EXPOSED-PAST-GATEWAY" not in rules_of(findings)
    auth = ", annotations: {nginx.ingress.kubernetes.io/auth-url: 'https://auth/verify'}"
    good = write({"k8s.yaml": deploy("api") + ingress.format(ann=auth)})
    _, findings = build(good)
    assert "TOPO-ROUTE-NO-AUTH" not in rules_of(findings)


def test_plaintext_edge_fail_pass_and_mesh_strict(write) -> None:
    caller = deploy("web", env=env(API_URL="http://api:8080/v1"))
    root = write({"k8s.yaml": caller + deploy("api")})
    m, findings = build(root)
    e = edge(m, "Deployment/app/web", "Deployment/app/api")
    assert (e.port, e.encrypted) == (8080, False)
    assert "TOPO-PLAINTEXT-EDGE" in rules_of(findings, "Deployment/app/web")

    tls = write({"k8s.yaml": deploy("web", env=env(API_URL="https://api:8080")) + deploy("api")})
    m, findings = build(tls)
    assert edge(m, "Deployment/app/web", "Deployment/app/api").encrypted
    assert "TOPO-PLAINTEXT-EDGE" not in rules_of(findings)

    strict = """
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: STRICT}}
"""
    mesh = write({"k8s.yaml": caller + deploy("api") + strict})
    m, findings = build(mesh)
    e = edge(m, "Deployment/app/web", "Deployment/app/api")
    assert e.encrypted and "PeerAuthentication/istio-system/default" in e.evidence
    assert "TOPO-PLAINTEXT-EDGE" not in rules_of(findings)
    permissive = strict.replace("STRICT", "PERMISSIVE")
    m, _ = build(write({"k8s.yaml": caller + deploy("api") + permissive}))
    assert not edge(m, "Deployment/app/web", "Deployment/app/api").encrypted


def test_plaintext_edge_blocked_by_policy_is_not_a_finding(write) -> None:
    deny = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: app}
spec: {podSelector: {matchLabels: {app: api}}, policyTypes: [Ingress]}
"""
    root = write(
        {"k8s.yaml": deploy("web", env=env(API_URL="http://api:8080")) + deploy("api") + deny}
    )
    m, findings = build(root)
    assert not edge(m, "Deployment/app/web", "Deployment/app/api").allowed
    assert "TOPO-PLAINTEXT-EDGE" not in rules_of(findings)


def test_grpc_host_port_and_named_service_port(write) -> None:
    root = write(
        {
            "k8s.yaml": deploy("web", env=env(CART_ADDR="cart.app.svc.cluster.local:7070"))
            + deploy("cart", port=7070)
        }
    )
    m, _ = build(root)
    e = edge(m, "Deployment/app/web", "Deployment/app/cart")
    assert (e.port, e.encrypted) == (7070, False)


def test_datastore_from_any_pod_fail_and_pass(write) -> None:
    db = deploy("cache", image="redis:7", port=6379)
    _, findings = build(write({"k8s.yaml": deploy("web", env=env(R="redis://cache")) + db}))
    hit = [f for f in findings if f.rule.id == "TOPO-DATASTORE-FROM-ANY-POD"]
    assert hit and "Deployment/app/web" not in hit[0].message  # short names listed
    assert "web" in hit[0].message
    policy = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cache, namespace: app}
spec:
  podSelector: {matchLabels: {app: cache}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 6379}]}]
"""
    m, findings = build(
        write({"k8s.yaml": deploy("web", env=env(R="redis://cache")) + db + policy})
    )
    assert "TOPO-DATASTORE-FROM-ANY-POD" not in rules_of(findings)
    assert edge(m, "Deployment/app/web", "Deployment/app/cache").allowed
    wide = policy.replace("podSelector: {matchLabels: {app: web}}", "namespaceSelector: {}")
    _, findings = build(write({"k8s.yaml": db + wide}))
    assert "TOPO-DATASTORE-FROM-ANY-POD" in rules_of(findings)  # a policy, but open to all


def test_datastore_from_internet_fail_and_pass(write) -> None:
    compose = """
name: demo
services:
  app: {{image: registry/app:1, environment: {{DB: "postgres://db:5432/x"}}}}
  db:
    image: postgres:16
    ports: ["{bind}5432:5432"]
"""
    _, findings = build(write({"compose.yaml": compose.format(bind="")}))
    assert "TOPO-DATASTORE-FROM-INTERNET" in rules_of(findings, "compose/demo/db")
    _, findings = build(write({"compose.yaml": compose.format(bind="127.0.0.1:")}))
    assert "TOPO-DATASTORE-FROM-INTERNET" not in rules_of(findings)


def test_egress_internet_fail_and_pass(write) -> None:
    secret = """          env:
            - name: TOKEN
              valueFrom: {secretKeyRef: {name: s, key: t}}
"""
    _, findings = build(write({"k8s.yaml": deploy("pay", env=secret)}))
    assert "TOPO-EGRESS-INTERNET" in rules_of(findings, "Deployment/app/pay")
    egress = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress, namespace: app}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]
"""
    _, findings = build(write({"k8s.yaml": deploy("pay", env=secret) + egress}))
    assert "TOPO-EGRESS-INTERNET" not in rules_of(findings)
    everywhere = egress.replace("10.0.0.0/8", "0.0.0.0/0")
    _, findings = build(write({"k8s.yaml": deploy("pay", env=secret) + everywhere}))
    hit = [f for f in findings if f.rule.id == "TOPO-EGRESS-INTERNET"]
    assert hit and "NetworkPolicy/app/egress egress rule 1" in hit[0].message
    # a workload without credentials is not sensitive
    _, findings = build(write({"k8s.yaml": deploy("plain")}))
    assert "TOPO-EGRESS-INTERNET" not in rules_of(findings)


def _with_secret_volume(name: str, volume: str, items: str = "", mount: str = "/etc/x") -> str:
    mounts = f"""          volumeMounts: [{{name: {volume}, mountPath: {mount}, readOnly: true}}]
"""
    volumes = f"""      volumes:
        - name: {volume}
          secret: {{secretName: {name}{items}}}
"""
    return deploy("hook", env=mounts, extra=volumes)


def test_egress_internet_not_for_a_tls_certificate_secret_alone(write) -> None:
    tls_secret = """
apiVersion: v1
kind: Secret
metadata: {name: serving, namespace: app}
type: kubernetes.io/tls
data: {tls.crt: eA==, tls.key: eA==}
---"""
    # a kubernetes.io/tls Secret written beside the workload
    _, findings = build(write({"k8s.yaml": _with_secret_volume("serving", "v") + tls_secret}))
    assert "TOPO-EGRESS-INTERNET" not in rules_of(findings)
    # made at install time: certificate keys projected, or a certificate by name and mount
    keys = ", items: [{key: tls.crt, path: tls.crt}, {key: ca.crt, path: ca.crt}]"
    _, findings = build(write({"k8s.yaml": _with_secret_volume("made-later", "v", keys)}))
    assert "TOPO-EGRESS-INTERNET" not in rules_of(findings)
    mounted = _with_secret_volume("hook-admission", "webhook-cert", mount="/usr/local/certificates")
    _, findings = build(write({"k8s.yaml": mounted}))
    assert "TOPO-EGRESS-INTERNET" not in rules_of(findings)


def test_egress_internet_still_for_a_credential_secret_volume(write) -> None:
    opaque = """
apiVersion: v1
kind: Secret
metadata: {name: webhook-cert, namespace: app}
stringData: {password: x, tls.crt: y}
---"""
    # written with a password: a credential, whatever its name says
    _, findings = build(write({"k8s.yaml": _with_secret_volume("webhook-cert", "v") + opaque}))
    hit = [f for f in findings if f.rule.id == "TOPO-EGRESS-INTERNET"]
    assert hit and "Secret volume v" in hit[0].message
    # not written, named for nothing certificate-like
    _, findings = build(write({"k8s.yaml": _with_secret_volume("cloud-keys", "creds")}))
    assert "TOPO-EGRESS-INTERNET" in rules_of(findings, "Deployment/app/hook")
    # a token projected beside a certificate
    keys = ", items: [{key: ca.crt, path: ca.crt}, {key: token, path: token}]"
    _, findings = build(write({"k8s.yaml": _with_secret_volume("made-later", "v", keys)}))
    assert "TOPO-EGRESS-INTERNET" in rules_of(findings, "Deployment/app/hook")
    # an API key file is not the private key of a TLS pair
    keys = ", items: [{key: ca.crt, path: ca.crt}, {key: api.key, path: api.key}]"
    _, findings = build(write({"k8s.yaml": _with_secret_volume("made-later", "v", keys)}))
    assert "TOPO-EGRESS-INTERNET" in rules_of(findings, "Deployment/app/hook")


def test_gateway_api_route_through_gateway_without_auth(write) -> None:
    gw = """
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: app}
spec:
  gatewayClassName: x
  listeners: [{name: https, protocol: HTTPS, port: 443}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api, namespace: app}
spec:
  parentRefs: [{name: public}]
  rules: [{backendRefs: [{name: api, port: 8080}]}]
"""
    m, findings = build(write({"k8s.yaml": deploy("api") + gw}))
    e = edge(m, "internet", "Deployment/app/api")
    assert e.through_gateway and e.encrypted and e.via == "route"
    assert m.node("Deployment/app/api").exposure == "gateway"
    assert rules_of(findings, "Deployment/app/api") == {"TOPO-ROUTE-NO-AUTH"}


def test_istio_virtual_service_with_authorization_policy(write) -> None:
    vs = """
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: app}
spec: {selector: {istio: ingressgateway}, servers: [{port: {number: 80, protocol: HTTP}}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: app}
spec:
  hosts: ["*"]
  gateways: [edge]
  http: [{route: [{destination: {host: api, port: {number: 8080}}}]}]
"""
    authz = """---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: api, namespace: app}
spec:
  selector: {matchLabels: {app: api}}
  rules: [{from: [{source: {requestPrincipals: ["*"]}}]}]
"""
    m, findings = build(write({"k8s.yaml": deploy("api") + vs}))
    assert edge(m, "internet", "Deployment/app/api").through_gateway
    assert "TOPO-ROUTE-NO-AUTH" in rules_of(findings)
    _, findings = build(write({"k8s.yaml": deploy("api") + vs + authz}))
    assert "TOPO-ROUTE-NO-AUTH" not in rules_of(findings)


def test_compose_networks_decide_reachability(write) -> None:
    compose = """
name: demo
services:
  web:
    image: registry/web:1
    environment: {API: "http://api:8080"}
    networks: [front]
    depends_on: [api]
  api: {image: registry/api:1, networks: [back], expose: ["8080"]}
networks: {front: {}, back: {internal: true}}
"""
    m, findings = build(write({"docker-compose.yaml": compose}))
    e = edge(m, "compose/demo/web", "compose/demo/api")
    assert not e.allowed and "depends_on" in e.evidence
    assert "TOPO-PLAINTEXT-EDGE" not in rules_of(findings)
    assert not m.node("compose/demo/api").open_egress
    assert m.node("compose/demo/web").open_egress


def test_plaintext_link_copied_by_an_anchor_is_one_finding_at_the_anchor(write) -> None:
    compose = """name: demo
x-defaults: &defaults
  image: registry/worker:1
  environment:
    CACHE_URL: "redis://cache:6379"
services:
  cache: {image: registry/redis:7, expose: ["6379"]}
  ingest: *defaults
  export: {<<: *defaults, command: export}
  report:
    image: registry/report:1
    environment: {CACHE_URL: "redis://cache:6379"}
"""
    m, findings = build(write({"docker-compose.yaml": compose}))
    plain = sorted(
        (f.location.start_line, f.message) for f in findings if f.rule.id == "TOPO-PLAINTEXT-EDGE"
    )
    # The anchor's line once, naming both services; report's own line apart.
    assert [line for line, _ in plain] == [5, 10]
    assert plain[0][1].startswith("links of 2 services (export, ingest) -> compose/demo/cache")
    merged = {f.fingerprint for f in findings if f.location.start_line == 5}
    for src in ("compose/demo/ingest", "compose/demo/export"):
        assert merged <= set(edge(m, src, "compose/demo/cache").findings)


def test_gateway_configured_for_hostport(write) -> None:
    hostport = deploy("web").replace("containerPort: 8080}", "containerPort: 8080, hostPort: 80}")
    settings = Settings(gateway=GatewaySettings(workloads=("Deployment/app/web",)))
    _, findings = build(write({"k8s.yaml": hostport}), settings)
    assert not rules_of(findings) & _EXPOSURE
    _, findings = build(write({"k8s.yaml": hostport}))
    assert "TOPO-ENTRY-NO-GATEWAY" in rules_of(findings)


def test_map_json_contract(shop) -> None:
    m, _ = shop
    doc = check("map", json.loads(json.dumps(m.to_dict())))
    assert doc["schema"] == "shieldwall/map/v1"
    ids = {n["id"] for n in doc["nodes"]}
    assert "internet" in ids
    for e in doc["edges"]:
        assert e["from"] in ids and e["to"] in ids
        assert set(e) >= {"from", "to", "port", "encrypted", "evidence"}
    for n in doc["nodes"]:
        assert n["exposure"] in ("internet", "gateway", "internal")


def test_findings_are_attached_to_nodes_and_edges(shop) -> None:
    m, findings = shop
    fps = {f.fingerprint for f in findings}
    attached = {fp for n in m.nodes for fp in n.findings}
    attached |= {fp for e in m.edges for fp in e.findings}
    assert attached == fps


def test_analyzer_output_carries_the_map() -> None:
    out = TopologyAnalyzer().analyze(ScanTarget(walk(SHOP)))
    assert out.service_map is not None and out.findings
    assert {r.analyzer for r in TopologyAnalyzer().rules()} == {"topology"}


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("URL", "http://orders:8080/x", [("orders", 8080, "http", False)]),
        ("DB", "postgres://u:p@db/shop?sslmode=require", [("db", 5432, "postgres", True)]),
        ("DB", "postgresql://db:5432/shop", [("db", 5432, "postgresql", False)]),
        ("R", "rediss://cache:6380", [("cache", 6380, "rediss", True)]),
        ("R", "redis://cache", [("cache", 6379, "redis", False)]),
        ("ADDR", "cart:7070", [("cart", 7070, "", False)]),
        ("REDIS_HOST", "cache", [("cache", None, "", False)]),
        ("LOG_LEVEL", "info", []),
        ("TIMEOUT", "10:30", []),
    ],
)
def test_addresses(name: str, value: str, expected: list[tuple]) -> None:
    got = [(a.host, a.port, a.scheme, a.encrypted) for a in addresses(name, value)]
    assert got == expected


# -- compose published ports: the map owns them (COMPOSE-PUBLISHED-PORT retired) ------------


def _exposed(findings) -> list[tuple[str, str, int]]:
    return sorted(
        (f.rule.id, f.resource.rsplit("/", 1)[-1], f.location.start_line)
        for f in findings
        if f.rule.id
        in ("TOPO-EXPOSED-PAST-GATEWAY", "TOPO-ENTRY-NO-GATEWAY", "TOPO-DATASTORE-FROM-INTERNET")
    )


def test_compose_gateway_may_publish_ports_but_internal_service_may_not(write) -> None:
    text = (
        "services:\n"
        "  gateway:\n"
        "    image: envoyproxy/envoy:v1.31\n"
        "    ports: ['443:443']\n"
        "  orders:\n"
        "    image: orders:1.0\n"
        "    ports:\n"
        "      - '127.0.0.1:9001:9001'\n"
        "      - '8080:8080'\n"
    )
    _, findings = build(write({"docker-compose.yaml": text}))
    # At the published item, not the loopback one before it nor the `ports:` key.
    assert _exposed(findings) == [("TOPO-EXPOSED-PAST-GATEWAY", "orders", 9)]
    [exposed] = [f for f in findings if f.rule.id == "TOPO-EXPOSED-PAST-GATEWAY"]
    assert "COMPOSE-PUBLISHED-PORT" in exposed.rule.former_ids


def test_compose_configured_gateway_is_respected(write) -> None:
    text = "services:\n  front:\n    image: web:1.0\n    ports: ['80:8080']\n"
    settings = Settings(gateway=GatewaySettings(workloads=("front",)))
    _, findings = build(write({"docker-compose.yaml": text}), settings)
    assert _exposed(findings) == []
    _, findings = build(write({"docker-compose.yaml": text}))
    assert _exposed(findings) == [("TOPO-ENTRY-NO-GATEWAY", "front", 4)]


def test_compose_ports_bound_to_loopback_are_not_exposed(write) -> None:
    text = (
        "services:\n"
        "  edge-proxy:\n"
        "    image: nginx:1.27\n"
        "    ports: ['80:80', '443:443']\n"
        "  orders:\n"
        "    image: orders:1.0\n"
        "    expose: ['8080']\n"
        "  debug:\n"
        "    image: debug:1.0\n"
        "    ports:\n"
        "      - '127.0.0.1:5005:5005'\n"
        "      - '[::1]:5006:5006'\n"
        "      - 'LOCALHOST:5008:5008'\n"
        "      - target: 5007\n"
        "        host_ip: 127.0.0.1\n"
        "        published: '5007'\n"
    )
    _, findings = build(write({"docker-compose.yaml": text}))
    assert _exposed(findings) == []


def test_compose_published_datastore_is_reachable_from_the_internet(write) -> None:
    text = "services:\n  cache:\n    image: redis:7\n    ports:\n      - '6379:6379'\n"
    _, findings = build(write({"docker-compose.yaml": text}))
    assert _exposed(findings) == [("TOPO-DATASTORE-FROM-INTERNET", "cache", 2)]
    [found] = [f for f in findings if f.rule.id == "TOPO-DATASTORE-FROM-INTERNET"]
    assert "COMPOSE-PUBLISHED-PORT" in found.rule.former_ids


@pytest.mark.parametrize(
    "ports",
    ["80", "[null, true, {published: [1]}, '::', '[', 'a:b:c:d']", "[{mode: host}, 7]"],
)
def test_compose_odd_port_shapes_do_not_crash_the_map(write, ports: str) -> None:
    text = f"services:\n  web:\n    image: web:1.0\n    ports: {ports}\n"
    _, findings = build(write({"docker-compose.yaml": text}))
    assert all(f.location.start_line >= 1 for f in findings)
