"""What the graph needs from Kubernetes objects: workloads as policy pods,
Services and the pods behind their ports, host-name resolution, Istio mTLS and
authentication coverage, and the roles (gateway, datastore) of workloads."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from shieldwall.sources.manifests import Inventory, K8sObject
from shieldwall.sources.workloads import (
    Workload,
    get_map,
    get_seq,
    label_selector_matches,
    labels_match,
)
from shieldwall.sources.yaml_tree import YMap
from shieldwall.system.compose import compose_services
from shieldwall.system.links import addresses
from shieldwall.system.mesh import peer_mode, port_modes
from shieldwall.system.netpol import Pod, Policy, PolicyEngine
from shieldwall.system.values import ConfigValue, used_configmaps

_DATASTORE_IMAGE = re.compile(
    r"(^|/)(postgres|postgresql|postgis|mysql|mariadb|percona|mongo|mongodb|redis|valkey|"
    r"keydb|memcached|elasticsearch|opensearch|cassandra|scylla|couchdb|couchbase|neo4j|"
    r"influxdb|clickhouse|cockroach|etcd|minio|rabbitmq|kafka|zookeeper|nats|mssql|"
    r"oracle|db2|timescaledb|arangodb|dynamodb-local|bitnami/(postgresql|mysql|mariadb|"
    r"mongodb|redis|kafka|rabbitmq|elasticsearch|memcached|cassandra))([-:@/]|$)"
)
_DATASTORE_NAME = re.compile(
    r"(^|[-_])(db|database|postgres|postgresql|mysql|mariadb|mongo|mongodb|redis|cache|"
    r"memcached|elasticsearch|cassandra|etcd|rabbitmq|kafka|minio)([-_0-9]|$)"
)
_SIDECAR_IMAGE = re.compile(r"(^|/)(istio/proxyv2|envoyproxy|linkerd|cloudsql-proxy)")


def is_datastore(name: str, images: list[str]) -> bool:
    main = [i for i in images if not _SIDECAR_IMAGE.search(i.lower())]
    if any(_DATASTORE_IMAGE.search(i.lower().split("@", 1)[0]) for i in main):
        return True
    # an image named like one (k8s-goat-cache-store), or a name alone when no image says more
    bases = [i.lower().split("@", 1)[0].split(":", 1)[0].rsplit("/", 1)[-1] for i in main]
    if any(_DATASTORE_NAME.search(b) for b in bases):
        return True
    return bool(_DATASTORE_NAME.search(name.lower())) and not main


def spec_of(obj: K8sObject) -> YMap:
    spec = obj.body.get("spec")
    return spec if isinstance(spec, YMap) else YMap(obj.line)


def name_line(obj: K8sObject) -> int:
    return obj.metadata.line_of("name", obj.line)


def pod_of(w: Workload) -> Pod:
    named: dict[str, tuple[int, str]] = {}
    for c in w.containers(("containers",)):
        for port in get_seq(c.body, "ports"):
            if isinstance(port, YMap) and port.get("name") and _int(port.get("containerPort")):
                named[str(port["name"])] = (
                    int(port["containerPort"]),
                    str(port.get("protocol") or "TCP").upper(),
                )
    return Pod(w.id, w.namespace, w.pod_labels, named, w.pod_spec.get("hostNetwork") is True)


def container_ports(w: Workload) -> list[tuple[int, int]]:
    """(port, line) of every container port of the workload's app containers."""
    out = []
    for c in w.containers(("containers",)):
        for port in get_seq(c.body, "ports"):
            if isinstance(port, YMap):
                number = _int(port.get("containerPort"))
                if number:
                    out.append((number, port.line_of("containerPort")))
    return out


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


@dataclass(frozen=True, slots=True)
class ServicePort:
    port: int | None
    target: int | str | None  # number or a container port name
    name: str
    node_port: int | None
    protocol: str
    line: int


