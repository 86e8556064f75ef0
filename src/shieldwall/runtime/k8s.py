"""Kubernetes audit events: what only runtime sees (exec into pods, secrets read
by a new identity, anonymous successes, cluster-admin bindings)."""

from __future__ import annotations

from typing import Any

from shieldwall.engine.object_check import ObjectCheck
from shieldwall.engine.project_config import ProjectConfig
from shieldwall.model import Severity
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


_WRITES = ("create", "update", "patch")


def _written_object(event: AuditEvent) -> dict[str, Any] | None:
    """The object a create/update/patch left: the stored one when the audit
    level logged it, else the request's body when it is a whole object."""
    if event.verb not in _WRITES or event.subresource:
        return None
    for candidate in (event.response_object, event.request_object):
        if candidate and candidate.get("kind") and candidate.get("kind") != "Status":
            return candidate
    return None


class AuditWatcher:
    """Keeps which identities have read secrets, to tell a new reader, and
    judges written objects with the config analyzer's rules (as `scan` and the
    admission webhook do), reporting findings at or above the gate."""

    def __init__(self, project: ProjectConfig | None = None) -> None:
        self._readers: set[tuple[str, str]] = set()
        self._objects: ObjectCheck | None = None
        self._project = project
        self._min_rank = Severity.HIGH.rank

    def _check_object(self, event: AuditEvent, obj: dict[str, Any], ref: str) -> list[Detection]:
        if self._objects is None:
            self._objects = ObjectCheck(self._project)
            if self._objects.fail_on is not None:
                self._min_rank = self._objects.fail_on.rank
        verdict = self._objects.judge(obj, source=ref)
        who = event.user or "-"
        return [
            Detection(
                ref,
                who,
                "k8s-config",
                f.rule.id,
                f"{_request(event)}: {f.message}",
                event.time,
            )
            for f in verdict.active
            if f.rule.severity.rank >= self._min_rank
        ]

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
        written = _written_object(event)
        if written is not None:
            out.extend(self._check_object(event, written, ref))
        return out
