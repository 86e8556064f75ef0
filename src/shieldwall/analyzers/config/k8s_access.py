"""Kubernetes access rules: RBAC roles and bindings, and the service accounts
workloads run as (resolved across objects: workload -> ServiceAccount ->
RoleBinding/ClusterRoleBinding -> Role/ClusterRole).

Division of labour between the service-account rules, so that one workload is
reported once for one cause:

- K8S-DEFAULT-SA-TOKEN: the pod runs as the namespace's `default` account and
  its token is mounted.
- K8S-SA-TOKEN-AUTOMOUNT: the pod runs as its own account, the token is
  mounted, and no binding in the scanned files grants that account anything
  (so the pod does not appear to need the API).
- K8S-SA-ADMIN-WORKLOAD: the account (default or not) is bound to cluster-admin
  or a wildcard role; reported on the workload, because the binding itself is
  already reported by K8S-RBAC-CLUSTER-ADMIN-BINDING / K8S-RBAC-WILDCARD and
  the workload is what an intruder would use.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import Workload, get_map, get_seq, string_items
from shieldwall.sources.yaml_tree import YMap

_RBAC = "https://kubernetes.io/docs/reference/access-authn-authz/rbac/"
_RBAC_GOOD = "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"
_SA = "https://kubernetes.io/docs/concepts/security/service-accounts/"
_SA_TASK = "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/"

_ROLES = ("Role", "ClusterRole")
_BINDINGS = ("RoleBinding", "ClusterRoleBinding")

K8S_RBAC_WILDCARD = config_rule(
    id="K8S-RBAC-WILDCARD",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    title="RBAC rule uses a wildcard",
    description=(
        "`*` in verbs, resources, apiGroups or nonResourceURLs grants everything that "
        "exists now and every resource or verb added later, secrets and RBAC included."
    ),
    remediation="List the exact apiGroups, resources and verbs the subject needs.",
    applies_to=_ROLES,
    cwe=("CWE-269",),
    references=(_RBAC_GOOD,),
)
K8S_RBAC_WILDCARD_SCOPED = config_rule(
    id="K8S-RBAC-WILDCARD-SCOPED",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.LOW,
    title="RBAC rule uses a wildcard confined to named resources or a tool's own API group",
    description=(
        "`*` in verbs on named resources, or in resources of an API group that is not a "
        "built-in Kubernetes group (an operator's own custom resources): it also covers "
        "what is added later, but cannot reach Secrets, "
        "workloads or RBAC. What it grants on built-in resources is reported by the "
        "specific rules (K8S-RBAC-READ-SECRETS, K8S-RBAC-CREATE-PODS...)."
    ),
    remediation="List the exact verbs and resources the subject needs.",
    applies_to=_ROLES,
    cwe=("CWE-269",),
    references=(_RBAC_GOOD,),
)
K8S_RBAC_ADMISSION_WEBHOOKS = config_rule(
    id="K8S-RBAC-ADMISSION-WEBHOOKS",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    title="Role can modify admission webhooks or policies",
    description=(
        "Whoever can create, change or delete webhook configurations or admission policies "
        "can switch off the cluster's policy enforcement, or send every object (Secrets "
        "included) to a webhook of their choice."
    ),
    remediation=(
        "Remove the permission, or restrict it with `resourceNames` to the tool's own "
        "webhook configuration."
    ),
    applies_to=_ROLES,
    cwe=("CWE-269",),
    references=(_RBAC_GOOD,),
)
K8S_RBAC_APPROVE_CSR = config_rule(
    id="K8S-RBAC-APPROVE-CSR",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    title="Role can approve certificate signing requests",
    description=(
        "Update on certificatesigningrequests/approval (or approve on signers) lets the "
        "subject approve its own request for a client certificate, for example one naming "
        "the group system:masters or a node: a credential the API server trusts."
    ),
    remediation="Leave CSR approval to the controller manager and to cluster administrators.",
    applies_to=_ROLES,
    cwe=("CWE-269",),
    references=(_RBAC_GOOD,),
)
K8S_RBAC_MANAGE_NETWORK = config_rule(
    id="K8S-RBAC-MANAGE-NETWORK",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    title="Role can modify Services, Endpoints or NetworkPolicies",
    description=(
        "Changing Services, Endpoints or EndpointSlices redirects traffic meant for other "
        "workloads (CVE-2020-8554 class); changing NetworkPolicies removes the isolation "
        "between them."
    ),
    remediation=(
        "Grant these writes only to the deployment pipeline and network controllers, and "
        "restrict them with `resourceNames` where possible."
    ),
    applies_to=_ROLES,
    cwe=("CWE-269",),
    references=(_RBAC_GOOD, "https://github.com/kubernetes/kubernetes/issues/97076"),
)
K8S_RBAC_READ_SECRETS = config_rule(
    id="K8S-RBAC-READ-SECRETS",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    title="Role can read Secrets",
    description=(
        "get, list or watch on secrets returns their content: every credential of the "
        "namespace (or of the cluster for a ClusterRole), service-account tokens included."
    ),
    remediation=(
        "Remove the permission, or restrict `get` to the named Secrets with `resourceNames`."
    ),
    applies_to=_ROLES,
    cwe=("CWE-269",),
    references=(_RBAC_GOOD,),
)
K8S_RBAC_CREATE_PODS = config_rule(
    id="K8S-RBAC-CREATE-PODS",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    title="Role can create pods or workloads",
    description=(
        "Whoever can create pods (directly or through Deployments, Jobs, DaemonSets...) can "
        "run them as any service account of the namespace and mount any Secret or hostPath "
        "the admission policy allows: an indirect path to every privilege in it."
    ),
    remediation=(
        "Grant workload creation only to the deployment pipeline, and enforce Pod "
        "Security admission on the namespace."
    ),
    applies_to=_ROLES,
    cwe=("CWE-269",),
    references=(_RBAC_GOOD,),
)
K8S_RBAC_POD_EXEC = config_rule(
    id="K8S-RBAC-POD-EXEC",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    title="Role can exec or attach into pods",
    description=(
        "pods/exec and pods/attach give a shell in running containers, with their "
        "credentials, mounted secrets and network position."
    ),
    remediation=(
        "Remove pods/exec and pods/attach; use a just-in-time, audited access tool for debugging."
    ),
    applies_to=_ROLES,
    cwe=("CWE-269",),
    references=(_RBAC_GOOD,),
)
K8S_RBAC_PORT_FORWARD = config_rule(
    id="K8S-RBAC-PORT-FORWARD",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    title="Role can port-forward to pods",
    description=(
        "pods/portforward opens a tunnel to any port of the pods, past Services, gateways "
        "and NetworkPolicies."
    ),
    remediation="Remove pods/portforward from roles that do not strictly need it.",
    applies_to=_ROLES,
    cwe=("CWE-269",),
    references=(_RBAC_GOOD,),
)
K8S_RBAC_NODES_PROXY = config_rule(
    id="K8S-RBAC-NODES-PROXY",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    title="Role can proxy to the kubelet",
    description=(
        "nodes/proxy reaches the kubelet API, which can run commands in every pod of the "
        "node and bypasses audit logging and admission control."
    ),
    remediation="Remove nodes/proxy; monitoring agents can read /metrics through nodes/metrics.",
    applies_to=_ROLES,
    cwe=("CWE-269",),
    references=(_RBAC_GOOD,),
)
K8S_RBAC_ESCALATE_BIND = config_rule(
    id="K8S-RBAC-ESCALATE-BIND",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    title="Role can escalate or bind roles",
    description=(
        "The escalate and bind verbs on roles let the subject grant itself or others "
        "permissions it does not hold, up to cluster-admin."
    ),
    remediation="Remove escalate and bind; let only cluster administrators manage RBAC.",
    applies_to=_ROLES,
    cwe=("CWE-269",),
    references=(_RBAC_GOOD,),
)
K8S_RBAC_IMPERSONATE = config_rule(
    id="K8S-RBAC-IMPERSONATE",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    title="Role can impersonate users, groups or service accounts",
    description=(
        "impersonate lets the subject act as another identity, including more privileged "
        "users, groups such as system:masters, or service accounts."
    ),
    remediation=(
        "Remove impersonate, or restrict it with `resourceNames` to the exact identities needed."
    ),
    applies_to=_ROLES,
    cwe=("CWE-269",),
    references=(_RBAC_GOOD,),
)
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
        "application does not need, available to anyone who compromises it."
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
RULES: tuple[Rule, ...] = (
    K8S_RBAC_WILDCARD,
    K8S_RBAC_WILDCARD_SCOPED,
    K8S_RBAC_ADMISSION_WEBHOOKS,
    K8S_RBAC_APPROVE_CSR,
    K8S_RBAC_MANAGE_NETWORK,
    K8S_RBAC_READ_SECRETS,
    K8S_RBAC_CREATE_PODS,
    K8S_RBAC_POD_EXEC,
    K8S_RBAC_PORT_FORWARD,
    K8S_RBAC_NODES_PROXY,
    K8S_RBAC_ESCALATE_BIND,
    K8S_RBAC_IMPERSONATE,
    K8S_RBAC_CLUSTER_ADMIN_BINDING,
    K8S_RBAC_ANONYMOUS_SUBJECT,
    K8S_RBAC_DEFAULT_SA_BINDING,
    K8S_SA_ADMIN_WORKLOAD,
    K8S_DEFAULT_SA_TOKEN,
    K8S_SA_TOKEN_AUTOMOUNT,
    K8S_SA_SHARED,
)

# ---------------------------------------------------------------------------
# RBAC rules (the policy rules inside Role / ClusterRole)


@dataclass(frozen=True, slots=True)
class _Grant:
    """A dangerous permission: any of these verbs on any of these resources."""

    rule: Rule
    what: str
    targets: tuple[tuple[frozenset[str], frozenset[str]], ...]  # (apiGroups, resources)
    verbs: frozenset[str]  # empty: any verb
    point_at: str  # "verbs" | "resources": the list whose item the hit points at
    skip_named: bool = False  # resourceNames narrows it enough
    cluster_scoped: bool = False  # a namespaced Role cannot grant it
    # Verbs that grant it only on clusters older than (major, minor).
    older_verbs: frozenset[str] = frozenset()
    older_than: tuple[int, int] = (0, 0)

    def verbs_on(self, version: tuple[int, int]) -> frozenset[str]:
        return self.verbs | self.older_verbs if version < self.older_than else self.verbs


_CORE = frozenset({""})
_WRITE = frozenset({"create", "update", "patch", "delete", "deletecollection"})
# From this release on, the API server asks for `create` (not only `get`) on
# pods/exec, pods/attach and pods/portforward when the stream is opened over a
# WebSocket (feature AuthorizePodWebsocketUpgradeCreatePermission); before it, a
# get-only rule was enough to open a shell.
_WEBSOCKET_NEEDS_CREATE = (1, 35)
_CURRENT_KUBERNETES = (1, 35)
# The API groups Kubernetes itself serves resources in: a wildcard there reaches
# Secrets, workloads or RBAC. Any other group belongs to a tool (custom resources)
# or is an aggregated read-only API such as metrics.k8s.io.
_BUILTIN_GROUPS = frozenset(
    {
        "",
        "apps",
        "batch",
        "extensions",
        "policy",
        "autoscaling",
        "rbac.authorization.k8s.io",
        "networking.k8s.io",
        "admissionregistration.k8s.io",
        "apiextensions.k8s.io",
        "apiregistration.k8s.io",
        "certificates.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "events.k8s.io",
        "storage.k8s.io",
        "scheduling.k8s.io",
        "node.k8s.io",
        "authentication.k8s.io",
        "authorization.k8s.io",
        "flowcontrol.apiserver.k8s.io",
        "internal.apiserver.k8s.io",
        "resource.k8s.io",
        "storagemigration.k8s.io",
    }
)
_GRANTS = (
    _Grant(
        K8S_RBAC_READ_SECRETS,
        "read Secrets",
        ((_CORE, frozenset({"secrets"})),),
        frozenset({"get", "list", "watch"}),
        "verbs",
        skip_named=True,
    ),
    _Grant(
        K8S_RBAC_CREATE_PODS,
        "create pods or workloads",
        (
            (_CORE, frozenset({"pods", "replicationcontrollers"})),
            (
                frozenset({"apps", "extensions"}),
                frozenset({"deployments", "daemonsets", "statefulsets", "replicasets"}),
            ),
            (frozenset({"batch"}), frozenset({"jobs", "cronjobs"})),
        ),
        frozenset({"create"}),
        "verbs",
    ),
    _Grant(
        K8S_RBAC_POD_EXEC,
        "exec or attach into pods",
        ((_CORE, frozenset({"pods/exec", "pods/attach"})),),
        frozenset({"create"}),
        "resources",
        older_verbs=frozenset({"get"}),
        older_than=_WEBSOCKET_NEEDS_CREATE,
    ),
    _Grant(
        K8S_RBAC_PORT_FORWARD,
        "port-forward to pods",
        ((_CORE, frozenset({"pods/portforward"})),),
        frozenset({"create"}),
        "resources",
        older_verbs=frozenset({"get"}),
        older_than=_WEBSOCKET_NEEDS_CREATE,
    ),
    _Grant(
        K8S_RBAC_NODES_PROXY,
        "proxy to the kubelet",
        ((_CORE, frozenset({"nodes/proxy"})),),
        frozenset(),
        "resources",
        cluster_scoped=True,
    ),
    _Grant(
        K8S_RBAC_ESCALATE_BIND,
        "escalate or bind roles",
        ((frozenset({"rbac.authorization.k8s.io"}), frozenset({"roles", "clusterroles"})),),
        frozenset({"escalate", "bind"}),
        "verbs",
    ),
    _Grant(
        K8S_RBAC_IMPERSONATE,
        "impersonate identities",
        (
            (_CORE, frozenset({"users", "groups", "serviceaccounts"})),
            (frozenset({"authentication.k8s.io"}), frozenset({"uids", "userextras/*"})),
        ),
        frozenset({"impersonate"}),
        "verbs",
        skip_named=True,
    ),
    _Grant(
        K8S_RBAC_ADMISSION_WEBHOOKS,
        "modify admission webhooks or policies",
        (
            (
                frozenset({"admissionregistration.k8s.io"}),
                frozenset(
                    {
                        "validatingwebhookconfigurations",
                        "mutatingwebhookconfigurations",
                        "validatingadmissionpolicies",
                        "validatingadmissionpolicybindings",
                        "mutatingadmissionpolicies",
                        "mutatingadmissionpolicybindings",
                    }
                ),
            ),
        ),
        _WRITE,
        "resources",
        skip_named=True,
        cluster_scoped=True,
    ),
    _Grant(
        K8S_RBAC_APPROVE_CSR,
        "approve certificate signing requests",
        (
            (
                frozenset({"certificates.k8s.io"}),
                frozenset({"certificatesigningrequests/approval", "signers"}),
            ),
        ),
        frozenset({"update", "patch", "approve"}),
        "resources",
        cluster_scoped=True,
    ),
    _Grant(
        K8S_RBAC_MANAGE_NETWORK,
        "modify Services, Endpoints or NetworkPolicies",
        (
            (_CORE, frozenset({"services", "endpoints"})),
            (frozenset({"discovery.k8s.io"}), frozenset({"endpointslices"})),
            (frozenset({"networking.k8s.io", "extensions"}), frozenset({"networkpolicies"})),
        ),
        _WRITE,
        "resources",
        skip_named=True,
    ),
)


def _resource_matches(rule_resource: str, target: str) -> bool:
    """RBAC resource matching, without the bare `*` (handled as a wildcard)."""
    if rule_resource == target:
        return True
    if target.endswith("/*"):  # any subresource of the target
        return rule_resource.startswith(target[:-1])
    if rule_resource.endswith("/*") and "/" in target:
        return target.startswith(rule_resource[:-1])
    if rule_resource.startswith("*/") and "/" in target:
        return target.endswith(rule_resource[1:])
    return False


def _policy_rules(obj: K8sObject) -> Iterator[tuple[int, YMap]]:
    for index, rule in enumerate(get_seq(obj.body, "rules")):
        if isinstance(rule, YMap):
            yield index, rule


def _grant_hit(
    grant: _Grant,
    obj: K8sObject,
    index: int,
    rule: YMap,
    version: tuple[int, int],
    skip_star: bool = False,
) -> Hit | None:
    """The grant's finding for this policy rule; with ``skip_star``, only for
    resources named explicitly (what `*` covers is told by K8S-RBAC-WILDCARD)."""
    if grant.skip_named and string_items(rule, "resourceNames"):
        return None
    if grant.cluster_scoped and obj.kind == "Role":
        return None  # a namespaced Role cannot grant cluster-scoped resources
    wanted_verbs = grant.verbs_on(version)
    groups = [g for g, _ in string_items(rule, "apiGroups")] if "apiGroups" in rule else [""]
    resources = string_items(rule, "resources")
    verbs = [(v.lower(), line) for v, line in string_items(rule, "verbs")]
    matched_res: list[tuple[str, int]] = []
    for target_groups, targets in grant.targets:
        if not any(g == "*" or g in target_groups for g in groups):
            continue
        matched_res += [
            (r, line)
            for r, line in resources
            if (r == "*" and not skip_star) or any(_resource_matches(r, t) for t in targets)
        ]
    matched_verbs = [
        (v, line) for v, line in verbs if v == "*" or not wanted_verbs or v in wanted_verbs
    ]
    if not matched_res or not matched_verbs:
        return None
    explicit = any(r != "*" for r, _ in matched_res) or any(v != "*" for v, _ in matched_verbs)
    if not explicit:
        return None  # `*` on `*`: reported once by K8S-RBAC-WILDCARD
    chosen = matched_verbs if grant.point_at == "verbs" else matched_res
    line = min(line for _, line in chosen)
    return Hit(
        grant.rule,
        obj.path,
        line,
        obj.id,
        f"{obj.id} can {grant.what} (rules[{index}])",
        f"rules[{index}]",
    )


_WILDCARD_FIELDS = ("apiGroups", "resources", "verbs", "nonResourceURLs")


def _stars(rule: YMap, name: str) -> list[int]:
    return [line for value, line in string_items(rule, name) if value.strip() == "*"]


def _reaches_builtin(rule: YMap) -> bool:
    """Whether the rule's resources can be in a built-in API group (or any group)."""
    if "apiGroups" not in rule:
        return True  # the core group
    return any(
        g.strip() == "*" or g.strip() in _BUILTIN_GROUPS for g, _ in string_items(rule, "apiGroups")
    )


