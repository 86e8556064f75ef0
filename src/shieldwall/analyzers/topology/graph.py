"""Build the service map of a system from its Kubernetes manifests and compose
files: one node per workload, edges from the outside (Services, hostPorts,
Ingress, Gateway API and Istio routes, published ports), from configured service
addresses, from the peers NetworkPolicies name, and from compose depends_on;
every edge checked against the policies (or compose networks) in force."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from shieldwall.model import Settings
from shieldwall.model.service_map import (
    EXPOSURE_GATEWAY,
    EXPOSURE_INTERNAL,
    EXPOSURE_INTERNET,
    INTERNET,
)
from shieldwall.sources.manifests import Inventory, K8sObject
from shieldwall.sources.workloads import Workload, get_map, get_seq, workload_of
from shieldwall.sources.yaml_tree import YMap
from shieldwall.system.compose import (
    ComposeService,
    compose_services,
    internal_networks,
)
from shieldwall.system.gateway import GatewayView, detect_gateways
from shieldwall.system.links import Address, addresses
from shieldwall.system.netpol import INGRESS, Endpoint, Pod, PolicyEngine, Verdict
from shieldwall.system.routes import ingress_authenticates, ingress_backends, ingress_tls
from shieldwall.system.services import (
    Mesh,
    Resolver,
    ServicePort,
    ServiceView,
    container_ports,
    engine_of,
    is_datastore,
    mesh_of,
    name_line,
    pod_of,
    service_views,
    spec_of,
)
from shieldwall.system.values import ConfigValue, compose_values, workload_values

_ROUTE_KINDS = ("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute")
# A pod of a new namespace, labelled with nothing: stands for "any pod".
ANY_POD = Pod("(any pod)", "\x00any-namespace", {})


@dataclass
class Entry:
    """One way in from the outside to a node."""

    kind: str  # Service | hostPort | Ingress | HTTPRoute | VirtualService | compose-port
    description: str  # the path, in words
    port: int | None
    through_gateway: bool
    authenticated: bool
    layer7: bool  # a route (HTTP level) rather than an opened port
    allowed: bool  # the destination's ingress policy admits the internet on that port
    policy_note: str
    path: str
    line: int
    encrypted: bool = False
    resource: str = ""


@dataclass
class NodeDraft:
    id: str
    kind: str
    name: str
    namespace: str
    role: str
    path: str
    line: int
    workload: Workload | None = None
    compose: ComposeService | None = None
    pod: Pod | None = None
    resources: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    open_ingress: bool = False
    open_egress: bool = False
    egress_verdict: Verdict | None = None
    sensitive: str = ""  # why the workload is sensitive ("" if not)
    ports: list[tuple[int, int]] = field(default_factory=list)  # (port, line)
    # Other nodes that can open a connection to it (for datastores): how many, and the
    # first few of them in map order.
    reachable_from: list[str] = field(default_factory=list)
    reachable_count: int | None = 0  # None: not counted (too many pod classes)
    any_pod: bool = False  # a pod of any namespace may connect
    any_pod_note: str = ""
    findings: list[str] = field(default_factory=list)


@dataclass
class EdgeDraft:
    source: str
    target: str
    port: int | None
    encrypted: bool
    evidence: list[str]
    via: str
    allowed: bool
    allowed_note: str
    path: str
    line: int
    through_gateway: bool = False
    authenticated: bool = False
    mtls: str = ""  # the PeerAuthentication that encrypts it, if any
    plaintext: list[str] = field(default_factory=list)  # plaintext addresses configured
    findings: list[str] = field(default_factory=list)


@dataclass
class GroupEdge:
    """The links that only NetworkPolicies allow from every source to every target on
    one port, where the sources are pods the policies cannot tell apart, and so are the
    targets. It stands for each (source, target) pair except a pod to itself and the
    pairs that a configured address links already (`folded`: that edge carries them)."""

    sources: list[str]
    targets: list[str]
    port: int | None
    encrypted: bool
    evidence: str
    path: str
    line: int
    mtls: str = ""
    folded: set[tuple[str, str]] = field(default_factory=set)

    def pairs(self) -> int:
        both = len(set(self.sources).intersection(self.targets))
        return len(self.sources) * len(self.targets) - both - len(self.folded)

    def covered(self) -> Iterator[tuple[str, str]]:
        """Each pair it stands for, sources first."""
        for s in self.sources:
            for t in self.targets:
                if s != t and (s, t) not in self.folded:
                    yield s, t


@dataclass
class Topology:
    nodes: dict[str, NodeDraft] = field(default_factory=dict)
    edges: dict[tuple[str, str, int | None, str], EdgeDraft] = field(default_factory=dict)
    # Policy-only links, grouped: (source class, target class, port...) -> group.
    groups: dict[tuple[Any, ...], GroupEdge] = field(default_factory=dict)
    gateways: GatewayView = field(default_factory=GatewayView)
    engine: PolicyEngine = field(default_factory=lambda: PolicyEngine(()))
    warnings: list[str] = field(default_factory=list)

    def exposures(self) -> dict[str, str]:
        """Each node's exposure (internet, gateway or internal)."""
        gw = self.gateways.ids
        reached = {e.target for e in self.edges.values() if e.allowed and e.source in gw}
        for g in self.groups.values():
            callers = [s for s in g.sources if s in gw]
            if callers:
                reached.update(
                    t for t in g.targets if any(s != t and (s, t) not in g.folded for s in callers)
                )
        out = {}
        for node in self.nodes.values():
            entries = [e for e in node.entries if e.allowed]
            if any(not e.through_gateway for e in entries) or (entries and node.role == "gateway"):
                out[node.id] = EXPOSURE_INTERNET
            elif entries or node.id in reached:
                out[node.id] = EXPOSURE_GATEWAY
            else:
                out[node.id] = EXPOSURE_INTERNAL
        return out

    def add_edge(self, edge: EdgeDraft) -> EdgeDraft:
        key = (edge.source, edge.target, edge.port, edge.via if edge.source == INTERNET else "")
        old = self.edges.get(key)
        if old is None:
            self.edges[key] = edge
            return edge
        for ev in edge.evidence:
            if ev not in old.evidence:
                old.evidence.append(ev)
        old.plaintext += [p for p in edge.plaintext if p not in old.plaintext]
        # Only configured addresses and routes say whether a link encrypts: a policy or
        # depends_on edge merged into one of them does not change it.
        if edge.via in _WEAK:
            pass
        elif old.via in _WEAK:
            old.encrypted, old.mtls = edge.encrypted, edge.mtls
        else:
            old.encrypted = old.encrypted and edge.encrypted
        old.authenticated = old.authenticated and edge.authenticated
        if _VIA_RANK[edge.via] > _VIA_RANK[old.via]:
            old.via, old.path, old.line = edge.via, edge.path, edge.line
            old.allowed, old.allowed_note = edge.allowed, edge.allowed_note
        return old


