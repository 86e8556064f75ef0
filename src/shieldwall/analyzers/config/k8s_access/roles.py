"""What a Role or ClusterRole grants: wildcards, and each grant that amounts to more
than it says (reading Secrets, creating pods, exec, escalate/bind, impersonate...)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.k8s_access.common import _RBAC_GOOD, _ROLES
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import get_seq, string_items
from shieldwall.sources.yaml_tree import YMap

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
_READ = frozenset({"get", "list", "watch"})
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


def _folded(grant: _Grant) -> bool:
    """Whether the wildcard's finding tells this grant when `*` in resources is
    what gives it: those that point at the resource, and reading (a read-all
    rule is one finding, not a wildcard and a Secrets reader). A write verb named
    next to `*` (create: pods or workloads) stays a finding of its own at the verb."""
    return grant.point_at == "resources" or not (grant.verbs - _READ)


def _included(obj: K8sObject, index: int, rule: YMap, version: tuple[int, int]) -> str:
    """What a `*` in resources grants among the dangerous permissions."""
    what = [
        g.what
        for g in _GRANTS
        if _folded(g)
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
            # What `*` in resources grants is told in the wildcard's message.
            skip_star = broad and _folded(grant)
            hit = _grant_hit(grant, obj, index, rule, version, skip_star=skip_star)
            if hit is not None:
                yield hit


_ADMIN_VERBS = frozenset({"*", "create", "update", "patch", "delete", "deletecollection"})


def _is_admin_like(obj: K8sObject) -> bool:
    """A role with `*` over every resource of a built-in group and a verb that writes.

    A read-only `*` role (get, list, watch) is not admin: what it reads is
    reported on the role (K8S-RBAC-WILDCARD names the Secrets it reads).
    """
    for _, rule in _policy_rules(obj):
        if not _is_broad_wildcard(rule):
            continue
        if any(v.strip().lower() in _ADMIN_VERBS for v, _ in string_items(rule, "verbs")):
            return True
    return False


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
)