def _is_broad_wildcard(rule: YMap) -> bool:
    """`*` in resources of a built-in group (every resource there), or `*` in
    apiGroups with a plain resource name (that resource in every group); `*` in
    apiGroups for subresources only (`*/finalizers`) is confined."""
    resources = [r.strip() for r, _ in string_items(rule, "resources")]
    if "*" in resources:
        return _reaches_builtin(rule)
    return bool(_stars(rule, "apiGroups")) and any("/" not in r for r in resources)


def _included(obj: K8sObject, index: int, rule: YMap, version: tuple[int, int]) -> str:
    """What a `*` in resources grants among the dangerous permissions."""
    what = [
        g.what
        for g in _GRANTS
        if g.point_at == "resources"
        and _grant_hit(g, obj, index, rule, version) is not None
        and _grant_hit(g, obj, index, rule, version, skip_star=True) is None
    ]
    return f", which lets it {', '.join(what)}" if what else ""


def _wildcard_hits(
    obj: K8sObject, index: int, rule: YMap, version: tuple[int, int]
) -> Iterator[Hit]:
    broad = _is_broad_wildcard(rule)
    for name in _WILDCARD_FIELDS:
        stars = _stars(rule, name)
        if not stars:
            continue
        if broad or name == "nonResourceURLs":  # every URL: /logs of the control plane too
            rule_id, what = K8S_RBAC_WILDCARD, f"grants `*` in {name}"
            if name == "resources":
                what += _included(obj, index, rule, version)
        elif _reaches_builtin(rule):
            rule_id, what = K8S_RBAC_WILDCARD_SCOPED, f"grants `*` in {name} on named resources"
        else:
            groups = ", ".join(g for g, _ in string_items(rule, "apiGroups"))
            rule_id = K8S_RBAC_WILDCARD_SCOPED
            what = f"grants `*` in {name}, confined to its own API group {groups}"
        yield Hit(
            rule_id,
            obj.path,
            stars[0],
            obj.id,
            f"{obj.id} {what} (rules[{index}])",
            f"rules[{index}].{name}",
        )


