"""References by name that `namePrefix` / `nameSuffix` rename with what they name,
as kustomize's name references do: in pod specs the ServiceAccount, ConfigMaps,
Secrets and claims; a binding's role and ServiceAccount subjects; an Ingress's
Services; a StatefulSet's governing Service. Only names of objects renamed in the
same kustomization change (a reference to something not built stays as written)."""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import get_map as _get
from shieldwall.sources.workloads import workload_of
from shieldwall.sources.yaml_tree import YMap, YSeq

Renames = dict[tuple[str, str], str]  # (kind, old name) -> new name


def _maps(value: object) -> Iterator[YMap]:
    if isinstance(value, YSeq):
        yield from (v for v in value if isinstance(v, YMap))


def _rename(node: YMap | None, key: str, kind: str, renames: Renames, line: int) -> None:
    if node is None:
        return
    old = node.get(key)
    new = renames.get((kind, old)) if isinstance(old, str) else None
    if new is not None:
        node[key] = new
        node.key_lines[key] = line


def _pod_refs(spec: YMap) -> Iterator[tuple[YMap | None, str, str]]:
    yield spec, "serviceAccountName", "ServiceAccount"
    yield spec, "serviceAccount", "ServiceAccount"
    for secret in _maps(spec.get("imagePullSecrets")):
        yield secret, "name", "Secret"
    for volume in _maps(spec.get("volumes")):
        yield _get(volume, "configMap"), "name", "ConfigMap"
        yield _get(volume, "secret"), "secretName", "Secret"
        yield _get(volume, "persistentVolumeClaim"), "claimName", "PersistentVolumeClaim"
        for source in _maps((_get(volume, "projected") or YMap(0)).get("sources")):
            yield _get(source, "configMap"), "name", "ConfigMap"
            yield _get(source, "secret"), "name", "Secret"
    for field in ("containers", "initContainers", "ephemeralContainers"):
        for container in _maps(spec.get(field)):
            for env in _maps(container.get("env")):
                yield _get(env, "valueFrom", "configMapKeyRef"), "name", "ConfigMap"
                yield _get(env, "valueFrom", "secretKeyRef"), "name", "Secret"
            for source in _maps(container.get("envFrom")):
                yield _get(source, "configMapRef"), "name", "ConfigMap"
                yield _get(source, "secretRef"), "name", "Secret"


def _refs(obj: K8sObject) -> Iterator[tuple[YMap | None, str, str]]:
    workload = workload_of(obj)
    if workload is not None:
        yield from _pod_refs(workload.pod_spec)
    body = obj.body
    if obj.kind in ("RoleBinding", "ClusterRoleBinding"):
        ref = _get(body, "roleRef")
        if ref is not None:
            yield ref, "name", str(ref.get("kind") or "")
        for subject in _maps(body.get("subjects")):
            if subject.get("kind") == "ServiceAccount":
                yield subject, "name", "ServiceAccount"
    elif obj.kind == "Ingress":
        yield _get(body, "spec", "defaultBackend", "service"), "name", "Service"
        yield _get(body, "spec", "backend"), "serviceName", "Service"
        for rule in _maps((_get(body, "spec") or YMap(0)).get("rules")):
            for path in _maps((_get(rule, "http") or YMap(0)).get("paths")):
                yield _get(path, "backend", "service"), "name", "Service"
                yield _get(path, "backend"), "serviceName", "Service"
    elif obj.kind == "StatefulSet":
        yield _get(body, "spec"), "serviceName", "Service"


def rename_references(obj: K8sObject, renames: Renames, line: int) -> None:
    """Rewrite the names `obj` refers to that were renamed (at the line given)."""
    for node, key, kind in list(_refs(obj)):
        _rename(node, key, kind, renames, line)
