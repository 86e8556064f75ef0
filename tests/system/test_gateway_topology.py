"""The gateway from the topology, routes through ingress controllers outside the
scanned files, and findings that point at the file that causes them (issue
regressions: Sentry's nginx, ingress-nginx's certificate Jobs, a storefront that
is the only way in, a policy admitting the controller's namespace, an egress
rule in the policy's own file)."""

from __future__ import annotations

from shieldwall.engine.scanner import ScanOptions, run_scan


def _scan(root):
    options = ScanOptions(analyzers="config,topology", offline=True, repo_config=False)
    return run_scan(root, options, str(root)).result


def _deploy(name: str, image: str, env: str = "", kind: str = "Deployment") -> str:
    return f"""\
apiVersion: {"batch/v1" if kind == "Job" else "apps/v1"}
kind: {kind}
metadata: {{name: {name}, namespace: shop}}
spec:
  {"selector: {matchLabels: {app: " + name + "}}" if kind != "Job" else "backoffLimit: 1"}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: {name}
          image: {image}
          ports: [{{containerPort: 8080}}]{env}
---
"""


def _service(name: str, kind: str = "ClusterIP") -> str:
    return f"""\
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: shop}}
spec:
  type: {kind}
  selector: {{app: {name}}}
  ports: [{{port: 8080}}]
---
"""


SENTRY_LIKE = """\
services:
  nginx:
    image: nginx:1.25.4-alpine
    ports:
      - "$SENTRY_BIND:80/tcp"
    depends_on: [web, relay]
  web:
    image: getsentry/sentry:nightly
    environment:
      SENTRY_REDIS_HOST: redis
  relay:
    image: getsentry/relay:nightly
  redis:
    image: redis:6.2.14-alpine
"""


def test_the_only_published_proxy_of_a_compose_project_is_the_gateway(write) -> None:
    result = _scan(write({"docker-compose.yml": SENTRY_LIKE}))
    assert any("compose/" in g and "/nginx" in g for g in result.gateways)
    assert "only published entry point" in " ".join(result.gateways)
    assert not [f for f in result.findings if f.rule.id == "TOPO-EXPOSED-PAST-GATEWAY"]
    assert result.service_map is not None
    nginx = next(n for n in result.service_map.nodes if n.name == "nginx")
    assert nginx.role == "gateway"


def test_a_job_is_never_the_gateway(write) -> None:
    job = _deploy(
        "ingress-nginx-admission-create",
        "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.1",
        kind="Job",
    )
    result = _scan(write({"k8s/app.yaml": job + _deploy("api", "registry.example/api:1")}))
    assert not any("admission-create" in g for g in result.gateways)


def test_a_storefront_that_is_the_only_way_in_gives_one_finding_saying_how_to_declare(
    write,
) -> None:
    env = "\n          env: [{name: CART_ADDR, value: 'cart:8080'}]"
    manifests = (
        _deploy("frontend", "registry.example/frontend:1", env)
        + _service("frontend", "LoadBalancer")
        + _deploy("cart", "registry.example/cart:1")
        + _service("cart")
    )
    result = _scan(write({"k8s/app.yaml": manifests}))
    exposure = [
        f
        for f in result.findings
        if f.rule.id.startswith(
            ("TOPO-EXPOSED", "TOPO-ENTRY", "TOPO-ROUTE", "K8S-SERVICE", "K8S-INGRESS")
        )
    ]
    # No gateway to bypass: the only way in is its own medium finding, not a high one.
    assert [(f.rule.id, f.rule.severity.value) for f in exposure] == [
        ("TOPO-ENTRY-NO-GATEWAY", "medium")
    ]
    assert "gateway: {workloads: [frontend]}" in exposure[0].message


INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: nginx
  tls: [{hosts: [shop.example.org], secretName: shop-tls}]
  rules:
    - host: shop.example.org
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: api, port: {number: 8080}}}
---
"""

ONLY_CONTROLLER = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: ingress-nginx}
      ports: [{port: 8080}]
"""


def test_a_policy_admitting_the_ingress_controllers_namespace_keeps_the_route(write) -> None:
    files = {
        "k8s/app.yaml": _deploy("api", "registry.example/api:1") + _service("api") + INGRESS,
        "k8s/policy.yaml": ONLY_CONTROLLER,
    }
    result = _scan(write(files))
    assert result.service_map is not None
    api = result.service_map.node("Deployment/shop/api")
    assert api is not None and api.exposure != "internal"
    routes = [e for e in result.service_map.edges_to(api.id) if e.via == "route"]
    assert routes and all(e.allowed for e in routes)
    # The same policy admitting another namespace only does cut the route.
    files["k8s/policy.yaml"] = ONLY_CONTROLLER.replace("ingress-nginx", "billing")
    result = _scan(write(files))
    assert result.service_map is not None
    api = result.service_map.node("Deployment/shop/api")
    assert api is not None and api.exposure == "internal"


EGRESS_ANYWHERE = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: postgres}}
  policyTypes: [Egress]
  egress:
    - to:
        - ipBlock: {cidr: 0.0.0.0/0}
"""


def test_egress_to_the_internet_allowed_by_a_policy_points_at_the_policy(write) -> None:
    files = {
        "k8s/db.yaml": _deploy("postgres", "postgres:16.2"),
        "k8s/netpol.yaml": EGRESS_ANYWHERE,
    }
    result = _scan(write(files))
    [egress] = [f for f in result.findings if f.rule.id == "TOPO-EGRESS-INTERNET"]
    assert egress.location.path == "k8s/netpol.yaml"
    assert egress.location.start_line == 8