def _role_hits(obj: K8sObject, version: tuple[int, int]) -> Iterator[Hit]:
    for index, rule in _policy_rules(obj):
        yield from _wildcard_hits(obj, index, rule, version)
        broad = _is_broad_wildcard(rule)
        for grant in _GRANTS:
            # A grant that would point at the `*` itself is told in the wildcard's message.
            skip_star = broad and grant.point_at == "resources"
            hit = _grant_hit(grant, obj, index, rule, version, skip_star=skip_star)
            if hit is not None:
                yield hit


_ADMIN_VERBS = frozenset({"*", "create", "update", "patch", "delete", "deletecollection"})


def _is_admin_like(obj: K8sObject) -> bool:
    """A role with `*` over every resource of a built-in group and a verb that writes.

    A read-only `*` role (get, list, watch) is not admin: what it reads is
    reported on the role (K8S-RBAC-READ-SECRETS, K8S-RBAC-WILDCARD).
    """
    for _, rule in _policy_rules(obj):
        if not _is_broad_wildcard(rule):
            continue
        if any(v.strip().lower() in _ADMIN_VERBS for v, _ in string_items(rule, "verbs")):
            return True
    return False


# ---------------------------------------------------------------------------
# bindings

_EVERYONE = frozenset({"system:anonymous", "system:unauthenticated", "system:authenticated"})
# Built-in roles that the API server itself binds to everyone (discovery, version).
_PUBLIC_ROLES = frozenset({"system:discovery", "system:basic-user", "system:public-info-viewer"})


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


