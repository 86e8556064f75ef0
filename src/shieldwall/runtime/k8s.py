"""Kubernetes audit events: what only runtime sees (exec into pods, secrets read
by a new identity, anonymous successes, cluster-admin bindings)."""

from __future__ import annotations

from shieldwall.runtime.decisions import Detection
from shieldwall.runtime.events import AuditEvent

_ANONYMOUS = ("system:anonymous",)
_UNAUTHENTICATED = "system:unauthenticated"
_READS = ("get", "list", "watch")
_PUBLIC_PATHS = ("/healthz", "/livez", "/readyz", "/version")
_MAX_READERS = 100_000


def _request(event: AuditEvent) -> str:
    where = f"{event.namespace}/" if event.namespace else ""
    sub = f"/{event.subresource}" if event.subresource else ""
    return f"{event.verb} {event.resource}{sub} {where}{event.name}".rstrip()


def _binds_cluster_admin(event: AuditEvent) -> bool:
    if event.resource not in ("clusterrolebindings", "rolebindings"):
        return False
    if event.verb not in ("create", "update", "patch"):
        return False
    obj = event.request_object or {}
    ref = obj.get("roleRef")
    return isinstance(ref, dict) and ref.get("name") == "cluster-admin"


class AuditWatcher:
    """Keeps which identities have read secrets, to tell a new reader."""

    def __init__(self) -> None:
        self._readers: set[tuple[str, str]] = set()
        self._warm: bool = False

    def check(self, event: AuditEvent, ref: str) -> list[Detection]:
        out: list[Detection] = []
        ok = 200 <= event.code < 300 or event.code == 101
        who = event.user or "-"

        def add(kind: str, rule: str) -> None:
            out.append(Detection(ref, who, kind, rule, _request(event), event.time))

        if not ok:
            return out
        anonymous = event.user in _ANONYMOUS or _UNAUTHENTICATED in event.groups
        if anonymous and not event.uri.startswith(_PUBLIC_PATHS):
            add("k8s-anonymous", "RT-K8S-ANONYMOUS")
        if event.resource == "pods" and event.subresource in ("exec", "attach"):
            add("k8s-exec", "RT-K8S-EXEC")
        if event.resource == "secrets" and event.verb in _READS:
            key = (who, event.namespace)
            if key not in self._readers:
                if len(self._readers) < _MAX_READERS:
                    self._readers.add(key)
                if not who.startswith("system:") or who.startswith("system:serviceaccount:"):
                    add("k8s-secret-read", "RT-K8S-SECRET-READ")
        if _binds_cluster_admin(event):
            add("k8s-cluster-admin", "RT-K8S-CLUSTER-ADMIN")
        return out
