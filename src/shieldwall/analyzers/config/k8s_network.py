"""Kubernetes network rules across resources: NetworkPolicy coverage and default
deny, Ingress routes without TLS, mesh mTLS; Services and Ingress routes that
expose workloads past the gateway or without authentication only when those
workloads are not in the unit (the service map follows the others)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import (
    Workload,
    get_map,
    get_seq,
    labels_match,
)
from shieldwall.sources.yaml_tree import YMap
from shieldwall.system.mesh import destination_host, destination_tls, peer_mode, port_modes
from shieldwall.system.netpol import Pod, Policy
from shieldwall.system.routes import ingress_authenticates, ingress_backends, ingress_tls
from shieldwall.system.services import pod_of

_NETPOL = "https://kubernetes.io/docs/concepts/services-networking/network-policies/"
_SVC = "https://kubernetes.io/docs/concepts/services-networking/service/"
_INGRESS = "https://kubernetes.io/docs/concepts/services-networking/ingress/"

K8S_NETPOL_MISSING = config_rule(
    id="K8S-NETPOL-MISSING",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="Workload selected by no NetworkPolicy",
    description=(
        "Pods that no NetworkPolicy selects accept traffic from every pod in the cluster: one "
        "compromised service can reach this one directly."
    ),
    remediation=(
        "Add a NetworkPolicy whose podSelector matches these pods and allows only the callers "
        "that need them (and a default-deny policy for the namespace)."
    ),
    applies_to=("workload",),
    cwe=("CWE-923",),
    references=(_NETPOL,),
)
K8S_NETPOL_NO_DEFAULT_DENY = config_rule(
    id="K8S-NETPOL-NO-DEFAULT-DENY",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="Namespace has workloads and no default-deny ingress policy",
    description=(
        "Without a policy that selects every pod of the namespace for Ingress, each new workload "
        "starts reachable from the whole cluster until someone remembers to write its policy."
    ),
    remediation=(
        "Add `kind: NetworkPolicy` with `podSelector: {}` and `policyTypes: [Ingress]` and no "
        "ingress rules in the namespace, then allow traffic per workload."
    ),
    applies_to=("Namespace",),
    cwe=("CWE-923",),
    references=(_NETPOL + "#default-deny-all-ingress-traffic",),
)
K8S_NETPOL_NO_DEFAULT_DENY_EGRESS = config_rule(
    id="K8S-NETPOL-NO-DEFAULT-DENY-EGRESS",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="Namespace has workloads and no default-deny egress policy",
    description=(
        "Pods that may open connections anywhere make data exfiltration and lateral movement easy "
        "after a compromise."
    ),
    remediation=(
        "Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Egress]`, then allow DNS "
        "and the destinations each workload needs."
    ),
    applies_to=("Namespace",),
    cwe=("CWE-923",),
    references=(_NETPOL + "#default-deny-all-egress-traffic",),
)
K8S_NETPOL_ALLOW_ALL = config_rule(
    id="K8S-NETPOL-ALLOW-ALL",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="NetworkPolicy allows ingress from everywhere",
    description=(
        "An ingress rule with no `from` (or an empty peer, every namespace, or 0.0.0.0/0) lets "
        "every pod and address in, which undoes the isolation the policy seems to give."
    ),
    remediation="List the callers explicitly with podSelector/namespaceSelector, and ports.",
    applies_to=("NetworkPolicy",),
    cwe=("CWE-923",),
    references=(_NETPOL,),
)
K8S_NETPOL_SELECTS_NOTHING = config_rule(
    id="K8S-NETPOL-SELECTS-NOTHING",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="NetworkPolicy selects no pod",
    description=(
        "A policy whose podSelector matches no workload in its namespace protects nothing; the "
        "workload it was written for is probably unprotected (label typo, wrong namespace)."
    ),
    remediation="Fix the podSelector labels or the namespace so that it selects the intended pods.",
    applies_to=("NetworkPolicy",),
    cwe=("CWE-923",),
    references=(_NETPOL,),
)
K8S_SERVICE_EXPOSED = config_rule(
    id="K8S-SERVICE-EXPOSED",
    control=Control.API_EXPOSURE,
    severity=Severity.HIGH,
    title="Service exposes a workload other than the gateway",
    description=(
        "A LoadBalancer or NodePort Service makes its pods reachable from outside the cluster "
        "directly, bypassing the API gateway's authentication, rate limits and TLS. Reported "
        "here only when no workload of the deployment unit is behind the Service; otherwise "
        "TOPO-EXPOSED-PAST-GATEWAY reports the workload with the whole path."
    ),
    remediation=(
        "Make the Service `type: ClusterIP` and route outside traffic through the gateway; if "
        "this workload is the gateway, declare it in .shieldwall.yaml (`gateway: workloads:`)."
    ),
    applies_to=("Service",),
    cwe=("CWE-668",),
    references=(_SVC + "#publishing-services-service-types",),
)
K8S_SERVICE_EXTERNAL_IPS = config_rule(
    id="K8S-SERVICE-EXTERNAL-IPS",
    control=Control.API_EXPOSURE,
    severity=Severity.MEDIUM,
    title="Service has externalIPs",
    description=(
        "externalIPs route outside traffic straight to the Service's pods and can be abused to "
        "intercept traffic for other addresses (CVE-2020-8554)."
    ),
    remediation=(
        "Remove `externalIPs`; expose through the gateway, and block the field with an admission "
        "policy."
    ),
    applies_to=("Service",),
    cwe=("CWE-668",),
    references=(_SVC + "#external-ips",),
)
K8S_INGRESS_NO_TLS = config_rule(
    id="K8S-INGRESS-NO-TLS",
    control=Control.ENCRYPTION,
    severity=Severity.HIGH,
    title="Ingress host served without TLS",
    description=(
        "Requests to this host travel in clear text between clients and the cluster: tokens, "
        "cookies and personal data can be read and changed on the way."
    ),
    remediation=(
        "Add a `tls` entry listing the host with a certificate secret (cert-manager can issue "
        "it) and redirect HTTP to HTTPS."
    ),
    applies_to=("Ingress",),
    cwe=("CWE-319",),
    references=(_INGRESS + "#tls",),
)
K8S_INGRESS_NO_AUTH = config_rule(
    id="K8S-INGRESS-NO-AUTH",
    control=Control.ACCESS_CONTROL,
    severity=Severity.MEDIUM,
    title="Ingress route reaches a service with no authentication in front",
    description=(
        "The route sends outside requests to an internal service that no gateway, auth "
        "annotation (ingress-nginx auth-url/auth-type, Traefik or Kong auth plugins, oauth2-proxy) "
        "or mesh authentication policy protects. Reported here only when the backend's workloads "
        "are not in the deployment unit; otherwise TOPO-ROUTE-NO-AUTH reports the route."
    ),
    remediation=(
        "Route through the gateway, or add authentication at the ingress (for ingress-nginx: "
        "`nginx.ingress.kubernetes.io/auth-url` to an oauth2-proxy) or an Istio "
        "RequestAuthentication + AuthorizationPolicy for the backend."
    ),
    applies_to=("Ingress",),
    cwe=("CWE-306",),
    references=(_INGRESS,),
)
K8S_INGRESS_BYPASSES_GATEWAY = config_rule(
    id="K8S-INGRESS-BYPASSES-GATEWAY",
    control=Control.API_EXPOSURE,
    severity=Severity.HIGH,
    title="Ingress routes straight to a service behind the gateway",
    description=(
        "The system has an API gateway, but this Ingress sends outside traffic to another service "
        "directly, skipping the gateway's authentication, rate limiting and auditing. Reported "
        "here only when the backend's workloads are not in the deployment unit; otherwise "
        "TOPO-EXPOSED-PAST-GATEWAY reports the workload."
    ),
    remediation=(
        "Point the Ingress backend at the gateway's Service and let the gateway route inward."
    ),
    applies_to=("Ingress",),
    cwe=("CWE-668",),
    references=(_INGRESS,),
)
K8S_MESH_MTLS_NOT_STRICT = config_rule(
    id="K8S-MESH-MTLS-NOT-STRICT",
    control=Control.ENCRYPTION,
    severity=Severity.MEDIUM,
    title="Service mesh accepts plaintext between services",
    description=(
        "A PeerAuthentication in PERMISSIVE or DISABLE mode (or a DestinationRule with TLS "
        "DISABLE) lets services talk in clear text inside the cluster."
    ),
    remediation="Set `spec.mtls.mode: STRICT` (and `trafficPolicy.tls.mode: ISTIO_MUTUAL`).",
    applies_to=("PeerAuthentication", "DestinationRule"),
    cwe=("CWE-319",),
    references=("https://istio.io/latest/docs/reference/config/security/peer_authentication/",),
)
RULES: tuple[Rule, ...] = (
    K8S_NETPOL_MISSING,
    K8S_NETPOL_NO_DEFAULT_DENY,
    K8S_NETPOL_NO_DEFAULT_DENY_EGRESS,
    K8S_NETPOL_ALLOW_ALL,
    K8S_NETPOL_SELECTS_NOTHING,
    K8S_SERVICE_EXPOSED,
    K8S_SERVICE_EXTERNAL_IPS,
    K8S_INGRESS_NO_TLS,
    K8S_INGRESS_NO_AUTH,
    K8S_INGRESS_BYPASSES_GATEWAY,
    K8S_MESH_MTLS_NOT_STRICT,
)


def check(ctx: ConfigContext) -> Iterator[Hit]:
    policies = ctx.objects("NetworkPolicy")
    evaluated = _Policies(policies)
    yield from _netpol_coverage(ctx, policies, evaluated)
    yield from _netpol_rules(ctx, policies, evaluated)
    yield from _services(ctx)
    yield from _ingresses(ctx)
    yield from _mesh(ctx)


def _spec(obj: K8sObject) -> YMap:
    spec = obj.body.get("spec")
    return spec if isinstance(spec, YMap) else YMap(obj.line)


class _Policies:
    """NetworkPolicies as the system layer evaluates them (policyTypes defaults
    included), each read once, and the pods of the workloads they may select."""

    def __init__(self, policies: list[K8sObject]) -> None:
        self._policies = {
            id(p): Policy.from_spec(p.id, p.namespace, _spec(p), p.path, p.line) for p in policies
        }
        self._pods: dict[str, Pod] = {}

    def types(self, policy: K8sObject) -> frozenset[str]:
        return self._policies[id(policy)].types

    def selects(self, policy: K8sObject, w: Workload) -> bool:
        pod = self._pods.get(w.id)
        if pod is None:
            pod = self._pods[w.id] = pod_of(w)
        return self._policies[id(policy)].selects(pod)


def _name_line(obj: K8sObject) -> int:
    return obj.metadata.line_of("name", obj.line)


def _netpol_coverage(
    ctx: ConfigContext, policies: list[K8sObject], evaluated: _Policies
) -> Iterator[Hit]:
    by_ns: dict[str, list[K8sObject]] = defaultdict(list)
    for p in policies:
        by_ns[p.namespace].append(p)
    ns_workloads: dict[str, list[Workload]] = defaultdict(list)
    for w in ctx.workloads:
        ns_workloads[w.namespace].append(w)
        if w.obj.kind in ("Job", "CronJob") or w.pod_spec.get("hostNetwork") is True:
            continue  # batch pods accept no traffic; hostNetwork pods are not policed
        if not any(
            evaluated.selects(p, w) and "Ingress" in evaluated.types(p) for p in by_ns[w.namespace]
        ):
            yield Hit(
                K8S_NETPOL_MISSING,
                w.path,
                _name_line(w.obj),
                w.id,
                f"no NetworkPolicy in namespace {w.namespace!r} selects the pods of {w.id} "
                f"(labels {w.pod_labels or '{}'}): any pod in the cluster can reach them",
            )
    namespaces = {o.name: o for o in ctx.objects("Namespace")}
    for ns, workloads in sorted(ns_workloads.items()):
        deny_ingress = deny_egress = False
        for p in by_ns[ns]:
            spec = _spec(p)
            selector = spec.get("podSelector")
            selects_all = isinstance(selector, dict) and not any(
                selector.get(k) for k in ("matchLabels", "matchExpressions")
            )
            if not selects_all:
                continue
            types = evaluated.types(p)
            if "Ingress" in types and not spec.get("ingress"):
                deny_ingress = True
            if "Egress" in types and not spec.get("egress"):
                deny_egress = True
        anchor = namespaces.get(ns)
        path, line = (
            (anchor.path, _name_line(anchor))
            if anchor
            else (workloads[0].path, _ns_line(workloads[0]))
        )
        names = ", ".join(sorted({w.obj.name for w in workloads})[:5])
        if not deny_ingress:
            yield Hit(
                K8S_NETPOL_NO_DEFAULT_DENY,
                path,
                line,
                f"Namespace/{ns}",
                f"namespace {ns!r} runs {len(workloads)} workload(s) ({names}) and has no "
                "default-deny ingress NetworkPolicy",
                path_in_fingerprint=anchor is not None,
            )
        if not deny_egress:
            yield Hit(
                K8S_NETPOL_NO_DEFAULT_DENY_EGRESS,
                path,
                line,
                f"Namespace/{ns}",
                f"namespace {ns!r} runs {len(workloads)} workload(s) ({names}) and has no "
                "default-deny egress NetworkPolicy",
                path_in_fingerprint=anchor is not None,
            )


def _ns_line(w: Workload) -> int:
    meta = w.obj.metadata
    return meta.line_of("namespace", meta.line_of("name", w.obj.line))


def _netpol_rules(
    ctx: ConfigContext, policies: list[K8sObject], evaluated: _Policies
) -> Iterator[Hit]:
    ns_with_workloads = {w.namespace for w in ctx.workloads}
    for p in policies:
        spec = _spec(p)
        selects_gateway = any(evaluated.selects(p, w) for w in ctx.gateways.workloads)
        ingress = spec.get("ingress")
        if isinstance(ingress, list) and not selects_gateway:
            for i, rule in enumerate(ingress):
                line = ingress.line_of(i)  # type: ignore[attr-defined]
                why = _allows_everyone(rule)
                if why:
                    yield Hit(
                        K8S_NETPOL_ALLOW_ALL,
                        p.path,
                        line,
                        p.id,
                        f"ingress rule {i + 1} of {p.id} {why}{_only_ports(rule)}",
                        f"ingress[{i}]",
                    )
        if p.namespace in ns_with_workloads:
            selector = spec.get("podSelector")
            if (
                isinstance(selector, dict)
                and (selector.get("matchLabels") or selector.get("matchExpressions"))
                and not any(evaluated.selects(p, w) for w in ctx.workloads)
            ):
                yield Hit(
                    K8S_NETPOL_SELECTS_NOTHING,
                    p.path,
                    spec.line_of("podSelector"),
                    p.id,
                    f"{p.id} selects no workload of namespace {p.namespace!r}",
                )


def _only_ports(rule: Any) -> str:
    """`, on port 8082 only` when the rule's ports narrow what it admits."""
    ports = rule.get("ports") if isinstance(rule, dict) else None
    if not isinstance(ports, list) or not ports:
        return ""
    shown = []
    for item in ports:
        if not isinstance(item, dict) or "port" not in item:
            return ""  # a port entry without a port admits every port
        port = str(item.get("port"))
        end = item.get("endPort")
        shown.append(f"{port}-{end}" if end is not None else port)
    word = "port" if len(shown) == 1 and "-" not in shown[0] else "ports"
    return f", but on {word} {', '.join(shown)} only"


