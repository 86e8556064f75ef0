"""Ways in through HTTP routes: Ingress, Gateway API routes and Istio
VirtualServices, each to the workloads behind its Services."""

from __future__ import annotations

from shieldwall.analyzers.topology.model import (
    Entry,
    Topology,
    add_entry,
    pod_port,
)
from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import get_map, get_seq
from shieldwall.sources.yaml_tree import YMap
from shieldwall.system.routes import ingress_authenticates, ingress_backends, ingress_tls
from shieldwall.system.services import (
    Mesh,
    Resolver,
    spec_of,
)

_ROUTE_KINDS = ("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute")


def ingresses(topo: Topology, objects: list[K8sObject], resolver: Resolver, mesh: Mesh) -> None:
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
                target = pod_port(svc, port, w, pod)
                is_gw = gw.is_gateway(w.id)
                auth = is_gw or to_gateway or ann_auth or mesh.authenticated(w) is not None
                add_entry(
                    topo,
                    w,
                    Entry(
                        "Ingress",
                        f"Ingress {ing.id} {where} -> Service {name} -> pod port {target}",
                        target,
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


def gateway_api(topo: Topology, objects: list[K8sObject], resolver: Resolver, mesh: Mesh) -> None:
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
                    port = pod_port(svc, ref.get("port"), w, pod)
                    add_entry(
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


def istio_routes(topo: Topology, objects: list[K8sObject], resolver: Resolver, mesh: Mesh) -> None:
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
                        port = pod_port(svc, port_map.get("number") if port_map else None, w, pod)
                        add_entry(
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