_WEAK = ("policy", "depends_on")
_VIA_RANK = {"policy": 0, "depends_on": 1, "exposure": 2, "route": 3, "url": 4}


def build(inventory: Inventory, settings: Settings) -> Topology:
    objects = inventory.kubernetes
    workloads = [w for o in objects if (w := workload_of(o)) is not None]
    topo = Topology()
    topo.gateways = detect_gateways(inventory, workloads, settings.gateway)
    namespaces = {w.namespace for w in workloads}
    namespaces |= {o.name for o in objects if o.kind == "Namespace"}
    topo.engine = engine_of(objects, namespaces)
    services = service_views([o for o in objects if o.kind == "Service"], workloads)
    resolver = Resolver({(s.obj.namespace, s.obj.name): s for s in services}, namespaces)
    mesh = mesh_of(objects)
    _k8s_nodes(topo, workloads, services)
    _k8s_exposure(topo, objects, services, resolver, mesh)
    _k8s_addresses(topo, objects, resolver, mesh)
    classes = _pod_classes(topo)
    _policy_edges(topo, classes, mesh)
    _k8s_isolation(topo, classes)
    for cf in inventory.compose:
        _compose(topo, compose_services(cf), internal_networks(cf))
    _fold_weak_edges(topo)
    return topo


# -- Kubernetes ------------------------------------------------------------------------------


