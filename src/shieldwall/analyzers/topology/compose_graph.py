"""Compose projects on the map: services, published ports, configured addresses
and depends_on, checked against the project's networks."""

from __future__ import annotations

from shieldwall.analyzers.topology.model import (
    SHOWN,
    EdgeDraft,
    Entry,
    NodeDraft,
    Topology,
)
from shieldwall.model.service_map import (
    INTERNET,
)
from shieldwall.system.compose import (
    ComposeService,
)
from shieldwall.system.gateway_admin import admin_ports
from shieldwall.system.links import addresses
from shieldwall.system.services import (
    is_datastore,
)
from shieldwall.system.values import compose_env, compose_values


def add_compose(topo: Topology, services: list[ComposeService], internal: set[str]) -> None:
    by_alias: dict[str, ComposeService] = {}
    for svc in services:
        for alias in svc.aliases:
            by_alias.setdefault(alias, svc)
        _compose_node(topo, svc, internal)
    for svc in services:
        _compose_addresses(topo, svc, by_alias)
        _depends_on(topo, svc, by_alias)
    for svc in services:
        node = topo.nodes[svc.id]
        if node.role != "datastore":
            continue
        callers = [o.id for o in services if o.id != svc.id and _compose_reach(o, svc)[0]]
        node.reachable_from, node.reachable_count = callers[:SHOWN], len(callers)
        node.any_pod = len(callers) == len(services) - 1 and len(services) > 1
        node.any_pod_note = "all share a network with it"


def _compose_node(topo: Topology, svc: ComposeService, internal: set[str]) -> None:
    """A compose service's node, and the ways in its published ports open."""
    gw = topo.gateways
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
    if role == "gateway":
        node.admin_ports = _admin_ports(svc, gw.images.get(svc.id, [svc.image]))
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
            end_line=pub.end_line,
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


def _admin_ports(svc: ComposeService, images: list[str]) -> dict[int, str]:
    env = {v.name: v.text for v in compose_env(svc.cf, svc.name, svc.body)}
    command = svc.body.get("command")
    args = command.split() if isinstance(command, str) else []
    if isinstance(command, list):
        args = [str(a) for a in command]
    return admin_ports(images, env, args)


def _depends_on(topo: Topology, svc: ComposeService, by_alias: dict[str, ComposeService]) -> None:
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
