"""Which workloads are the API gateway: configured in `.shieldwall.yaml`, or
detected from ingress controllers, gateway products' images and names."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field

from shieldwall.model import GatewaySettings
from shieldwall.sources.manifests import Inventory, K8sObject
from shieldwall.sources.workloads import Workload, labels_match

# Images of products whose job is to be the gateway or ingress proxy.
_GATEWAY_IMAGE = re.compile(
    r"(^|/)(envoy|envoyproxy/envoy|kong|kong-gateway|traefik|haproxy|haproxytech/[\w-]*ingress"
    r"|ingress-nginx/controller|nginx-ingress|nginx-ingress-controller|proxyv2|apisix"
    r"|tykio/tyk-gateway|tyk-gateway|krakend|devopsfaith/krakend|contour|emissary"
    r"|ambassador|oauth2-proxy/oauth2-proxy|gloo|gateway-proxy|caddy|skipper)(:|@|$)"
)
# Generic web servers count only when the name also says gateway/proxy.
_GENERIC_PROXY_IMAGE = re.compile(r"(^|/)(nginx|nginxinc/[\w-]+|httpd|caddy)(:|@|$)")
# Names that say "gateway" on their own, and names that do only with a proxy image.
_GATEWAY_NAME = re.compile(r"gateway|ingress|(^|[-_])(api-?gw|gw)([-_]|$)")
_PROXY_NAME = re.compile(r"(^|[-_])(edge|proxy|front-?proxy|reverse-?proxy)([-_]|$)")
_INTERNAL_NAME = re.compile(r"(^|[-_])(internal|private|backend|sidecar)([-_]|$)")


_INGRESS_CONTROLLER_HINT = ("ingress", "traefik", "kong", "haproxy", "contour", "emissary")


@dataclass
class GatewayView:
    ids: set[str] = field(default_factory=set)
    reasons: dict[str, str] = field(default_factory=dict)
    source: str = "detected"
    workloads: list[Workload] = field(default_factory=list)

    def is_gateway(self, resource_id: str) -> bool:
        return resource_id in self.ids

    @property
    def serves_ingress(self) -> bool:
        """The gateway is the ingress controller: Ingress routes then go through it."""
        return any(
            any(h in c.image.lower() for h in _INGRESS_CONTROLLER_HINT for c in w.containers())
            for w in self.workloads
        )

    def service_targets_gateway(self, service: K8sObject) -> bool:
        """A Service whose selector picks a gateway workload's pods."""
        if service.id in self.ids:
            return True
        selector = (
            service.body.get("spec", {}).get("selector")
            if isinstance(service.body.get("spec"), dict)
            else None
        )
        if not isinstance(selector, dict) or not selector:
            return False
        return any(
            w.namespace == service.namespace and labels_match(selector, w.pod_labels)
            for w in self.workloads
        )

    def describe(self) -> list[str]:
        return [f"{i} ({self.reasons.get(i, self.source)})" for i in sorted(self.ids)]


def _matches(patterns: tuple[str, ...], resource_id: str, name: str) -> bool:
    return any(fnmatch.fnmatchcase(resource_id, p) or p == name for p in patterns)


def _detect_reason(name: str, images: list[str]) -> str | None:
    for image in images:
        if _GATEWAY_IMAGE.search(image.lower()):
            return f"image {image}"
    lower = name.lower()
    if _INTERNAL_NAME.search(lower):
        return None  # `internal-proxy` is a proxy, not the way in
    proxy_image = next((i for i in images if _GENERIC_PROXY_IMAGE.search(i.lower())), None)
    if _GATEWAY_NAME.search(lower):
        return f"name {name} with image {proxy_image}" if proxy_image else f"name {name}"
    if _PROXY_NAME.search(lower) and proxy_image:
        return f"name {name} with image {proxy_image}"
    return None


def detect_gateways(
    inventory: Inventory, workloads: list[Workload], settings: GatewaySettings
) -> GatewayView:
    view = GatewayView()
    configured = settings.workloads + settings.services
    compose_services = [
        (cf.service_id(name), name, body)
        for cf in inventory.compose
        for name, body in cf.services.items()
    ]
    if configured:
        view.source = "configured in .shieldwall.yaml"
        for w in workloads:
            if _matches(configured, w.id, w.obj.name):
                view.ids.add(w.id)
                view.workloads.append(w)
        for svc in inventory.kubernetes:
            if svc.kind == "Service" and _matches(settings.services, svc.id, svc.name):
                view.ids.add(svc.id)
        for sid, name, _ in compose_services:
            if _matches(configured, sid, name):
                view.ids.add(sid)
        return view
    for w in workloads:
        images = [c.image for c in w.containers()]
        reason = _detect_reason(w.obj.name, images)
        if reason:
            view.ids.add(w.id)
            view.reasons[w.id] = reason
            view.workloads.append(w)
    for sid, name, body in compose_services:
        image = body.get("image")
        reason = _detect_reason(name, [str(image)] if image else [])
        if reason:
            view.ids.add(sid)
            view.reasons[sid] = reason
    return view
