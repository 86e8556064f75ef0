"""What an Ingress says about authentication in front of its routes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import get_map, get_seq
from shieldwall.sources.yaml_tree import YMap

# Annotations that put authentication in front of an Ingress route.
AUTH_ANNOTATIONS = (
    "nginx.ingress.kubernetes.io/auth-url",
    "nginx.ingress.kubernetes.io/auth-type",
    "nginx.ingress.kubernetes.io/auth-tls-verify-client",
    "nginx.org/basic-auth-secret",
    "ingress.kubernetes.io/auth-type",
    "ingress.kubernetes.io/auth-url",
    "konghq.com/plugins",
    "alb.ingress.kubernetes.io/auth-type",
    "haproxy.org/auth-type",
    "haproxy-ingress.github.io/auth-url",
)
_TRAEFIK_MIDDLEWARES = "traefik.ingress.kubernetes.io/router.middlewares"


def ingress_authenticates(annotations: Mapping[str, str]) -> bool:
    """An auth annotation of a known controller, or a Traefik auth middleware."""
    return any(a in annotations for a in AUTH_ANNOTATIONS) or (
        "auth" in annotations.get(_TRAEFIK_MIDDLEWARES, "").lower()
    )


@dataclass(frozen=True, slots=True)
class IngressBackend:
    """One route of an Ingress to a Service."""

    service: str
    port: int | str | None
    host: str  # "*" when the rule names no host; "" for the default backend
    path: str
    line: int  # the line naming the service
    key: str  # stable locator for fingerprints ("defaultBackend", "rules[host].paths[0]:1")

    @property
    def is_default(self) -> bool:
        return self.key == "defaultBackend"


@dataclass(frozen=True, slots=True)
class IngressTLS:
    hosts: frozenset[str]
    any_host: bool  # a tls entry without hosts covers the default host

    def covers(self, host: str | None) -> bool:
        """Is ``host`` (None: the default backend / a rule without host) served over TLS?"""
        if host is None or host in ("", "*"):
            return self.any_host
        return host in self.hosts or any(
            h.startswith("*.") and host.endswith(h[1:]) for h in self.hosts
        )


def ingress_tls(spec: YMap) -> IngressTLS:
    hosts: set[str] = set()
    any_host = False
    for entry in get_seq(spec, "tls"):
        if isinstance(entry, dict):
            listed = entry.get("hosts")
            if isinstance(listed, list) and listed:
                hosts |= {str(h) for h in listed}
            else:
                any_host = True
    return IngressTLS(frozenset(hosts), any_host)


def ingress_backends(ing: K8sObject) -> Iterator[IngressBackend]:
    """Every backend of an Ingress (networking.k8s.io/v1 and the older v1beta1 shape)."""
    spec = get_map(ing.body, "spec")
    if spec is None:
        return
    default = get_map(spec, "defaultBackend") or get_map(spec, "backend")
    if default is not None:
        name, port = _backend(default)
        if name:
            yield IngressBackend(name, port, "", "", default.line, "defaultBackend")
    for i, rule in enumerate(get_seq(spec, "rules")):
        if not isinstance(rule, YMap):
            continue
        host = str(rule.get("host") or "*")
        for j, entry in enumerate(get_seq(rule, "http", "paths")):
            backend = get_map(entry, "backend")
            if backend is None:
                continue
            name, port = _backend(backend)
            if name:
                svc = get_map(backend, "service")
                line = svc.line_of("name") if svc is not None else backend.line_of("serviceName")
                path = str(entry.get("path", "/")) if isinstance(entry, YMap) else "/"
                yield IngressBackend(name, port, host, path, line, f"rules[{host}].paths[{j}]:{i}")


def _backend(backend: YMap) -> tuple[str, int | str | None]:
    svc = get_map(backend, "service")
    if svc is not None and svc.get("name"):
        port = get_map(svc, "port")
        value = (port.get("number") or port.get("name")) if port is not None else None
        return str(svc["name"]), value
    if backend.get("serviceName"):
        return str(backend["serviceName"]), backend.get("servicePort")
    return "", None
