"""Which workloads are the API gateway: configured in `.shieldwall.yaml`, or
detected from ingress controllers, gateway products' images and names, or from
the topology: the one published entry point of a unit, a proxy in front of the
other services (Sentry's nginx). Jobs and CronJobs are never the gateway."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field

from shieldwall.model import GatewaySettings
from shieldwall.sources.manifests import ComposeFile, Inventory, K8sObject
from shieldwall.sources.workloads import Workload, get_map, get_seq, labels_match
from shieldwall.sources.yaml_tree import YMap
from shieldwall.system.compose import built_from, compose_services

# How to say which workload is the gateway, for reports and messages.
DECLARE_HINT = "declare it in .shieldwall.yaml: `gateway: {workloads: [<id>]}`"
# Run to completion and exit: never the way in.
_ONE_SHOT_KINDS = frozenset({"Job", "CronJob"})

# Images of products whose job is to be the gateway or ingress proxy.
_GATEWAY_IMAGE = re.compile(
    r"(^|/)(envoy|envoyproxy/envoy|kong|kong-gateway|traefik|haproxy|haproxytech/[\w-]*ingress"
    r"|ingress-nginx/controller|nginx-ingress|nginx-ingress-controller|proxyv2|apisix"
    r"|tykio/tyk-gateway|tyk-gateway|krakend|devopsfaith/krakend|contour|emissary"
    r"|ambassador|oauth2-proxy/oauth2-proxy|gloo|gateway-proxy|caddy|skipper"
    r"|nginxproxy/nginx-proxy|jwilder/nginx-proxy|wemakeservices/caddy-gen"
    r"|lucaslorentz/caddy-docker-proxy)(:|@|$)"
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
    # The images each gateway runs (a compose service's: its `image:` and the base its
    # scanned Dockerfile builds on): which product it is, for its admin ports.
    images: dict[str, list[str]] = field(default_factory=dict)

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
        (cf.service_id(name), name, _images(cf, body, inventory))
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
        for sid, name, images in compose_services:
            if _matches(configured, sid, name):
                view.ids.add(sid)
                view.images[sid] = images
        return view
    for w in workloads:
        if w.obj.kind in _ONE_SHOT_KINDS:
            continue
        images = [c.image for c in w.containers()]
        reason = _detect_reason(w.obj.name, images)
        if reason:
            view.ids.add(w.id)
            view.reasons[w.id] = reason
            view.workloads.append(w)
    for sid, name, images in compose_services:
        reason = _detect_reason(name, images)
        if reason:
            view.ids.add(sid)
            view.reasons[sid] = reason
            view.images[sid] = images
    if not view.ids:
        _only_entry_point(view, inventory, workloads)
    return view


def _images(cf: ComposeFile, body: YMap, inventory: Inventory) -> list[str]:
    """A compose service's image, then the base its scanned Dockerfile builds on (with
    `build:`, `image:` is only the name the built image is given)."""
    image = str(body.get("image") or "")
    built = built_from(cf, body, inventory.lines)
    return [i for i in (image, built) if i]


def _proxy_image(images: list[str]) -> str | None:
    return next((i for i in images if _GENERIC_PROXY_IMAGE.search(i.lower())), None)


def _only_entry_point(view: GatewayView, inventory: Inventory, workloads: list[Workload]) -> None:
    """The topology's answer: when one workload alone is published to the outside,
    runs a reverse proxy's image and has other services behind it, it is the
    gateway (a compose project's nginx in front of everything)."""
    published: list[tuple[str, str, Workload | None, int]] = []  # id, image, workload, others
    for cf in inventory.compose:
        services = compose_services(cf)
        for svc in services:
            if any(not p.loopback for p in svc.published()):
                image = (_images(cf, svc.body, inventory) or [""])[0]
                published.append((svc.id, image, None, len(services) - 1))
    exposed = _directly_exposed(inventory.kubernetes, workloads)
    for w in workloads:
        if w.id in exposed and w.obj.kind not in _ONE_SHOT_KINDS:
            image = _proxy_image([c.image for c in w.containers(("containers",))]) or ""
            published.append((w.id, image, w, len(workloads) - 1))
    if len(published) != 1:
        return
    ident, image, workload, others = published[0]
    proxy = _proxy_image([image]) if image else None
    if proxy is None or others < 1:
        return
    view.ids.add(ident)
    view.reasons[ident] = f"the only published entry point, a proxy (image {proxy})"
    view.images[ident] = [image]
    if workload is not None:
        view.workloads.append(workload)


def _directly_exposed(objects: list[K8sObject], workloads: list[Workload]) -> set[str]:
    """Workloads behind a LoadBalancer/NodePort Service or with a hostPort."""
    out: set[str] = set()
    for svc in objects:
        spec = get_map(svc.body, "spec")
        if svc.kind != "Service" or spec is None:
            continue
        selector = spec.get("selector")
        if spec.get("type") in ("LoadBalancer", "NodePort") and isinstance(selector, dict):
            out |= {
                w.id
                for w in workloads
                if w.namespace == svc.namespace and labels_match(selector, w.pod_labels)
            }
    for w in workloads:
        for c in w.containers():
            for port in get_seq(c.body, "ports"):
                if isinstance(port, YMap) and port.get("hostPort") not in (None, 0):
                    out.add(w.id)
    return out