def _k8s_nodes(topo: Topology, workloads: list[Workload], services: list[ServiceView]) -> None:
    for w in workloads:
        images = [c.image for c in w.containers(("containers",))]
        role = (
            "gateway"
            if topo.gateways.is_gateway(w.id)
            else "datastore"
            if is_datastore(w.obj.name, images)
            else "service"
        )
        node = NodeDraft(
            w.id,
            w.obj.kind,
            w.obj.name,
            w.namespace,
            role,
            w.path,
            name_line(w.obj),
            workload=w,
            pod=pod_of(w),
            resources=[w.id],
            ports=container_ports(w),
        )
        secrets = _secret_use(w)
        if role == "datastore":
            node.sensitive = "a datastore"
        elif secrets:
            node.sensitive = f"holds credentials ({secrets})"
        topo.nodes[w.id] = node
    for svc in services:
        for w in svc.workloads:
            topo.nodes[w.id].resources.append(svc.obj.id)


def _secret_use(w: Workload) -> str:
    for c in w.containers():
        for item in get_seq(c.body, "env"):
            if isinstance(item, YMap) and get_map(item, "valueFrom", "secretKeyRef") is not None:
                return f"env {item.get('name')} from a Secret"
        for item in get_seq(c.body, "envFrom"):
            if isinstance(item, YMap) and "secretRef" in item:
                return "envFrom a Secret"
    for vol in w.volumes():
        if "secret" in vol:
            return f"Secret volume {vol.get('name')}"
    return ""


def _pod_port(svc: ServiceView, port: int | str | None, w: Workload, pod: Pod) -> int | None:
    sp = svc.port(port)
    if sp is None:
        return port if isinstance(port, int) else None
    return svc.target_port(sp, w, pod)


def _add_entry(topo: Topology, w: Workload, entry: Entry) -> None:
    node = topo.nodes[w.id]
    pod = node.pod
    assert pod is not None
    allowed, why = topo.engine.from_outside(pod, entry.port)
    if not allowed and entry.layer7 and not topo.gateways.serves_ingress:
        # A route comes through an ingress controller that the scanned files may not hold.
        via_controller = topo.engine.from_ingress_controller(pod, entry.port)
        if via_controller is not None:
            allowed, why = True, via_controller.why
    entry.allowed, entry.policy_note = allowed, why
    node.entries.append(entry)
    topo.add_edge(
        EdgeDraft(
            INTERNET,
            w.id,
            entry.port,
            entry.encrypted,
            [entry.description],
            "route" if entry.layer7 else "exposure",
            allowed,
            why,
            entry.path,
            entry.line,
            through_gateway=entry.through_gateway,
            authenticated=entry.authenticated,
        )
    )


def _k8s_exposure(
    topo: Topology,
    objects: list[K8sObject],
    services: list[ServiceView],
    resolver: Resolver,
    mesh: Mesh,
) -> None:
    gw = topo.gateways
    for svc in services:
        spec = spec_of(svc.obj)
        ext_ips = spec.get("externalIPs")
        kinds = []
        if svc.type in ("LoadBalancer", "NodePort"):
            kinds.append((svc.type, spec.line_of("type")))
        if isinstance(ext_ips, list) and ext_ips:
            kinds.append(("externalIPs", spec.line_of("externalIPs")))
        for kind, line in kinds:
            for w in svc.workloads:
                pod = topo.nodes[w.id].pod
                assert pod is not None
                sports: list[ServicePort | None] = list(svc.ports) or [None]
                for sp in sports:
                    port = svc.target_port(sp, w, pod) if sp else None
                    via = f" nodePort {sp.node_port}" if sp and sp.node_port else ""
                    outside = sp.port if sp else None
                    topo.nodes[w.id].resources.append(svc.obj.id)
                    _add_entry(
                        topo,
                        w,
                        Entry(
                            "Service",
                            f"{kind} Service {svc.obj.id} port {outside}{via} -> pod port {port}",
                            port,
                            gw.is_gateway(w.id),
                            mesh.authenticated(w) is not None,
                            False,
                            True,
                            "",
                            svc.obj.path,
                            line,
                            resource=svc.obj.id,
                        ),
                    )
    for node in list(topo.nodes.values()):
        if node.workload is None:
            continue
        w = node.workload
        for c in w.containers():
            for port in get_seq(c.body, "ports"):
                if isinstance(port, YMap) and port.get("hostPort") not in (None, 0):
                    cport = port.get("containerPort")
                    _add_entry(
                        topo,
                        w,
                        Entry(
                            "hostPort",
                            f"hostPort {port.get('hostPort')} of container {c.name} on its node "
                            f"-> pod port {cport}",
                            cport if isinstance(cport, int) else None,
                            gw.is_gateway(w.id),
                            mesh.authenticated(w) is not None,
                            False,
                            True,
                            "",
                            w.path,
                            port.line_of("hostPort"),
                        ),
                    )
    _ingresses(topo, objects, resolver, mesh)
    _gateway_api(topo, objects, resolver, mesh)
    _istio_routes(topo, objects, resolver, mesh)


