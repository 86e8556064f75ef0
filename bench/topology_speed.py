"""Speed of the service map on a generated system of N services (default 500).

The system: N Deployments with their Services spread over 10 namespaces, each
service calling 2 others by URL (env, a ConfigMap loaded with envFrom, or a
`host:port` gRPC address), one datastore per 10 services, NetworkPolicies for
half of the namespaces (default deny + allow from the callers), an Ingress with
a route per 25 services, a NodePort Service per 50 and a gateway.

It times, in-process and best of --runs (default 3):
  map   parse the files, build the graph, evaluate the policies, read the findings
  svg   lay the map out with Graphviz dot
  html  the whole `shieldwall map --format html` page (config + topology scan, layout)
and prints the HTML size. Targets: map + svg under 2 s, HTML under 5 MB.

No peer is timed: no other tool draws this map (Checkov and Kubescape test that
a NetworkPolicy exists; none evaluates reachability).

Run:  .venv/bin/python bench/topology_speed.py [--services 500] [--runs 3]
Prints figures only; the exit code is 0 whatever they are.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from shieldwall.analyzers.base import ScanTarget
from shieldwall.analyzers.topology import map_inventory
from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.formats.base import ReportContext
from shieldwall.formats.html import render
from shieldwall.formats.service_map_dot import to_svg
from shieldwall.model import Settings
from shieldwall.sources.tree import walk

NAMESPACES = 10


def service(i: int, n: int) -> str:
    ns = f"team{i % NAMESPACES}"
    name = f"svc{i}"
    datastore = i % 10 == 9
    image = "postgres:16" if datastore else f"registry.example.com/{name}:1.0"
    port = 5432 if datastore else 8080
    a, b = (i * 7 + 1) % n, (i * 13 + 5) % n
    ns_a, ns_b = f"team{a % NAMESPACES}", f"team{b % NAMESPACES}"
    svc_type = "NodePort" if i % 50 == 7 else "ClusterIP"
    return f"""apiVersion: v1
kind: ConfigMap
metadata: {{name: {name}-config, namespace: {ns}}}
data:
  UPSTREAM_URL: http://svc{a}.{ns_a}.svc.cluster.local:{5432 if a % 10 == 9 else 8080}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {ns}}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}, tier: t{i % 3}}}}}
    spec:
      containers:
        - name: {name}
          image: {image}
          ports: [{{name: main, containerPort: {port}}}]
          envFrom: [{{configMapRef: {{name: {name}-config}}}}]
          env:
            - {{name: PEER_ADDR, value: "svc{b}.{ns_b}:{5432 if b % 10 == 9 else 8080}"}}
            - name: DB_PASSWORD
              valueFrom: {{secretKeyRef: {{name: {name}-db, key: password}}}}
---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {ns}}}
spec:
  type: {svc_type}
  selector: {{app: {name}}}
  ports: [{{port: {port}, targetPort: main}}]
"""


def policies(ns: int, n: int) -> str:
    callers = sorted({f"svc{j}" for j in range(n) if (j * 7 + 1) % n % NAMESPACES == ns})[:20]
    return f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: default-deny, namespace: team{ns}}}
spec: {{podSelector: {{}}, policyTypes: [Ingress]}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: allow-callers, namespace: team{ns}}}
spec:
  podSelector: {{matchExpressions: [{{key: tier, operator: In, values: [t0, t1]}}]}}
  ingress:
    - from:
        - namespaceSelector: {{}}
          podSelector: {{matchExpressions: [{{key: app, operator: In, values: {callers}}}]}}
      ports: [{{port: main}}, {{port: 5432}}]
"""


def ingress(n: int) -> str:
    paths = "".join(
        f"""          - path: /s{i}
            pathType: Prefix
            backend: {{service: {{name: svc{i}, port: {{number: 8080}}}}}}
"""
        for i in range(0, n, 25)
        if i % NAMESPACES == 0 and i % 10 != 9
    )
    return f"""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: public, namespace: team0}}
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
{paths}"""


GATEWAY = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api-gateway, namespace: edge}
spec:
  selector: {matchLabels: {app: api-gateway}}
  template:
    metadata: {labels: {app: api-gateway}}
    spec:
      containers:
        - {name: envoy, image: envoyproxy/envoy:v1.31.0, ports: [{containerPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: api-gateway, namespace: edge}
spec:
  type: LoadBalancer
  selector: {app: api-gateway}
  ports: [{port: 80, targetPort: 8080}]
"""


def generate(root: Path, n: int) -> None:
    k8s = root / "k8s"
    k8s.mkdir(parents=True)
    for i in range(n):
        (k8s / f"svc{i}.yaml").write_text(service(i, n))
    for ns in range(0, NAMESPACES, 2):
        (k8s / f"policies-team{ns}.yaml").write_text(policies(ns, n))
    (k8s / "ingress.yaml").write_text(ingress(n))
    (k8s / "gateway.yaml").write_text(GATEWAY)


def best(runs: int, fn):  # type: ignore[no-untyped-def]
    times, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.services)

        def do_map():  # type: ignore[no-untyped-def]
            target = ScanTarget(walk(root), Settings())
            return map_inventory(target.inventory, target.settings)

        t_map, (service_map, findings, _) = best(args.runs, do_map)
        t_svg, svg = best(args.runs, lambda: to_svg(service_map))

        def do_html() -> str:
            scan = run_scan(root, ScanOptions(analyzers="config,topology"), str(root))
            return render(scan.result, ReportContext())

        t_html, page = best(args.runs, do_html)
    internet = sum(1 for e in service_map.edges if e.source == "internet")
    print(
        f"system: {args.services} services, {len(service_map.nodes)} nodes, "
        f"{len(service_map.edges)} edges ({internet} from the internet), "
        f"{len(findings)} topology findings"
    )
    print(f"map (parse + graph + policies + findings): {t_map:.2f} s")
    print(f"svg layout (Graphviz dot):                 {t_svg:.2f} s  ({len(svg) / 1e6:.2f} MB)")
    print(f"map + svg:                                 {t_map + t_svg:.2f} s  (target < 2 s)")
    print(f"html page (config + topology + layout):    {t_html:.2f} s")
    print(
        f"html size:                                 {len(page.encode()) / 1e6:.2f} MB "
        "(target < 5 MB)"
    )


if __name__ == "__main__":
    main()