def _allows_everyone(rule: Any) -> str:
    if rule is None or (isinstance(rule, dict) and not rule):
        return "is empty: it admits traffic from every source on every port"
    if not isinstance(rule, dict):
        return ""
    peers = rule.get("from")
    if "from" not in rule or peers is None or (isinstance(peers, list) and not peers):
        return "has no `from`: it admits traffic from every source"
    if not isinstance(peers, list):
        return ""
    for peer in peers:
        if not isinstance(peer, dict) or not peer:
            return "has an empty peer: it admits traffic from every source"
        ns_sel = peer.get("namespaceSelector")
        if isinstance(ns_sel, dict) and not ns_sel and "podSelector" not in peer:
            return "admits every pod of every namespace (`namespaceSelector: {}`)"
        block = peer.get("ipBlock")
        if isinstance(block, dict) and str(block.get("cidr")) in ("0.0.0.0/0", "::/0"):
            return f"admits every address ({block.get('cidr')})"
    return ""


def _service_workloads(ctx: ConfigContext, svc: K8sObject) -> list[Workload]:
    selector = _spec(svc).get("selector")
    if not isinstance(selector, dict):
        return []
    return [
        w
        for w in ctx.workloads
        if w.namespace == svc.namespace and labels_match(selector, w.pod_labels)
    ]


