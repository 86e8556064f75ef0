"""A Kubernetes manifest that runs the generated gateway: a hardened Deployment
of nginx with the generated files in a ConfigMap, and the LoadBalancer Service
that makes it the way in.

Its name holds "gateway" and it runs nginx, which is what `shieldwall scan`
takes for the API gateway: scanning a system with this manifest reports it as
the gateway."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import yaml

from shieldwall.gateway.plan import GatewayOptions, Upstream, parse_endpoint

NAME = "shieldwall-gateway"
MANIFEST = "kubernetes.yaml"
TLS_SECRET = f"{NAME}-tls"


class Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # the documents share their metadata: write it out each time


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


Dumper.add_representer(str, _str)


def manifest_namespace(upstreams: tuple[Upstream, ...], options: GatewayOptions) -> str:
    if options.namespace:
        return options.namespace
    found = Counter(u.source.split("/")[1] for u in upstreams if u.source.count("/") == 2)
    if not found:
        return "default"
    return min(found, key=lambda ns: (-found[ns], ns))


def _dir_of(path: str) -> str:
    return path.rsplit("/", 1)[0] or "/"


def _volumes(options: GatewayOptions) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    volumes: list[dict[str, Any]] = [
        {"name": "config", "configMap": {"name": NAME}},
        {"name": "run", "emptyDir": {"sizeLimit": "64Mi"}},
        {"name": "logs", "emptyDir": {"sizeLimit": "256Mi"}},
    ]
    mounts: list[dict[str, Any]] = [
        {"name": "config", "mountPath": options.conf_dir, "readOnly": True},
        {"name": "run", "mountPath": options.run_dir},
        {"name": "logs", "mountPath": options.log_dir},
    ]
    tls_dirs = sorted({_dir_of(options.tls_cert), _dir_of(options.tls_key)})
    for index, folder in enumerate(tls_dirs):
        items = [
            {"key": key, "path": path.rsplit("/", 1)[1]}
            for key, path in (("tls.crt", options.tls_cert), ("tls.key", options.tls_key))
            if _dir_of(path) == folder
        ]
        volumes.append(
            {"name": f"tls-{index}", "secret": {"secretName": TLS_SECRET, "items": items}}
        )
        mounts.append({"name": f"tls-{index}", "mountPath": folder, "readOnly": True})
    return volumes, mounts


def _egress(
    upstreams: tuple[Upstream, ...], options: GatewayOptions, namespace: str
) -> list[dict[str, Any]]:
    """Out of the gateway: its upstreams' ports (in their namespaces), DNS, and
    the decisions endpoint when it is not on the pod's own loopback."""
    rules: list[dict[str, Any]] = []
    by_namespace: dict[str, set[int]] = {}
    for up in upstreams:
        parts = up.endpoint.host.split(".")
        ns = parts[1] if len(parts) > 2 and up.endpoint.host.endswith(".svc.cluster.local") else ""
        by_namespace.setdefault(ns or namespace, set()).add(up.endpoint.port)
    for ns, ports in sorted(by_namespace.items()):
        peer: dict[str, Any] = {"podSelector": {}}
        if ns != namespace:
            peer["namespaceSelector"] = {"matchLabels": {"kubernetes.io/metadata.name": ns}}
        rules.append(
            {"to": [peer], "ports": [{"protocol": "TCP", "port": p} for p in sorted(ports)]}
        )
    if options.decisions_url is not None:
        decisions, _ = parse_endpoint(options.decisions_url, "--decisions-url")
        if not decisions.host.startswith("127."):
            rules.append({"ports": [{"protocol": "TCP", "port": decisions.port}]})
    dns = [{"protocol": proto, "port": 53} for proto in ("UDP", "TCP")]
    rules.append({"to": [{"namespaceSelector": {}}], "ports": dns})
    return rules


def _deployment(
    meta: dict[str, Any],
    labels: dict[str, str],
    options: GatewayOptions,
    ports: list[dict[str, Any]],
) -> dict[str, Any]:
    """Two unprivileged nginx replicas on a read-only root, the generated files mounted."""
    volumes, mounts = _volumes(options)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta,
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app.kubernetes.io/name": NAME}},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "automountServiceAccountToken": False,
                    "securityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": 65532,
                        "runAsGroup": 65532,
                        "seccompProfile": {"type": "RuntimeDefault"},
                        # Lets the unprivileged nginx bind 443 and 80 (a namespaced, safe sysctl).
                        "sysctls": [{"name": "net.ipv4.ip_unprivileged_port_start", "value": "0"}],
                    },
                    "containers": [_nginx_container(options, ports, mounts)],
                    "volumes": volumes,
                },
            },
        },
    }


def _nginx_container(
    options: GatewayOptions, ports: list[dict[str, Any]], mounts: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "name": "nginx",
        "image": options.image,
        "imagePullPolicy": "IfNotPresent" if "@" in options.image else "Always",
        "command": ["nginx"],
        "args": ["-c", f"{options.conf_dir}/nginx.conf", "-g", "daemon off;"],
        "ports": ports,
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "privileged": False,
            "capabilities": {"drop": ["ALL"]},
        },
        "resources": {
            "requests": {"cpu": "100m", "memory": "128Mi"},
            "limits": {"cpu": "1", "memory": "512Mi"},
        },
        "readinessProbe": {"tcpSocket": {"port": "https"}},
        "livenessProbe": {"tcpSocket": {"port": "https"}},
        "volumeMounts": mounts,
    }


def render_manifest(
    upstreams: tuple[Upstream, ...], options: GatewayOptions, files: Mapping[str, str]
) -> str:
    namespace = manifest_namespace(upstreams, options)
    labels = {
        "app.kubernetes.io/name": NAME,
        "app.kubernetes.io/component": "gateway",
        "app.kubernetes.io/managed-by": "shieldwall",
    }
    https = options.listen_at().port
    http = options.http_listen_at()
    ports = [{"name": "https", "containerPort": https}]
    service_ports = [{"name": "https", "port": 443, "targetPort": "https"}]
    if http is not None:
        ports.append({"name": "http", "containerPort": http.port})
        service_ports.append({"name": "http", "port": 80, "targetPort": "http"})
    meta = {"name": NAME, "namespace": namespace, "labels": labels}
    config_map = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": meta,
        "data": {name: text for name, text in sorted(files.items())},
    }
    deployment = _deployment(meta, labels, options, ports)
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta,
        "spec": {
            "type": "LoadBalancer",
            "selector": {"app.kubernetes.io/name": NAME},
            "ports": service_ports,
        },
    }
    policy = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": meta,
        "spec": {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": NAME}},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [{"ports": [{"protocol": "TCP", "port": p["name"]} for p in ports]}],
            "egress": _egress(upstreams, options, namespace),
        },
    }
    header = (
        "# The shieldwall gateway (generated by `shieldwall gateway config`): nginx with the\n"
        "# files of this folder. The image must hold nginx (with the ModSecurity module and the\n"
        "# OWASP CRS when nginx.conf loads them); the Secret shieldwall-gateway-tls holds\n"
        "# the certificate (tls.crt) and key (tls.key).\n"
    )
    docs = yaml.dump_all(
        [config_map, deployment, service, policy], Dumper=Dumper, sort_keys=False, width=100
    )
    return header + docs
