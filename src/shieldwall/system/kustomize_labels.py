"""The labels a kustomization adds (`commonLabels:`, `labels:` with
`includeTemplates` / `includeSelectors`), written into the objects it deploys as
`kustomize build` would: every object's metadata, pod templates, and the
selectors that must keep matching them (a workload's `selector.matchLabels`, a
Service's `selector`, a NetworkPolicy's pod selectors). So the selector matching
of NetworkPolicies and Services, and the messages that show a pod's labels, see
the labels the cluster will see. Patches, namespace and names: `kustomize_build`."""

from __future__ import annotations

from collections.abc import Iterable

from shieldwall.sources.manifests import Inventory, K8sObject
from shieldwall.sources.workloads import workload_of
from shieldwall.sources.yaml_tree import YMap, YSeq
from shieldwall.system.units import LabelSet, kustomize_labels

# Kinds whose `spec.selector.matchLabels` selects their own pods (kustomize's defaults).
_SELECTING_WORKLOADS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"})


def apply_kustomize_labels(inventory: Inventory) -> None:
    """Add the labels of the kustomizations deploying each file to its objects (to
    a build's copy, those of the kustomizations of that build)."""
    by_build = kustomize_labels(inventory)
    if not by_build:
        return
    for obj in inventory.kubernetes:
        if obj.kind in ("Kustomization", "Component"):  # the kustomization file itself
            continue
        for labels in by_build.get(obj.root, {}).get(obj.path, ()):
            _label(obj, labels)


def _child(parent: YMap, key: str) -> YMap | None:
    """`parent[key]`, made an empty mapping (at the parent's line) when absent."""
    value = parent.get(key)
    if value is None:
        value = YMap(parent.line)
        parent[key] = value
        parent.key_lines[key] = parent.line
    return value if isinstance(value, YMap) else None


def _put(target: YMap | None, pairs: Iterable[tuple[str, str]]) -> None:
    if target is None:
        return
    for key, value in pairs:
        if key not in target:
            target.key_lines[key] = target.line
        target[key] = value


def _path(node: YMap | None, *keys: str) -> YMap | None:
    for key in keys:
        if node is None:
            return None
        node = _child(node, key)
    return node


def _label(obj: K8sObject, labels: LabelSet) -> None:
    _put(_path(obj.body, "metadata", "labels"), labels.pairs)
    workload = workload_of(obj)
    if labels.templates and workload is not None and workload.template is not obj.body:
        _put(_path(workload.template, "metadata", "labels"), labels.pairs)
    if not labels.selectors:
        return
    spec = obj.body.get("spec")
    if not isinstance(spec, YMap):
        return
    if obj.kind in _SELECTING_WORKLOADS:
        _put(_path(spec, "selector", "matchLabels"), labels.pairs)
    elif obj.kind == "Service" and isinstance(spec.get("selector"), YMap):
        _put(_path(spec, "selector"), labels.pairs)  # not created: none selects no pods
    elif obj.kind == "NetworkPolicy":
        # Only where matchLabels is written: kustomize does not create it here, so a
        # policy selecting every pod (`podSelector: {}`) keeps doing so.
        selectors = [spec.get("podSelector")] + [
            peer.get("podSelector")
            for direction, peers in (("ingress", "from"), ("egress", "to"))
            for rule in _maps(spec.get(direction))
            for peer in _maps(rule.get(peers))
        ]
        for selector in selectors:
            if isinstance(selector, YMap) and isinstance(selector.get("matchLabels"), YMap):
                _put(_path(selector, "matchLabels"), labels.pairs)


def _maps(value: object) -> list[YMap]:
    return [v for v in value if isinstance(v, YMap)] if isinstance(value, YSeq) else []
