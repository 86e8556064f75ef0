"""Secure defaults as a JSONPatch (RFC 6902), only where the object leaves a
field unset: runAsNonRoot, allowPrivilegeEscalation: false, drop ALL
capabilities, seccompProfile RuntimeDefault, automountServiceAccountToken:
false. An explicit value is never changed, and nothing is added that the API
server would refuse (allowPrivilegeEscalation: false on a privileged container)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

# Where each workload kind keeps its pod spec (JSON pointer parts).
POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}

Patch = dict[str, Any]


def _pointer(parts: tuple[str | int, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def pod_spec(obj: Mapping[str, Any]) -> tuple[tuple[str, ...], Mapping[str, Any]] | None:
    parts = POD_SPEC_PATHS.get(str(obj.get("kind")))
    if parts is None:
        return None
    node: Any = obj
    for part in parts:
        node = node.get(part) if isinstance(node, Mapping) else None
    return (parts, node) if isinstance(node, Mapping) else None


def _set(base: tuple[str | int, ...], field: str, value: Any) -> Patch:
    return {"op": "add", "path": _pointer((*base, field)), "value": value}


def _container(
    base: tuple[str | int, ...], c: Mapping[str, Any], pod_sc: Mapping[str, Any]
) -> Iterator[Patch]:
    sc = c.get("securityContext")
    wanted: dict[str, Any] = {}
    current = _map(sc)
    privileged = current.get("privileged") is True
    caps = _map(current.get("capabilities"))
    adds_sys_admin = "SYS_ADMIN" in [str(x).upper() for x in caps.get("add") or ()]
    if "allowPrivilegeEscalation" not in current and not privileged and not adds_sys_admin:
        wanted["allowPrivilegeEscalation"] = False
    user_set = any(k in d for d in (current, pod_sc) for k in ("runAsNonRoot", "runAsUser"))
    if not user_set:
        wanted["runAsNonRoot"] = True
    if not isinstance(sc, Mapping):
        yield _set(base, "securityContext", {**wanted, "capabilities": {"drop": ["ALL"]}})
        return
    sc_base = (*base, "securityContext")
    for field, value in wanted.items():
        yield _set(sc_base, field, value)
    if "capabilities" not in current:
        yield _set(sc_base, "capabilities", {"drop": ["ALL"]})
    elif isinstance(current.get("capabilities"), Mapping) and "drop" not in caps:
        yield _set((*sc_base, "capabilities"), "drop", ["ALL"])


def secure_defaults(obj: Mapping[str, Any]) -> list[Patch]:
    """The patch setting the secure defaults this object leaves unset ([] if none)."""
    found = pod_spec(obj)
    if found is None:
        return []
    parts, spec = found
    base: tuple[str | int, ...] = parts
    out: list[Patch] = []
    pod_sc = _map(spec.get("securityContext"))
    if "automountServiceAccountToken" not in spec:
        out.append(_set(base, "automountServiceAccountToken", False))
    containers = [
        (field, i, c)
        for field in ("initContainers", "containers")
        for i, c in enumerate(spec.get(field) or ())
        if isinstance(c, Mapping)
    ]
    seccomp_set = "seccompProfile" in pod_sc or any(
        "seccompProfile" in _map(c.get("securityContext")) for _, _, c in containers
    )
    if not seccomp_set:
        profile = {"type": "RuntimeDefault"}
        if isinstance(spec.get("securityContext"), Mapping):
            out.append(_set((*base, "securityContext"), "seccompProfile", profile))
        else:
            out.append(_set(base, "securityContext", {"seccompProfile": profile}))
    for field, i, c in containers:
        out.extend(_container((*base, field, i), c, pod_sc))
    return out