def _ingresses(topo: Topology, objects: list[K8sObject], resolver: Resolver, mesh: Mesh) -> None:
    gw = topo.gateways
    controller_is_gateway = not gw.workloads or gw.serves_ingress
    for ing in (o for o in objects if o.kind == "Ingress"):
        ann = ing.annotations
        ann_auth = ingress_authenticates(ann)
        tls = ingress_tls(spec_of(ing))
        for backend in ingress_backends(ing):
            name, port, line = backend.service, backend.port, backend.line
            where = "(default backend)" if backend.is_default else f"{backend.host}{backend.path}"
            svc = resolver.services.get((ing.namespace, name))
            if svc is None:
                continue
            encrypted = tls.covers(None if backend.is_default else backend.host)
            to_gateway = gw.service_targets_gateway(svc.obj)
            for w in svc.workloads:
                pod = topo.nodes[w.id].pod
                assert pod is not None
                pod_port = _pod_port(svc, port, w, pod)
                is_gw = gw.is_gateway(w.id)
                auth = is_gw or to_gateway or ann_auth or mesh.authenticated(w) is not None
                _add_entry(
                    topo,
                    w,
                    Entry(
                        "Ingress",
                        f"Ingress {ing.id} {where} -> Service {name} -> pod port {pod_port}",
                        pod_port,
                        is_gw or to_gateway or controller_is_gateway,
                        auth,
                        True,
                        True,
                        "",
                        ing.path,
                        line,
                        encrypted,
                        ing.id,
                    ),
                )


def _gateway_api(topo: Topology, objects: list[K8sObject], resolver: Resolver, mesh: Mesh) -> None:
    gateways = {
        (o.namespace, o.name): o
        for o in objects
        if o.kind == "Gateway" and o.api_version.startswith("gateway.networking.k8s.io")
    }
    # Implementation policies that authenticate a route or gateway (Envoy Gateway, Kong...).
    secured: set[tuple[str, str]] = set()
    for o in objects:
        if o.kind in ("SecurityPolicy", "KongPlugin", "AuthPolicy"):
            spec = spec_of(o)
            refs = list(get_seq(spec, "targetRefs"))
            single = get_map(spec, "targetRef")
            if single is not None:
                refs.append(single)
            for ref in refs:
                if isinstance(ref, dict) and ref.get("name"):
                    secured.add((str(ref.get("kind", "")), str(ref["name"])))
    for route in (o for o in objects if o.kind in _ROUTE_KINDS):
        spec = spec_of(route)
        parents = [
            gateways.get((str(p.get("namespace") or route.namespace), str(p.get("name"))))
            for p in get_seq(spec, "parentRefs")
            if isinstance(p, YMap)
        ]
        attached = [g for g in parents if g is not None]
        if not attached and not get_seq(spec, "parentRefs"):
            continue
        encrypted = route.kind == "TLSRoute" or any(
            str(lst.get("protocol", "")).upper() in ("HTTPS", "TLS")
            for g in attached
            for lst in get_seq(spec_of(g), "listeners")
            if isinstance(lst, YMap)
        )
        gw_names = ", ".join(g.id for g in attached) or "its parent gateway"
        route_auth = (route.kind, route.name) in secured or any(
            ("Gateway", g.name) in secured for g in attached
        )
        for rule in get_seq(spec, "rules"):
            if not isinstance(rule, YMap):
                continue
            rule_auth = route_auth or any(
                isinstance(f, YMap) and str(f.get("type")) == "ExtensionRef"
                for f in get_seq(rule, "filters")
            )
            for ref in get_seq(rule, "backendRefs"):
                if not isinstance(ref, YMap) or str(ref.get("kind") or "Service") != "Service":
                    continue
                ns = str(ref.get("namespace") or route.namespace)
                svc = resolver.services.get((ns, str(ref.get("name"))))
                if svc is None:
                    continue
                for w in svc.workloads:
                    pod = topo.nodes[w.id].pod
                    assert pod is not None
                    port = _pod_port(svc, ref.get("port"), w, pod)
                    _add_entry(
                        topo,
                        w,
                        Entry(
                            route.kind,
                            f"{route.kind} {route.id} via Gateway {gw_names} -> Service "
                            f"{svc.obj.name} -> pod port {port}",
                            port,
                            True,
                            rule_auth or mesh.authenticated(w) is not None,
                            True,
                            True,
                            "",
                            route.path,
                            ref.line_of("name"),
                            encrypted,
                            route.id,
                        ),
                    )


