"""Who a binding grants to: cluster-admin, anonymous and everyone, default service
accounts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.k8s_access.common import _BINDINGS, _RBAC, _RBAC_GOOD, _SA
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import get_map, get_seq
from shieldwall.sources.yaml_tree import YMap

K8S_RBAC_CLUSTER_ADMIN_BINDING = config_rule(
    id="K8S-RBAC-CLUSTER-ADMIN-BINDING",
    control=Control.ACCESS_CONTROL,
    severity=Severity.HIGH,
    title="Binding grants cluster-admin",
    description=(
        "cluster-admin can do anything in every namespace; a binding to it outside the "
        "built-in system:masters group makes its subjects a single point of total compromise."
    ),
    remediation=(
        "Bind a role with only the permissions needed; keep cluster-admin for break-glass "
        "accounts managed centrally."
    ),
    applies_to=_BINDINGS,
    cwe=("CWE-269",),
    references=(_RBAC, _RBAC_GOOD),
)
K8S_RBAC_ANONYMOUS_SUBJECT = config_rule(
    id="K8S-RBAC-ANONYMOUS-SUBJECT",
    control=Control.ACCESS_CONTROL,
    severity=Severity.CRITICAL,
    title="Binding grants rights to anonymous or all users",
    description=(
        "system:anonymous and system:unauthenticated are requests without credentials; "
        "system:authenticated is every identity the cluster knows, service accounts of all "
        "namespaces included. Binding a role to them gives it to everyone."
    ),
    remediation="Bind the role to named users, groups or service accounts instead.",
    applies_to=_BINDINGS,
    cwe=("CWE-306", "CWE-269"),
    references=(_RBAC,),
)
K8S_RBAC_DEFAULT_SA_BINDING = config_rule(
    id="K8S-RBAC-DEFAULT-SA-BINDING",
    control=Control.ACCESS_CONTROL,
    severity=Severity.MEDIUM,
    title="Binding grants rights to a default service account",
    description=(
        "Every pod of a namespace that names no service account runs as `default`: rights "
        "bound to it are silently given to all of them."
    ),
    remediation=(
        "Create a dedicated ServiceAccount for the workload that needs the rights and bind "
        "the role to it."
    ),
    applies_to=_BINDINGS,
    cwe=("CWE-269",),
    references=(_SA, _RBAC_GOOD),
)
_EVERYONE = frozenset({"system:anonymous", "system:unauthenticated", "system:authenticated"})
# Built-in roles that the API server itself binds to everyone (discovery, version).
_PUBLIC_ROLES = frozenset({"system:discovery", "system:basic-user", "system:public-info-viewer"})


_READ_VERBS = frozenset({"get", "list", "watch"})


def _reads_named_objects_only(role: K8sObject) -> bool:
    """Every rule of the role reads objects named in `resourceNames`, none of them a
    Secret: what tekton's `pipelines-info` Role gives everyone (one ConfigMap's
    version), the shape of the built-in public-info roles."""
    rules = [r for r in get_seq(role.body, "rules") if isinstance(r, YMap)]
    if not rules or get_map(role.body, "aggregationRule") is not None:
        return False
    for rule in rules:
        verbs = {str(v).lower() for v in get_seq(rule, "verbs")}
        resources = {str(r).lower() for r in get_seq(rule, "resources")}
        names = [n for n in get_seq(rule, "resourceNames") if str(n) not in ("", "*")]
        if not verbs or not verbs <= _READ_VERBS or not names or not resources:
            return False
        if resources & {"*", "secrets"} or get_seq(rule, "nonResourceURLs"):
            return False
    return True


def _granted_role(
    binding: K8sObject, roles: Mapping[tuple[str, str, str], K8sObject]
) -> K8sObject | None:
    kind, name, _ = _role_ref(binding)
    namespace = (binding.namespace or "default") if kind == "Role" else ""
    return roles.get((kind, name, namespace))


def index_roles(objects: Iterable[K8sObject]) -> dict[tuple[str, str, str], K8sObject]:
    """Roles by (kind, name, namespace), ClusterRoles with no namespace."""
    found: dict[tuple[str, str, str], K8sObject] = {}
    for role in objects:
        namespace = (role.namespace or "default") if role.kind == "Role" else ""
        found.setdefault((role.kind, role.name, namespace), role)
    return found


@dataclass(frozen=True, slots=True)
class _Subject:
    kind: str
    name: str
    namespace: str
    line: int


def _subjects(binding: K8sObject) -> Iterator[_Subject]:
    for item in get_seq(binding.body, "subjects"):
        if not isinstance(item, YMap):
            continue
        kind = str(item.get("kind", ""))
        name = str(item.get("name", ""))
        ns = str(item.get("namespace") or binding.namespace or "default")
        yield _Subject(kind, name, ns, item.line_of("name"))


def _role_ref(binding: K8sObject) -> tuple[str, str, int]:
    ref = get_map(binding.body, "roleRef")
    if ref is None:
        return "", "", binding.line
    return str(ref.get("kind", "")), str(ref.get("name", "")), ref.line_of("name")


def _binding_hits(
    binding: K8sObject, roles: Mapping[tuple[str, str, str], K8sObject]
) -> Iterator[Hit]:
    kind, name, ref_line = _role_ref(binding)
    subjects = list(_subjects(binding))
    granted = _granted_role(binding, roles)
    public = name in _PUBLIC_ROLES or (granted is not None and _reads_named_objects_only(granted))
    if kind == "ClusterRole" and name == "cluster-admin":
        builtin = subjects and all(
            s.kind == "Group" and s.name == "system:masters" for s in subjects
        )
        if not builtin:
            yield Hit(
                K8S_RBAC_CLUSTER_ADMIN_BINDING,
                binding.path,
                ref_line,
                binding.id,
                f"{binding.id} grants cluster-admin",
                "roleRef",
            )
    for s in subjects:
        if s.name in _EVERYONE and s.kind in ("User", "Group") and not public:
            yield Hit(
                K8S_RBAC_ANONYMOUS_SUBJECT,
                binding.path,
                s.line,
                binding.id,
                f"{binding.id} grants {kind} {name!r} to {s.name}",
                f"subjects[{s.name}]",
            )
        if s.kind == "ServiceAccount" and s.name == "default":
            yield Hit(
                K8S_RBAC_DEFAULT_SA_BINDING,
                binding.path,
                s.line,
                binding.id,
                f"{binding.id} grants {kind} {name!r} to the default service account "
                f"of namespace {s.namespace}",
                f"subjects[{s.namespace}/default]",
            )


RULES: tuple[Rule, ...] = (
    K8S_RBAC_CLUSTER_ADMIN_BINDING,
    K8S_RBAC_ANONYMOUS_SUBJECT,
    K8S_RBAC_DEFAULT_SA_BINDING,
)