def _binding_hits(binding: K8sObject) -> Iterator[Hit]:
    kind, name, ref_line = _role_ref(binding)
    subjects = list(_subjects(binding))
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
        if s.name in _EVERYONE and s.kind in ("User", "Group") and name not in _PUBLIC_ROLES:
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


# ---------------------------------------------------------------------------
# service accounts (cross-resource)


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
    elif not index.is_bound(w.namespace, ident.account):
        yield Hit(
            K8S_SA_TOKEN_AUTOMOUNT,
            w.path,
            line,
            w.id,
            f"{w.id} mounts the token of service account {ident.account!r}, which no "
            "binding in the scanned files grants any permission",
            key,
        )


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


# ---------------------------------------------------------------------------
# entry point


def check(ctx: ConfigContext) -> Iterator[Hit]:
    version = ctx.settings.kubernetes_version or _CURRENT_KUBERNETES
    for obj in ctx.objects(*_ROLES):
        yield from _role_hits(obj, version)
    for binding in ctx.objects(*_BINDINGS):
        yield from _binding_hits(binding)
    index = _index_accounts(ctx)
    identities = [(w, _identity(w, index)) for w in ctx.workloads]
    for w, ident in identities:
        yield from _workload_hits(w, ident, index)
    yield from _shared_account_hits(identities)
