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


One module per subject, each with its rules beside its checks: `roles`,
`bindings` and `accounts`; this one lists the rules and runs them.
"""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.k8s_access import accounts, bindings, common, roles
from shieldwall.model import Rule

RULES: tuple[Rule, ...] = (
    roles.K8S_RBAC_WILDCARD,
    roles.K8S_RBAC_WILDCARD_SCOPED,
    roles.K8S_RBAC_ADMISSION_WEBHOOKS,
    roles.K8S_RBAC_APPROVE_CSR,
    roles.K8S_RBAC_MANAGE_NETWORK,
    roles.K8S_RBAC_READ_SECRETS,
    roles.K8S_RBAC_CREATE_PODS,
    roles.K8S_RBAC_POD_EXEC,
    roles.K8S_RBAC_PORT_FORWARD,
    roles.K8S_RBAC_NODES_PROXY,
    roles.K8S_RBAC_ESCALATE_BIND,
    roles.K8S_RBAC_IMPERSONATE,
    bindings.K8S_RBAC_CLUSTER_ADMIN_BINDING,
    bindings.K8S_RBAC_ANONYMOUS_SUBJECT,
    bindings.K8S_RBAC_DEFAULT_SA_BINDING,
    accounts.K8S_SA_ADMIN_WORKLOAD,
    accounts.K8S_DEFAULT_SA_TOKEN,
    accounts.K8S_SA_TOKEN_AUTOMOUNT,
    accounts.K8S_SA_SHARED,
)


def check(ctx: ConfigContext) -> Iterator[Hit]:
    version = ctx.settings.kubernetes_version or roles._CURRENT_KUBERNETES
    for obj in ctx.objects(*common._ROLES):
        yield from roles._role_hits(obj, version)
    granted = bindings.index_roles(ctx.objects(*common._ROLES))
    for binding in ctx.objects(*common._BINDINGS):
        yield from bindings._binding_hits(binding, granted)
    index = accounts._index_accounts(ctx)
    identities = [(w, accounts._identity(w, index)) for w in ctx.workloads]
    for w, ident in identities:
        yield from accounts._workload_hits(w, ident, index)
    yield from accounts._shared_account_hits(identities)