def _services(ctx: ConfigContext) -> Iterator[Hit]:
    for svc in ctx.objects("Service"):
        spec = _spec(svc)
        svc_type = spec.get("type")
        is_gateway = ctx.gateways.service_targets_gateway(svc)
        # A Service in front of workloads of the unit is the map's question
        # (TOPO-EXPOSED-PAST-GATEWAY): it follows the path and the policies on it.
        if (
            svc_type in ("LoadBalancer", "NodePort")
            and not is_gateway
            and not _service_workloads(ctx, svc)
        ):
            yield Hit(
                K8S_SERVICE_EXPOSED,
                svc.path,
                spec.line_of("type"),
                svc.id,
                f"{svc.id} is type {svc_type}: it exposes its pods outside the cluster without "
                "going through the gateway (no workload of this deployment unit matches its "
                "selector, so the service map cannot follow it)",
            )
        ips = spec.get("externalIPs")
        if isinstance(ips, list) and ips and not is_gateway:
            yield Hit(
                K8S_SERVICE_EXTERNAL_IPS,
                svc.path,
                spec.line_of("externalIPs"),
                svc.id,
                f"{svc.id} accepts outside traffic on externalIPs {', '.join(map(str, ips))}",
            )


def _ingresses(ctx: ConfigContext) -> Iterator[Hit]:
    ingresses = ctx.objects("Ingress")
    if not ingresses:
        return
    services = {(s.namespace, s.name): s for s in ctx.objects("Service")}
    gateway_is_controller = ctx.gateways.serves_ingress
    has_gateway = bool(ctx.gateways.workloads)
    for ing in ingresses:
        spec = _spec(ing)
        yield from _ingress_tls(ing, spec)
        ann = ing.annotations
        ann_auth = ingress_authenticates(ann)
        for backend in ingress_backends(ing):
            svc = services.get((ing.namespace, backend.service))
            to_gateway = svc is not None and ctx.gateways.service_targets_gateway(svc)
            if to_gateway:
                continue
            targets = _service_workloads(ctx, svc) if svc is not None else []
            if targets:
                continue  # the map follows the route (TOPO-EXPOSED-PAST-GATEWAY, -ROUTE-NO-AUTH)
            if has_gateway and not gateway_is_controller:
                yield Hit(
                    K8S_INGRESS_BYPASSES_GATEWAY,
                    ing.path,
                    backend.line,
                    ing.id,
                    f"{ing.id} routes outside traffic to service {backend.service!r} directly, "
                    f"not through the gateway ({', '.join(sorted(ctx.gateways.ids))})",
                    backend.key,
                )
            if ann_auth or "oauth2-proxy" in backend.service:
                continue
            yield Hit(
                K8S_INGRESS_NO_AUTH,
                ing.path,
                backend.line,
                ing.id,
                f"{ing.id} sends outside requests to service {backend.service!r} with no "
                "authentication in front of it",
                backend.key,
            )


