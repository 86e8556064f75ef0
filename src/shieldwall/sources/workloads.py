"""Views over Kubernetes workloads: the pod spec of every workload kind, its
containers of all three sorts, and securityContext fields with the pod/container
precedence Kubernetes applies. Also label selector matching."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.yaml_tree import YMap, YSeq

# kind -> path from the object body to the pod template (metadata + spec)
_TEMPLATE_PATH: dict[str, tuple[str, ...]] = {
    "Pod": (),
    "PodTemplate": ("template",),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}
# Knative kinds, keyed by API group as well: a Knative `Service` is a workload.
_KNATIVE_TEMPLATE_PATH: dict[tuple[str, str], tuple[str, ...]] = {
    ("serving.knative.dev", "Service"): ("spec", "template"),
    ("serving.knative.dev", "Configuration"): ("spec", "template"),
    ("serving.knative.dev", "Revision"): (),
    ("sources.knative.dev", "ContainerSource"): ("spec", "template"),
}
WORKLOAD_KINDS = frozenset(_TEMPLATE_PATH)
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")

# securityContext fields that exist at both levels; the container's value wins.
SHARED_SECURITY_FIELDS = frozenset(
    {
        "runAsUser",
        "runAsGroup",
        "runAsNonRoot",
        "seLinuxOptions",
        "seccompProfile",
        "appArmorProfile",
        "windowsOptions",
    }
)


def get_map(node: Any, *path: str) -> YMap | None:
    for key in path:
        if not isinstance(node, YMap):
            return None
        node = node.get(key)
    return node if isinstance(node, YMap) else None


def get_seq(node: Any, *path: str) -> YSeq:
    parent = get_map(node, *path[:-1]) if len(path) > 1 else node
    if isinstance(parent, YMap):
        value = parent.get(path[-1])
        if isinstance(value, YSeq):
            return value
    return YSeq(parent.line if isinstance(parent, YMap) else 1)


def string_items(node: YMap, key: str) -> list[tuple[str, int]]:
    """(value, line) of the strings under ``key``: a list, or one scalar."""
    value = node.get(key)
    if isinstance(value, YSeq):
        return [(str(v), value.line_of(i)) for i, v in enumerate(value) if isinstance(v, str)]
    if isinstance(value, str):
        return [(value, node.line_of(key))]
    return []


@dataclass(frozen=True, slots=True)
class Setting:
    """An effective value and the line that decides it (0 when unset)."""

    value: Any
    line: int
    level: str  # "container" | "pod" | "unset"

    @property
    def is_set(self) -> bool:
        return self.level != "unset"


@dataclass(frozen=True, slots=True)
class Container:
    workload: Workload
    body: YMap
    list_name: str  # containers | initContainers | ephemeralContainers
    index: int

    @property
    def name(self) -> str:
        return str(self.body.get("name") or f"#{self.index}")

    @property
    def key(self) -> str:
        """Stable locator for fingerprints: list and container name, never a line."""
        return f"{self.list_name}[{self.name}]"

    @property
    def line(self) -> int:
        """Line of the container's ``name`` (or its first key)."""
        return self.body.line_of("name")

    @property
    def image(self) -> str:
        image = self.body.get("image")
        return str(image) if image is not None else ""

    @property
    def security_context(self) -> YMap | None:
        return get_map(self.body, "securityContext")

    def security(self, field: str) -> Setting:
        """Effective securityContext field with Kubernetes' precedence."""
        sc = self.security_context
        if sc is not None and field in sc:
            return Setting(sc[field], sc.line_of(field), "container")
        if field in SHARED_SECURITY_FIELDS:
            psc = self.workload.pod_security_context
            if psc is not None and field in psc:
                return Setting(psc[field], psc.line_of(field), "pod")
        return Setting(None, 0, "unset")

    def missing_line(self) -> int:
        """Where to point when a field is missing: securityContext if present, else name."""
        if "securityContext" in self.body:
            return self.body.line_of("securityContext")
        return self.line


@dataclass(frozen=True, slots=True)
class Workload:
    obj: K8sObject
    template: YMap  # holds metadata + spec of the pod
    pod_spec: YMap
    pod_labels: dict[str, str]

    @property
    def id(self) -> str:
        return self.obj.id

    @property
    def path(self) -> str:
        return self.obj.path

    @property
    def namespace(self) -> str:
        return self.obj.namespace

    @property
    def pod_annotations(self) -> dict[str, str]:
        ann = get_map(self.template, "metadata", "annotations")
        if ann is None:
            return {}
        return {str(k): str(v) for k, v in ann.items()}

    @property
    def pod_security_context(self) -> YMap | None:
        return get_map(self.pod_spec, "securityContext")

    @property
    def spec_line(self) -> int:
        return self.pod_spec.line

    def containers(self, lists: tuple[str, ...] = CONTAINER_LISTS) -> Iterator[Container]:
        for list_name in lists:
            for index, body in enumerate(get_seq(self.pod_spec, list_name)):
                if isinstance(body, YMap):
                    yield Container(self, body, list_name, index)

    def volumes(self) -> Iterator[YMap]:
        for vol in get_seq(self.pod_spec, "volumes"):
            if isinstance(vol, YMap):
                yield vol


def workload_of(obj: K8sObject) -> Workload | None:
    group = obj.api_version.split("/", 1)[0] if "/" in obj.api_version else ""
    if group.endswith("knative.dev"):
        path = _KNATIVE_TEMPLATE_PATH.get((group, obj.kind))
    else:
        path = _TEMPLATE_PATH.get(obj.kind)
    if path is None:
        return None
    template = get_map(obj.body, *path) if path else obj.body
    if template is None:
        return None
    spec = get_map(template, "spec")
    if spec is None:
        return None
    labels = get_map(template, "metadata", "labels")
    pod_labels = {str(k): str(v) for k, v in labels.items()} if labels is not None else {}
    return Workload(obj, template, spec, pod_labels)


def labels_match(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """Equality selector (Service.spec.selector); an empty selector selects nothing."""
    if not selector:
        return False
    return all(labels.get(str(k)) == str(v) for k, v in selector.items())


def label_selector_matches(selector: Any, labels: Mapping[str, str]) -> bool:
    """metav1.LabelSelector semantics: matchLabels AND matchExpressions; {} selects all."""
    if not isinstance(selector, dict):
        return False
    match_labels = selector.get("matchLabels") or {}
    if isinstance(match_labels, dict):
        for k, v in match_labels.items():
            if labels.get(str(k)) != str(v):
                return False
    for expr in selector.get("matchExpressions") or []:
        if not isinstance(expr, dict):
            return False
        key = str(expr.get("key", ""))
        op = str(expr.get("operator", ""))
        values = {str(v) for v in expr.get("values") or []}
        present = key in labels
        if op == "In" and not (present and labels[key] in values):
            return False
        if op == "NotIn" and present and labels[key] in values:
            return False
        if op == "Exists" and not present:
            return False
        if op == "DoesNotExist" and present:
            return False
    return True