@dataclass
class ServiceView:
    obj: K8sObject
    workloads: list[Workload]
    ports: list[ServicePort]

    @property
    def type(self) -> str:
        return str(spec_of(self.obj).get("type") or "ClusterIP")

    def port(self, number: int | str | None) -> ServicePort | None:
        """The Service port a client names (number or port name); None: the only one."""
        if number is None:
            return self.ports[0] if len(self.ports) == 1 else None
        for p in self.ports:
            if p.port == number or (isinstance(number, str) and p.name == number):
                return p
        return None

    def target_port(self, sp: ServicePort | None, w: Workload, pod: Pod) -> int | None:
        """The pod port a Service port sends to (named target ports resolved per pod)."""
        if sp is None:
            return None
        target = sp.target if sp.target is not None else sp.port
        if isinstance(target, str):
            if target.isdigit():
                return int(target)
            named = pod.named_ports.get(target)
            return named[0] if named else None
        return target


def service_views(services: list[K8sObject], workloads: list[Workload]) -> list[ServiceView]:
    by_ns: dict[str, list[Workload]] = defaultdict(list)
    for w in workloads:
        by_ns[w.namespace].append(w)
    out = []
    for svc in services:
        spec = spec_of(svc)
        selector = spec.get("selector")
        selected = (
            [w for w in by_ns[svc.namespace] if labels_match(selector, w.pod_labels)]
            if isinstance(selector, dict)
            else []
        )
        ports = []
        for i, p in enumerate(get_seq(spec, "ports")):
            if not isinstance(p, YMap):
                continue
            target = p.get("targetPort")
            ports.append(
                ServicePort(
                    _int(p.get("port")),
                    _int(target) if _int(target) is not None else (str(target) if target else None),
                    str(p.get("name") or ""),
                    _int(p.get("nodePort")),
                    str(p.get("protocol") or "TCP").upper(),
                    p.line_of("port", get_seq(spec, "ports").line_of(i)),
                )
            )
        out.append(ServiceView(svc, selected, ports))
    return out


@dataclass
class Resolver:
    """Host names to Services, as cluster DNS resolves them."""

    services: dict[tuple[str, str], ServiceView] = field(default_factory=dict)
    namespaces: set[str] = field(default_factory=set)

    def resolve(self, host: str, from_namespace: str) -> ServiceView | None:
        host = host.lower().rstrip(".")
        for suffix in (".svc.cluster.local", ".cluster.local", ".svc"):
            if host.endswith(suffix):
                host = host[: -len(suffix)]
                break
        parts = host.split(".")
        if len(parts) == 1:
            return self.services.get((from_namespace, parts[0]))
        if len(parts) == 2:
            name, second = parts
            if second in self.namespaces or (second, name) in self._keys_by_ns(second):
                found = self.services.get((second, name))
                if found:
                    return found
            # <pod>.<headless service> in the caller's namespace
            return self.services.get((from_namespace, second))
        if len(parts) == 3:
            return self.services.get((parts[2], parts[1]))
        return None

    def _keys_by_ns(self, namespace: str) -> set[tuple[str, str]]:
        return {k for k in self.services if k[0] == namespace}


def policies_of(objects: list[K8sObject]) -> list[Policy]:
    return [
        Policy.from_spec(p.id, p.namespace, spec_of(p), p.path, name_line(p))
        for p in objects
        if p.kind == "NetworkPolicy"
    ]


def engine_of(objects: list[K8sObject], namespaces: set[str]) -> PolicyEngine:
    labels: dict[str, dict[str, str]] = {ns: {} for ns in namespaces}
    for obj in objects:
        if obj.kind == "Namespace":
            labels[obj.name] = obj.labels
    return PolicyEngine(policies_of(objects), labels)


# -- Istio -----------------------------------------------------------------------------------


def _selector_labels(obj: K8sObject) -> dict[str, str] | None:
    selector = get_map(spec_of(obj), "selector")
    if selector is None:
        return None
    labels = selector.get("matchLabels")
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}