def _ingress_tls(ing: K8sObject, spec: YMap) -> Iterator[Hit]:
    tls = ingress_tls(spec)
    rules = get_seq(spec, "rules")
    if not rules and "tls" not in spec:
        default = get_map(spec, "defaultBackend") or get_map(spec, "backend")
        if default is not None:
            yield Hit(
                K8S_INGRESS_NO_TLS,
                ing.path,
                spec.line_of("defaultBackend", spec.line_of("backend")),
                ing.id,
                f"{ing.id} serves its default backend over plain HTTP (no tls section)",
                "defaultBackend",
            )
        return
    for i, rule in enumerate(rules):
        if not isinstance(rule, YMap):
            continue
        host = rule.get("host")
        if not tls.covers(None if host is None else str(host)):
            yield Hit(
                K8S_INGRESS_NO_TLS,
                ing.path,
                rule.line_of("host", rules.line_of(i)),
                ing.id,
                f"{ing.id} serves host {host or '(any)'} over plain HTTP: no tls entry covers it",
                f"rules[{host}]",
            )


def _mesh(ctx: ConfigContext) -> Iterator[Hit]:
    """The mesh settings that accept plaintext, as `system/mesh.py` reads them."""
    for pa in ctx.objects("PeerAuthentication"):
        whole = peer_mode(pa)
        if whole is not None and whole.plaintext:
            yield Hit(
                K8S_MESH_MTLS_NOT_STRICT,
                pa.path,
                whole.line,
                pa.id,
                f"{pa.id} sets mTLS mode {whole.written}: services accept plaintext",
                whole.key,
            )
        for port in port_modes(pa):
            if port.plaintext:
                yield Hit(
                    K8S_MESH_MTLS_NOT_STRICT,
                    pa.path,
                    port.line,
                    pa.id,
                    f"{pa.id} sets mTLS mode {port.written} on port {port.port}",
                    port.key,
                )
    for dr in ctx.objects("DestinationRule"):
        tls = destination_tls(dr)
        if tls is not None and tls.mode == "DISABLE":
            yield Hit(
                K8S_MESH_MTLS_NOT_STRICT,
                dr.path,
                tls.line,
                dr.id,
                f"{dr.id} disables TLS to host {destination_host(dr)}",
                tls.key,
            )
