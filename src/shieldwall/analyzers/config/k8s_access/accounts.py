"""The service accounts workloads run as, resolved across objects: workload ->
ServiceAccount -> RoleBinding/ClusterRoleBinding -> Role/ClusterRole."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.k8s_access.bindings import _role_ref, _Subject, _subjects
from shieldwall.analyzers.config.k8s_access.common import _BINDINGS, _RBAC_GOOD, _SA, _SA_TASK
from shieldwall.analyzers.config.k8s_access.roles import _is_admin_like
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import Workload, get_map, get_seq
from shieldwall.sources.yaml_tree import YMap

K8S_SA_ADMIN_WORKLOAD = config_rule(
    id="K8S-SA-ADMIN-WORKLOAD",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    title="Workload runs as a service account with admin rights",
    description=(
        "The workload's service account is bound to cluster-admin or to a role with "
        "wildcard verbs or resources, and its token is available in the pod: whoever "
        "compromises the application controls the cluster (or the namespace). Reported on "
        "the workload; the binding and role are reported by their own rules."
    ),
    remediation=(
        "Give the workload its own service account bound to a role with only the verbs and "
        "resources it uses; set `automountServiceAccountToken: false` if it needs none."
    ),
    applies_to=("workload",),
    cwe=("CWE-250", "CWE-269"),
    references=(_RBAC_GOOD, _SA),
)
K8S_DEFAULT_SA_TOKEN = config_rule(
    id="K8S-DEFAULT-SA-TOKEN",
    control=Control.ACCESS_CONTROL,
    severity=Severity.MEDIUM,
    title="Workload runs as the default service account with its token mounted",
    description=(
        "The pod uses the namespace's `default` service account (serviceAccountName unset "
        "or `default`) and gets its token mounted: its identity is shared with every other "
        "such pod, and the token is there to steal even if the application never calls the API."
    ),
    remediation=(
        "Create a ServiceAccount per workload, and set `automountServiceAccountToken: false` "
        "on the pod (or on the `default` ServiceAccount) when the API is not used."
    ),
    applies_to=("workload",),
    cwe=("CWE-284",),
    references=(_SA, _SA_TASK),
)
K8S_SA_TOKEN_AUTOMOUNT = config_rule(
    id="K8S-SA-TOKEN-AUTOMOUNT",
    control=Control.ACCESS_CONTROL,
    severity=Severity.MEDIUM,
    title="Service account token mounted in a pod that does not use the API",
    description=(
        "The pod mounts its service-account token although no RoleBinding or "
        "ClusterRoleBinding in the scanned files grants that account anything: a token the "
        "application does not need, available to anyone who compromises it. A pod whose "
        "Vault agent logs in with the token (`vault.hashicorp.com/agent-inject`) uses it."
    ),
    remediation=(
        "Set `automountServiceAccountToken: false` on the pod or its ServiceAccount; mount "
        "a projected token only where the API is used."
    ),
    applies_to=("workload",),
    cwe=("CWE-284",),
    references=(_SA, _SA_TASK),
)
K8S_SA_SHARED = config_rule(
    id="K8S-SA-SHARED",
    control=Control.ACCESS_CONTROL,
    severity=Severity.LOW,
    title="Service account shared by several workloads",
    description=(
        "Workloads sharing one service account share its permissions and identity: each "
        "gets the union of what the others need, and audit logs cannot tell them apart."
    ),
    remediation="Give each workload its own ServiceAccount.",
    applies_to=("workload",),
    cwe=("CWE-284",),
    references=(_SA, _RBAC_GOOD),
)


@dataclass
class _AccountIndex:
    """Who is bound to what, by service account (namespace, name)."""

    bound: set[tuple[str, str]] = field(default_factory=set)
    bound_namespaces: set[str] = field(default_factory=set)  # system:serviceaccounts:<ns>
    all_bound: bool = False  # system:serviceaccounts
    admin: dict[tuple[str, str], str] = field(default_factory=dict)  # -> reason
    admin_namespaces: dict[str, str] = field(default_factory=dict)
    admin_all: str = ""
    accounts: dict[tuple[str, str], K8sObject] = field(default_factory=dict)

    def is_bound(self, ns: str, name: str) -> bool:
        return self.all_bound or ns in self.bound_namespaces or (ns, name) in self.bound

    def admin_reason(self, ns: str, name: str) -> str:
        return self.admin.get((ns, name)) or self.admin_namespaces.get(ns) or self.admin_all


def _index_accounts(ctx: ConfigContext) -> _AccountIndex:
    index = _AccountIndex()
    roles = {(o.namespace, o.name): o for o in ctx.objects("Role")}
    cluster_roles = {o.name: o for o in ctx.objects("ClusterRole")}
    for sa in ctx.objects("ServiceAccount"):
        index.accounts[(sa.namespace, sa.name)] = sa
    for binding in ctx.objects(*_BINDINGS):
        kind, name, _ = _role_ref(binding)
        if kind == "ClusterRole":
            role = cluster_roles.get(name)
        else:
            role = roles.get((binding.namespace, name))
        reason = ""
        if kind == "ClusterRole" and name == "cluster-admin":
            reason = f"cluster-admin through {binding.id}"
        elif role is not None and _is_admin_like(role):
            reason = f"the wildcard role {role.id} (writes any resource) through {binding.id}"
        for s in _subjects(binding):
            _record(index, s, reason)
    return index


def _record(index: _AccountIndex, s: _Subject, reason: str) -> None:
    if s.kind == "ServiceAccount":
        index.bound.add((s.namespace, s.name))
        if reason:
            index.admin.setdefault((s.namespace, s.name), reason)
    elif s.kind == "Group" and s.name == "system:serviceaccounts":
        index.all_bound = True
        index.admin_all = index.admin_all or reason
    elif s.kind == "Group" and s.name.startswith("system:serviceaccounts:"):
        ns = s.name.removeprefix("system:serviceaccounts:")
        index.bound_namespaces.add(ns)
        if reason:
            index.admin_namespaces.setdefault(ns, reason)


@dataclass(frozen=True, slots=True)
class _PodIdentity:
    account: str
    account_line: int  # 0 when serviceAccountName is not written
    automount: bool
    automount_line: int  # line of an explicit `automountServiceAccountToken: true`
    projected_token: bool


def _identity(w: Workload, index: _AccountIndex) -> _PodIdentity:
    spec = w.pod_spec
    account, account_line = "default", 0
    for key in ("serviceAccountName", "serviceAccount"):
        if key in spec:
            value = spec.get(key)
            account_line = spec.line_of(key)
            if isinstance(value, str) and value.strip():
                account = value.strip()
            break
    pod_value = spec.get("automountServiceAccountToken")
    automount_line = spec.line_of("automountServiceAccountToken") if pod_value is True else 0
    if isinstance(pod_value, bool):
        automount = pod_value
    else:
        sa = index.accounts.get((w.namespace, account))
        sa_value = sa.body.get("automountServiceAccountToken") if sa is not None else None
        automount = sa_value is not False
    projected = any(
        isinstance(source, YMap) and "serviceAccountToken" in source
        for vol in w.volumes()
        for source in get_seq(vol, "projected", "sources")
    )
    return _PodIdentity(account, account_line, automount, automount_line, projected)


def _identity_line(w: Workload, ident: _PodIdentity) -> int:
    if ident.automount_line:
        return ident.automount_line
    if ident.account_line:
        return ident.account_line
    return w.template.line_of("spec")


def _workload_hits(w: Workload, ident: _PodIdentity, index: _AccountIndex) -> Iterator[Hit]:
    line = _identity_line(w, ident)
    key = f"serviceAccount[{ident.account}]"
    token_available = ident.automount or ident.projected_token
    reason = index.admin_reason(w.namespace, ident.account)
    if reason and token_available:
        yield Hit(
            K8S_SA_ADMIN_WORKLOAD,
            w.path,
            ident.account_line or line,
            w.id,
            f"{w.id} runs as service account {ident.account!r}, bound to {reason}",
            key,
        )
    if not ident.automount:
        return
    if ident.account == "default":
        yield Hit(
            K8S_DEFAULT_SA_TOKEN,
            w.path,
            line,
            w.id,
            f"{w.id} runs as the default service account with its token mounted",
            key,
        )
    elif not index.is_bound(w.namespace, ident.account) and not _token_logs_in_elsewhere(w):
        yield Hit(
            K8S_SA_TOKEN_AUTOMOUNT,
            w.path,
            line,
            w.id,
            f"{w.id} mounts the token of service account {ident.account!r}, which no "
            "binding in the scanned files grants any permission",
            key,
        )


# Pod annotations of Vault's agent injector: the injected agent logs in to Vault
# with the pod's service-account token (Vault's Kubernetes auth method), so the
# token is used although no RBAC binding grants the account anything.
_VAULT_AGENT_INJECT = "vault.hashicorp.com/agent-inject"


def _token_logs_in_elsewhere(w: Workload) -> bool:
    """Whether the pod's token is its login to another system (Vault's agent)."""
    annotations = get_map(w.template, "metadata", "annotations")
    value = annotations.get(_VAULT_AGENT_INJECT) if annotations is not None else None
    return str(value).strip().lower() == "true"


def _shared_account_hits(
    identities: list[tuple[Workload, _PodIdentity]],
) -> Iterator[Hit]:
    users: dict[tuple[str, str], list[tuple[Workload, _PodIdentity]]] = defaultdict(list)
    for w, ident in identities:
        if ident.account != "default":
            users[(w.namespace, ident.account)].append((w, ident))
    for (_, account), group in users.items():
        if len(group) < 2:
            continue
        for w, ident in group:
            # The same workload defined in several files is named once, never with itself.
            distinct = list(dict.fromkeys(o.id for o, _ in group if o.id != w.id))
            more = len(distinct) - len(distinct[:3])
            shown = ", ".join(distinct[:3]) + (f" and {more} more" if more else "")
            shown = shown or "another definition of the same workload"
            yield Hit(
                K8S_SA_SHARED,
                w.path,
                ident.account_line or w.template.line_of("spec"),
                w.id,
                f"{w.id} shares service account {account!r} with {shown}",
                f"serviceAccount[{account}]",
            )


RULES: tuple[Rule, ...] = (
    K8S_SA_ADMIN_WORKLOAD,
    K8S_DEFAULT_SA_TOKEN,
    K8S_SA_TOKEN_AUTOMOUNT,
    K8S_SA_SHARED,
)