def _istio_routes(topo: Topology, objects: list[K8sObject], resolver: Resolver, mesh: Mesh) -> None:
    istio_gateways = {
        (o.namespace, o.name): o
        for o in objects
        if o.kind == "Gateway" and o.api_version.startswith("networking.istio.io")
    }
    # An AuthorizationPolicy/RequestAuthentication on the ingress gateway covers every route.
    edge_auth = any(
        (sel := get_map(spec_of(p), "selector")) is not None
        and "ingressgateway" in str(sel.get("matchLabels", {})).lower()
        for p in mesh.auth
    )
    for vs in (
        o
        for o in objects
        if o.kind == "VirtualService" and o.api_version.startswith("networking.istio.io")
    ):
        spec = spec_of(vs)
        names = [str(g) for g in get_seq(spec, "gateways") if str(g) != "mesh"]
        if not names:
            continue
        encrypted = False
        for name in names:
            ns, _, short = name.rpartition("/")
            gw = istio_gateways.get((ns or vs.namespace, short))
            if gw is not None:
                encrypted = encrypted or any(
                    str((get_map(s, "port") or YMap(0)).get("protocol", "")).upper()
                    in ("HTTPS", "TLS")
                    for s in get_seq(spec_of(gw), "servers")
                )
        for kind in ("http", "tcp", "tls"):
            for route in get_seq(spec, kind):
                for dest in get_seq(route, "route"):
                    d = get_map(dest, "destination")
                    if d is None or not d.get("host"):
                        continue
                    svc = resolver.resolve(str(d["host"]), vs.namespace)
                    if svc is None:
                        continue
                    port_map = get_map(d, "port")
                    for w in svc.workloads:
                        pod = topo.nodes[w.id].pod
                        assert pod is not None
                        port = _pod_port(svc, port_map.get("number") if port_map else None, w, pod)
                        _add_entry(
                            topo,
                            w,
                            Entry(
                                "VirtualService",
                                f"VirtualService {vs.id} via Istio Gateway {', '.join(names)} "
                                f"-> {d['host']} -> pod port {port}",
                                port,
                                True,
                                edge_auth or mesh.authenticated(w) is not None,
                                True,
                                True,
                                "",
                                vs.path,
                                d.line_of("host"),
                                encrypted,
                                vs.id,
                            ),
                        )


def _k8s_addresses(
    topo: Topology, objects: list[K8sObject], resolver: Resolver, mesh: Mesh
) -> None:
    configmaps = {(o.namespace, o.name): o for o in objects if o.kind == "ConfigMap"}
    for node in list(topo.nodes.values()):
        w, src = node.workload, node.pod
        if w is None or src is None:
            continue
        for value in workload_values(w, configmaps):
            for addr in addresses(value.name, value.text):
                svc = resolver.resolve(addr.host, w.namespace)
                if svc is None:
                    continue
                for dst_w in svc.workloads:
                    if dst_w.id == w.id:
                        continue
                    _address_edge(topo, node, dst_w, svc, addr, value, mesh)


def _address_edge(
    topo: Topology,
    node: NodeDraft,
    dst_w: Workload,
    svc: ServiceView,
    addr: Address,
    value: ConfigValue,
    mesh: Mesh,
) -> None:
    src = node.pod
    dst = topo.nodes[dst_w.id].pod
    assert src is not None and dst is not None
    port = _pod_port(svc, addr.port, dst_w, dst)
    allowed, why = topo.engine.connection(src, dst, port)
    mode, pa = mesh.mtls(dst_w, port)
    strict = mode == "STRICT"
    evidence = f"{value.what} ({addr.text}) in {value.path}:{value.line}"
    topo.add_edge(
        EdgeDraft(
            node.id,
            dst_w.id,
            port,
            addr.encrypted or strict,
            [evidence],
            "url",
            allowed,
            why,
            value.path,
            value.line,
            mtls=pa.id if strict and pa is not None else "",
            plaintext=[] if addr.encrypted else [evidence],
        )
    )


