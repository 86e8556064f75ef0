"""Services and Ingress routes: external IPs, routes without TLS, and exposure past the
gateway or without authentication only when the workloads behind them are not in
the unit (the service map follows the others)."""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.k8s_network.common import _INGRESS, _SVC, _spec
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
from shieldwall.system.routes import ingress_authenticates, ingress_backends, ingress_tls

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


RULES: tuple[Rule, ...] = (
    K8S_SERVICE_EXPOSED,
    K8S_SERVICE_EXTERNAL_IPS,
    K8S_INGRESS_NO_TLS,
    K8S_INGRESS_NO_AUTH,
    K8S_INGRESS_BYPASSES_GATEWAY,
)