@dataclass
class Mesh:
    """Istio PeerAuthentication mTLS modes (read by `system/mesh.py`) and
    authentication coverage."""

    peer_auth: list[K8sObject] = field(default_factory=list)
    auth: list[K8sObject] = field(default_factory=list)
    root_namespace: str = "istio-system"

    def mtls(self, w: Workload, port: int | None) -> tuple[str, K8sObject | None]:
        """Effective mTLS mode for a workload's port: workload > namespace > mesh."""
        best: tuple[int, str, K8sObject | None] = (-1, "", None)
        for pa in self.peer_auth:
            labels = _selector_labels(pa)
            if labels is not None and labels:
                if pa.namespace != w.namespace or not labels_match(labels, w.pod_labels):
                    continue
                rank = 2
            elif pa.namespace == w.namespace:
                rank = 1
            elif pa.namespace == self.root_namespace:
                rank = 0
            else:
                continue
            mode = self._mode(pa, port, workload_level=rank == 2)
            if mode and rank > best[0]:
                best = (rank, mode, pa)
        return best[1], best[2]

    @staticmethod
    def _mode(pa: K8sObject, port: int | None, workload_level: bool) -> str:
        if workload_level and port is not None:
            for setting in port_modes(pa):
                if setting.port == str(port) and setting.written:
                    return setting.mode
        whole = peer_mode(pa)
        return whole.mode if whole is not None and whole.written else ""

    def authenticated(self, w: Workload) -> K8sObject | None:
        """An AuthorizationPolicy/RequestAuthentication that covers the workload."""
        for pol in self.auth:
            if pol.namespace not in (w.namespace, self.root_namespace):
                continue
            labels = _selector_labels(pol)
            if labels is None or (labels and labels_match(labels, w.pod_labels)):
                if pol.kind == "AuthorizationPolicy" and str(
                    spec_of(pol).get("action") or "ALLOW"
                ).upper() not in ("ALLOW", "CUSTOM"):
                    continue
                return pol
        return None


def mesh_of(objects: list[K8sObject]) -> Mesh:
    mesh = Mesh()
    for obj in objects:
        group = obj.api_version.split("/", 1)[0]
        if obj.kind == "PeerAuthentication" and "istio" in group:
            mesh.peer_auth.append(obj)
        elif obj.kind in ("AuthorizationPolicy", "RequestAuthentication") and "istio" in group:
            mesh.auth.append(obj)
    return mesh


def selects_pods(selector: Any, w: Workload) -> bool:
    return label_selector_matches(selector, w.pod_labels)


def resolver_of(objects: list[K8sObject], workloads: list[Workload]) -> Resolver:
    """Cluster DNS over the Services of a unit and the workloads they select."""
    namespaces = {w.namespace for w in workloads} | {
        o.name for o in objects if o.kind == "Namespace"
    }
    services = service_views([o for o in objects if o.kind == "Service"], workloads)
    return Resolver({(s.obj.namespace, s.obj.name): s for s in services}, namespaces)


def mapped_links(
    inventory: Inventory, workloads: list[Workload], values: list[ConfigValue]
) -> set[tuple[str, str]]:
    """(owner, host) of the configured addresses that name a workload of the same
    unit: the links the service map follows (through a Service, or a compose
    service's name), whether the network lets them through or not."""
    resolver = resolver_of(inventory.kubernetes, workloads)
    namespace_of = {w.id: w.namespace for w in workloads}
    for w in workloads:
        for name, _ in used_configmaps(w):
            namespace_of.setdefault(f"ConfigMap/{w.namespace}/{name}", w.namespace)
    compose_hosts: dict[str, set[str]] = {}
    for cf in inventory.compose:
        hosts = {alias for svc in compose_services(cf) for alias in svc.aliases}
        compose_hosts.update(dict.fromkeys((cf.service_id(n) for n in cf.services), hosts))
    out: set[tuple[str, str]] = set()
    for v in values:
        for addr in addresses(v.name, v.text):
            if v.owner in compose_hosts:
                if addr.host in compose_hosts[v.owner]:
                    out.add((v.owner, addr.host))
                continue
            namespace = namespace_of.get(v.owner)
            svc = resolver.resolve(addr.host, namespace) if namespace is not None else None
            if svc is not None and svc.workloads:
                out.add((v.owner, addr.host))
    return out