# Pods the NetworkPolicies cannot tell apart (same PolicyEngine.profile), in map order.
_Classes = dict[tuple[Any, ...], list[NodeDraft]]
# Pairs of pod classes evaluated at most, for policy links and for datastore callers:
# pods labelled so that no two are alike, under policies naming them by label, would
# otherwise cost one evaluation per pair of pods again.
CLASS_PAIR_BUDGET = 100_000


def _pod_classes(topo: Topology) -> _Classes:
    classes: _Classes = {}
    for node in topo.nodes.values():
        if node.pod is not None:
            classes.setdefault(topo.engine.profile(node.pod), []).append(node)
    return classes


def _policy_edges(topo: Topology, classes: _Classes, mesh: Mesh) -> None:
    """Edges for the peers that NetworkPolicies name explicitly (by pod labels),
    evaluated once per pair of pod classes, not per pair of pods."""
    engine = topo.engine
    reps = [(key, members[0].pod) for key, members in classes.items()]
    named_by: dict[tuple[tuple[Any, ...], tuple[Any, ...]], list[dict[str, Any]]] = {}
    budget = CLASS_PAIR_BUDGET
    for policy in engine.policies:
        for direction, rules in (("Ingress", policy.ingress), ("Egress", policy.egress)):
            if direction not in policy.types:
                continue
            selected = [k for k, pod in reps if pod is not None and policy.selects(pod)]
            for rule in rules:
                if not isinstance(rule, dict):
                    continue
                peers = rule.get("from" if direction == INGRESS else "to")
                if not isinstance(peers, list):
                    continue
                named = [
                    p for p in peers if isinstance(p, dict) and _names_pods(p.get("podSelector"))
                ]
                if not named:
                    continue
                others = [
                    k
                    for k, pod in reps
                    if pod is not None
                    and any(engine.peer_matches(policy, p, Endpoint(pod=pod)) for p in named)
                ]
                budget -= len(selected) * len(others)
                if budget < 0:
                    topo.warnings.append(
                        f"service map: the NetworkPolicies name more than {CLASS_PAIR_BUDGET:,} "
                        f"pairs of pod classes ({len(reps):,} classes of pods that no two "
                        "policies treat alike); links that only a NetworkPolicy allows are left "
                        "out of the map (findings do not depend on them)"
                    )
                    return
                for a in selected:
                    for b in others:
                        pair = (b, a) if direction == INGRESS else (a, b)
                        named_by.setdefault(pair, []).append(rule)
    mtls: dict[tuple[str, int | None], tuple[str, str]] = {}
    for pair, by in named_by.items():
        _policy_group(topo, pair, classes, by, mesh, mtls)


def _names_pods(selector: Any) -> bool:
    return isinstance(selector, dict) and bool(
        selector.get("matchLabels") or selector.get("matchExpressions")
    )


def _policy_group(
    topo: Topology,
    keys: tuple[tuple[Any, ...], tuple[Any, ...]],
    classes: _Classes,
    rules: list[dict[str, Any]],
    mesh: Mesh,
    mtls: dict[tuple[str, int | None], tuple[str, str]],
) -> None:
    """The policy links from one class of pods to another: the verdict of one pair
    stands for all, the targets split by their container ports and mTLS mode."""
    sources, targets = classes[keys[0]], classes[keys[1]]
    if len(sources) == 1 and targets == sources:
        return  # a pod to itself
    src = sources[0].pod
    by_ports: dict[tuple[int, ...], list[NodeDraft]] = {}
    for t in targets:
        by_ports.setdefault(tuple(p for p, _ in t.ports), []).append(t)
    for ports, dsts in by_ports.items():
        dst = dsts[0].pod
        assert src is not None and dst is not None
        candidates: list[Any] = []
        for rule in rules:
            candidates += (
                list(ports)
                or [e.get("port") for e in rule.get("ports") or [] if isinstance(e, dict)]
                or [None]
            )
        for port in dict.fromkeys(candidates):
            if not isinstance(port, int) and port is not None:
                continue
            if not topo.engine.can_connect(src, dst, port):
                continue
            policy_ids = sorted(
                {p.id for p in topo.engine.selecting(dst, "Ingress")}
                | {p.id for p in topo.engine.selecting(src, "Egress")}
            )
            by_mode: dict[tuple[str, str], list[NodeDraft]] = {}
            for t in dsts:
                mode = mtls.get((t.id, port))
                if mode is None:
                    assert t.workload is not None
                    name, pa = mesh.mtls(t.workload, port)
                    mode = mtls[(t.id, port)] = (
                        "STRICT" if name == "STRICT" else "",
                        pa.id if name == "STRICT" and pa is not None else "",
                    )
                by_mode.setdefault(mode, []).append(t)
            for (strict_mode, pa_id), members in by_mode.items():
                group = GroupEdge(
                    [n.id for n in sources],
                    [n.id for n in members],
                    port,
                    bool(strict_mode),
                    f"allowed by {', '.join(policy_ids)}",
                    members[0].path,
                    members[0].line,
                    mtls=pa_id,
                )
                if group.pairs():
                    topo.groups[(*keys, ports, port, strict_mode, pa_id)] = group


def _k8s_isolation(topo: Topology, classes: _Classes) -> None:
    engine = topo.engine
    for node in topo.nodes.values():
        pod = node.pod
        if pod is None:
            continue
        ports: list[int | None] = [p for p, _ in node.ports] or [None]
        for port in ports:
            verdict = engine.ingress_verdict(pod, ANY_POD, port)
            if verdict.allowed:
                node.any_pod = True
                node.any_pod_note = verdict.why
                break
        node.open_ingress = node.any_pod
        out = engine.to_internet(pod)
        node.open_egress = out.allowed
        node.egress_verdict = out
    order = {node_id: i for i, node_id in enumerate(topo.nodes)}
    # Callers are named only in the finding about datastores open to any pod.
    open_stores = [n for n in topo.nodes.values() if n.role == "datastore" and n.any_pod]
    if len(open_stores) * len(classes) > CLASS_PAIR_BUDGET:
        for node in open_stores:
            node.reachable_count = None
        return
    for node in open_stores:
        if node.pod is None:
            continue
        ports = [p for p, _ in node.ports] or [None]
        callers: dict[tuple[Any, ...], list[NodeDraft]] = {}
        for key, members in classes.items():
            other = members[0].pod
            if other is None or other.host_network:
                continue
            if any(engine.can_connect(other, node.pod, p) for p in ports):
                callers[key] = members
        # The first few callers in map order: the first of each class are enough.
        first = [m for ms in callers.values() for m in ms[: _SHOWN + 1] if m.id != node.id]
        first.sort(key=lambda m: order[m.id])
        node.reachable_from = [m.id for m in first[:_SHOWN]]
        itself = engine.profile(node.pod) in callers
        node.reachable_count = sum(len(ms) for ms in callers.values()) - itself


# Callers of a datastore named in its finding.
_SHOWN = 8


# -- compose ---------------------------------------------------------------------------------


def _compose(topo: Topology, services: list[ComposeService], internal: set[str]) -> None:
    gw = topo.gateways
    by_alias: dict[str, ComposeService] = {}
    for svc in services:
        for alias in svc.aliases:
            by_alias.setdefault(alias, svc)
        role = (
            "gateway"
            if gw.is_gateway(svc.id)
            else "datastore"
            if is_datastore(svc.name, [svc.image] if svc.image else [])
            else "service"
        )
        node = NodeDraft(
            svc.id,
            "ComposeService",
            svc.name,
            svc.cf.project,
            role,
            svc.cf.path,
            svc.line,
            compose=svc,
            resources=[svc.id],
        )
        node.ports = [(p, svc.line) for p in svc.exposed_ports()]
        if role == "datastore":
            node.sensitive = "a datastore"
        elif svc.uses_secrets():
            node.sensitive = "holds credentials (compose secrets)"
        node.open_egress = svc.host_network or bool(svc.networks - internal - _svc_nets(svc))
        node.open_ingress = True  # compose has no per-service ingress rules
        topo.nodes[svc.id] = node
        for pub in svc.published():
            if pub.loopback:
                continue
            entry = Entry(
                "compose-port",
                f"published port {pub.raw}",  # of the node it enters: said by the finding
                pub.container_port,
                role == "gateway",
                False,
                False,
                True,
                "compose applies no ingress rules",
                svc.cf.path,
                pub.line,
            )
            node.entries.append(entry)
            topo.add_edge(
                EdgeDraft(
                    INTERNET,
                    svc.id,
                    pub.container_port,
                    False,
                    [f"{entry.description} in {svc.cf.path}:{pub.line}"],
                    "exposure",
                    True,
                    entry.policy_note,
                    svc.cf.path,
                    pub.line,
                    through_gateway=role == "gateway",
                )
            )
    for svc in services:
        _compose_addresses(topo, svc, by_alias)
        for dep, line in svc.depends_on():
            target = by_alias.get(dep.lower())
            if target is None or target.id == svc.id:
                continue
            ports = target.exposed_ports()
            allowed, why = _compose_reach(svc, target)
            topo.add_edge(
                EdgeDraft(
                    svc.id,
                    target.id,
                    ports[0] if len(ports) == 1 else None,
                    False,
                    [f"depends_on {dep} in {svc.cf.path}:{line}"],
                    "depends_on",
                    allowed,
                    why,
                    svc.cf.path,
                    line,
                )
            )
    for svc in services:
        node = topo.nodes[svc.id]
        if node.role != "datastore":
            continue
        callers = [o.id for o in services if o.id != svc.id and _compose_reach(o, svc)[0]]
        node.reachable_from, node.reachable_count = callers[:_SHOWN], len(callers)
        node.any_pod = len(callers) == len(services) - 1 and len(services) > 1
        node.any_pod_note = "all share a network with it"


def _svc_nets(svc: ComposeService) -> set[str]:
    return {n for n in svc.networks if n.startswith("service:")}


def _compose_reach(src: ComposeService, dst: ComposeService) -> tuple[bool, str]:
    if src.host_network or dst.host_network:
        return True, "host network"
    if f"service:{dst.name}" in src.networks or f"service:{src.name}" in dst.networks:
        return True, "shared network namespace"
    shared = src.networks & dst.networks
    if shared:
        return True, f"both on network {', '.join(sorted(shared))}"
    return False, f"{src.name} and {dst.name} share no compose network"


def _compose_addresses(
    topo: Topology, svc: ComposeService, by_alias: dict[str, ComposeService]
) -> None:
    node = topo.nodes[svc.id]
    for value in compose_values(svc.cf, svc.name, svc.body):
        for addr in addresses(value.name, value.text):
            target = by_alias.get(addr.host)
            if target is None or target.id == svc.id:
                continue
            allowed, why = _compose_reach(svc, target)
            port = addr.port
            if port is None:
                exposed = target.exposed_ports()
                port = exposed[0] if len(exposed) == 1 else None
            evidence = f"{value.what} ({addr.text}) in {value.path}:{value.line}"
            topo.add_edge(
                EdgeDraft(
                    node.id,
                    target.id,
                    port,
                    addr.encrypted,
                    [evidence],
                    "url",
                    allowed,
                    why,
                    value.path,
                    value.line,
                    plaintext=[] if addr.encrypted else [evidence],
                )
            )


def _fold_weak_edges(topo: Topology) -> None:
    """A policy or depends_on edge between two nodes already linked by a configured
    address adds its evidence to that edge instead of drawing a second one."""
    strong: dict[tuple[str, str], EdgeDraft] = {}
    for e in topo.edges.values():
        if e.via == "url":
            strong.setdefault((e.source, e.target), e)
    for key, e in list(topo.edges.items()):
        if e.via in ("policy", "depends_on"):
            main = strong.get((e.source, e.target))
            if main is not None:
                main.evidence += [ev for ev in e.evidence if ev not in main.evidence]
                del topo.edges[key]
    by_target: dict[str, list[GroupEdge]] = {}
    for g in topo.groups.values():
        for t in g.targets:
            by_target.setdefault(t, []).append(g)
    sources: dict[int, set[str]] = {}
    for (src, dst), e in strong.items():
        for g in by_target.get(dst, ()):
            members = sources.get(id(g))
            if members is None:
                members = sources[id(g)] = set(g.sources)
            if src == dst or src not in members:
                continue
            g.folded.add((src, dst))
            # The address edge on the same port, else the first one between the two.
            same = topo.edges.get((src, dst, g.port, ""))
            main = same if same is not None and same.via == "url" else e
            if g.evidence not in main.evidence:
                main.evidence.append(g.evidence)
    for key in [k for k, g in topo.groups.items() if not g.pairs()]:
        del topo.groups[key]
