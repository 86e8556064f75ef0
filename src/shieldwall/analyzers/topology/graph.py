"""Build the service map of a system from its Kubernetes manifests and compose
files: one node per workload, edges from the outside (Services, hostPorts,
Ingress, Gateway API and Istio routes, published ports), from configured service
addresses, from the peers NetworkPolicies name, and from compose depends_on;
every edge checked against the policies (or compose networks) in force."""

from __future__ import annotations

from shieldwall.analyzers.topology.compose_graph import add_compose
from shieldwall.analyzers.topology.model import (
    EdgeDraft,
    Entry,
    GroupEdge,
    NodeDraft,
    Topology,
    add_entry,
    pod_port,
)
from shieldwall.analyzers.topology.policy_links import k8s_isolation, pod_classes, policy_edges
from shieldwall.analyzers.topology.routes import gateway_api, ingresses, istio_routes
from shieldwall.model import Settings
from shieldwall.sources.manifests import Inventory, K8sObject
from shieldwall.sources.workloads import Workload, get_seq, workload_of
from shieldwall.sources.yaml_tree import YMap
from shieldwall.system.certificates import CertificateSecrets
from shieldwall.system.compose import (
    compose_services,
    internal_networks,
)
from shieldwall.system.gateway import detect_gateways
from shieldwall.system.gateway_admin import admin_ports
from shieldwall.system.links import Address, addresses
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
from shieldwall.system.values import ConfigValue, env_secrets, env_values, workload_values


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
    _k8s_nodes(topo, workloads, services, CertificateSecrets(objects))
    _k8s_exposure(topo, objects, services, resolver, mesh)
    _k8s_addresses(topo, objects, resolver, mesh)
    classes = pod_classes(topo)
    policy_edges(topo, classes, mesh)
    k8s_isolation(topo, classes)
    for cf in inventory.compose:
        add_compose(topo, compose_services(cf), internal_networks(cf))
    _fold_weak_edges(topo)
    return topo


# -- Kubernetes ------------------------------------------------------------------------------


def _k8s_nodes(
    topo: Topology,
    workloads: list[Workload],
    services: list[ServiceView],
    certificates: CertificateSecrets,
) -> None:
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
        if role == "gateway":
            node.admin_ports = _admin_ports(w, images)
        secrets = _secret_use(w, certificates)
        if role == "datastore":
            node.sensitive = "a datastore"
        elif secrets:
            node.sensitive = f"holds credentials ({secrets})"
        topo.nodes[w.id] = node
    for svc in services:
        for w in svc.workloads:
            topo.nodes[w.id].resources.append(svc.obj.id)


def _admin_ports(w: Workload, images: list[str]) -> dict[int, str]:
    """A gateway workload's admin ports, from its containers' env and command line."""
    env = {}
    args: list[str] = []
    for c in w.containers(("containers",)):
        env.update({v.name: v.text for v in env_values(w, c)})
        for field in ("command", "args"):
            args += [str(a) for a in get_seq(c.body, field)]
    return admin_ports(images, env, args)


def _secret_use(w: Workload, certificates: CertificateSecrets) -> str:
    """The first credential a workload holds, "" for none; a Secret volume of TLS
    certificates only (its own serving certificate, its client certificate to a
    peer) is not one."""
    for c in w.containers():
        for use in env_secrets(c):
            return f"env {use.env} from a Secret" if use.env else "envFrom a Secret"
    for vol in w.volumes():
        if "secret" in vol and not certificates.is_certificate(w, vol):
            return f"Secret volume {vol.get('name')}"
    return ""


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
                    add_entry(
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
                    add_entry(
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
    ingresses(topo, objects, resolver, mesh)
    gateway_api(topo, objects, resolver, mesh)
    istio_routes(topo, objects, resolver, mesh)


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
    port = pod_port(svc, addr.port, dst_w, dst)
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
