"""kustomize's `vars:` (deprecated for `replacements:`, still common): a var
names a field of one object (`objref` kind, name, apiVersion; `fieldref`
`fieldpath`, default `metadata.name`), read after every transformation (a
generated name with its hash), and `$(NAME)` is replaced by it in the fields
kustomize's default `varReference` lists: labels and annotations,
containers' and init containers' `command`, `args`, `env` values and
`volumeMounts` mount paths (in a Pod, Deployment, StatefulSet, DaemonSet,
ReplicaSet, Job or CronJob: not a ReplicationController), an Ingress's rule
hosts, TLS hosts and TLS secret names, a Service's ports' `port` and
`targetPort` (a number when the field is one var whose value is digits, as
kustomize keeps the number's type). A `$(NAME)` no var defines is left as
written, as kustomize leaves it; a ConfigMap's data is not read. The value
keeps the line of the field it is written in. A kustomization's own
`configurations:` (more fields) are not read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import workload_of
from shieldwall.sources.yaml_tree import YMap, YSeq
from shieldwall.system.kustomize_replace import find

_VAR = re.compile(r"\$\(([A-Za-z0-9_.\-]+)\)")
_INDEX = re.compile(r"\[(\d+)\]")


def var_path(fieldpath: str) -> str:
    """`spec.ports[0].port` as a replacement's field path: `spec.ports.0.port`."""
    return _INDEX.sub(r".\1", fieldpath)


def var_value(obj: K8sObject, fieldref: object) -> str | None:
    """The text of the field a var names in `obj`, or None (absent, not a scalar)."""
    path = fieldref.get("fieldpath") if isinstance(fieldref, YMap) else None
    places = find(obj.body, var_path(str(path or "metadata.name")))
    if len(places) != 1 or isinstance(places[0].value, (YMap, YSeq)):
        return None
    value = places[0].value
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _strings(node: object) -> Iterator[tuple[Any, Any]]:
    """(container, key) of each string in a map's values or a list's items."""
    if isinstance(node, YMap):
        yield from ((node, k) for k, v in node.items() if isinstance(v, str))
    elif isinstance(node, YSeq):
        yield from ((node, i) for i, v in enumerate(node) if isinstance(v, str))


def _fields(obj: K8sObject) -> Iterator[tuple[Any, Any]]:
    meta = obj.body.get("metadata")
    if isinstance(meta, YMap):
        yield from _strings(meta.get("labels"))
        yield from _strings(meta.get("annotations"))
    workload = workload_of(obj) if obj.kind != "ReplicationController" else None
    if workload is not None:
        for field in ("containers", "initContainers"):
            containers = workload.pod_spec.get(field)
            for c in containers if isinstance(containers, YSeq) else ():
                if not isinstance(c, YMap):
                    continue
                yield from _strings(c.get("command"))
                yield from _strings(c.get("args"))
                for key, field in (("env", "value"), ("volumeMounts", "mountPath")):
                    yield from _each(c.get(key), field)
    spec = obj.body.get("spec")
    if obj.kind == "Ingress" and isinstance(spec, YMap):
        yield from _each(spec.get("rules"), "host")
        yield from _each(spec.get("tls"), "secretName")
        tls = spec.get("tls")
        for entry in tls if isinstance(tls, YSeq) else ():
            if isinstance(entry, YMap):
                yield from _strings(entry.get("hosts"))
    if obj.kind == "Service" and isinstance(spec, YMap):
        yield from _each(spec.get("ports"), "port")
        yield from _each(spec.get("ports"), "targetPort")


def _each(items: object, field: str) -> Iterator[tuple[Any, Any]]:
    """(item, field) of each map in a list whose `field` is a string."""
    for item in items if isinstance(items, YSeq) else ():
        if isinstance(item, YMap) and isinstance(item.get(field), str):
            yield item, field


def substitute(obj: K8sObject, values: dict[str, str]) -> None:
    """Replace `$(NAME)` by each var's value in the fields vars reach."""
    for parent, key in list(_fields(obj)):
        text = parent[key]
        if "$(" in text:
            new = _VAR.sub(lambda m: values.get(m.group(1), m.group(0)), text)
            whole = _VAR.fullmatch(text)
            number = key in ("port", "targetPort") and whole is not None and new.isdigit()
            parent[key] = int(new) if number else new
