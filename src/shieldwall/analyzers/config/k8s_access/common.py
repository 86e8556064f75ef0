"""What the access rules share: the documentation they cite and the RBAC kinds."""

from __future__ import annotations

_RBAC = "https://kubernetes.io/docs/reference/access-authn-authz/rbac/"
_RBAC_GOOD = "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"
_SA = "https://kubernetes.io/docs/concepts/security/service-accounts/"
_SA_TASK = "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/"
_ROLES = ("Role", "ClusterRole")
_BINDINGS = ("RoleBinding", "ClusterRoleBinding")
