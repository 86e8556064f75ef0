"""How the control-plane rules are declared: the shorthand and the documentation they cite."""

from __future__ import annotations

from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity

_DOCS = "https://kubernetes.io/docs/reference/command-line-tools-reference/"
_APISERVER_REF = _DOCS + "kube-apiserver/"
_CONTROLLER_REF = _DOCS + "kube-controller-manager/"
_SCHEDULER_REF = _DOCS + "kube-scheduler/"
_KUBELET_REF = _DOCS + "kubelet/"
_KUBELET_CONFIG_REF = "https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/"
_KUBELET_AUTH_REF = "https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/"
_ADMISSION_REF = "https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/"
_AUTHZ_REF = "https://kubernetes.io/docs/reference/access-authn-authz/authorization/"
_ETCD_REF = "https://etcd.io/docs/v3.5/op-guide/security/"
_ETCD_K8S_REF = "https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/"
_ENCRYPT_REF = "https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/"
_AUDIT_REF = "https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/"
_PSP_REF = "https://kubernetes.io/docs/concepts/security/pod-security-policy/"
_PSS_REF = "https://kubernetes.io/docs/concepts/security/pod-security-standards/"
_HELM_REF = "https://helm.sh/docs/topics/v2_v3_migration/"
_DASHBOARD_REF = "https://github.com/kubernetes/dashboard/blob/master/docs/common/arguments.md"
_CERT_ROTATION_REF = "https://kubernetes.io/docs/tasks/tls/certificate-rotation/"
_WL = ("workload",)
_KUBELET_KINDS = ("workload", "KubeletConfiguration")
_PSP = ("PodSecurityPolicy",)


def _rule(
    *,
    id: str,
    control: Control,
    severity: Severity,
    title: str,
    description: str,
    remediation: str,
    applies_to: tuple[str, ...],
    cwe: str,
    references: tuple[str, ...] = (),
) -> Rule:
    return config_rule(
        id=id,
        control=control,
        severity=severity,
        title=title,
        description=description,
        remediation=remediation,
        applies_to=applies_to,
        cwe=(cwe,),
        references=references,
    )


_AC, _ENC, _LP, _ISO, _EXP, _SEC = (
    Control.ACCESS_CONTROL,
    Control.ENCRYPTION,
    Control.LEAST_PRIVILEGE,
    Control.ISOLATION,
    Control.API_EXPOSURE,
    Control.SECRETS,
)
_CRIT, _HIGH, _MED, _LOW = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW
