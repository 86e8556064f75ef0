"""Kubernetes audit log: JSON lines of `audit.k8s.io/v1` Events."""

from __future__ import annotations

from shieldwall.runtime.events import AuditEvent
from shieldwall.runtime.sources.base import int_or, text
from shieldwall.runtime.sources.json_logs import load_object
from shieldwall.runtime.sources.timefmt import TimeCache, parse_iso

_iso_time = TimeCache(parse_iso)


def parse_k8s_audit(line: str) -> AuditEvent | None:
    data = load_object(line)
    if (
        data is None
        or data.get("kind") != "Event"
        or "audit.k8s.io" not in text(data.get("apiVersion"))
    ):
        return None
    if data.get("stage", "ResponseComplete") != "ResponseComplete":
        return None
    user = data.get("user")
    user = user if isinstance(user, dict) else {}
    groups = user.get("groups")
    ref = data.get("objectRef")
    ref = ref if isinstance(ref, dict) else {}
    status = data.get("responseStatus")
    status = status if isinstance(status, dict) else {}
    ips = data.get("sourceIPs")
    obj = data.get("requestObject")
    when = text(data.get("stageTimestamp")) or text(data.get("requestReceivedTimestamp"))
    return AuditEvent(
        time=_iso_time(when),
        user=text(user.get("username")),
        groups=tuple(g for g in groups if isinstance(g, str)) if isinstance(groups, list) else (),
        verb=text(data.get("verb")),
        resource=text(ref.get("resource")),
        subresource=text(ref.get("subresource")),
        namespace=text(ref.get("namespace")),
        name=text(ref.get("name")),
        code=int_or(status.get("code")),
        source_ips=tuple(i for i in ips if isinstance(i, str)) if isinstance(ips, list) else (),
        request_object=obj if isinstance(obj, dict) else None,
        uri=text(data.get("requestURI")),
    )
