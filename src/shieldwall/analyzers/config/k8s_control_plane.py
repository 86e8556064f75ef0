"""Kubernetes control-plane configuration rules.

What a platform team keeps in git about the cluster itself: static pod manifests of
kube-apiserver, kube-controller-manager, kube-scheduler, etcd and kubelet (their
command-line flags), kubeadm ``ClusterConfiguration`` extraArgs, ``KubeletConfiguration``,
``KubeSchedulerConfiguration``, ``EncryptionConfiguration``, audit ``Policy`` files, the
legacy ``PodSecurityPolicy``, and two well-known risky add-ons (Tiller, the dashboard).

A component is recognised by its executable: the first word of ``command`` (or of ``args``
when there is no command), also behind ``hyperkube`` or ``sh -c``. Flags may be written
``--flag=value`` or ``--flag value``, in ``command`` or ``args``; the last one wins, as in
the components themselves. A missing flag counts as its compiled-in default, except where
a configuration file (``--config``) or kubeadm decides instead: then only explicit values
are judged.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.profiles import BASELINE_CAPABILITIES
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import Container, Workload, get_map, get_seq
from shieldwall.sources.yaml_tree import YMap, YSeq

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

K8S_APISERVER_AUTHZ_ALWAYS_ALLOW = _rule(
    id="K8S-APISERVER-AUTHZ-ALWAYS-ALLOW",
    control=_AC,
    severity=_CRIT,
    title="API server authorizes every request",
    description=(
        "With `--authorization-mode` containing AlwaysAllow every authenticated (and, with "
        "anonymous auth, every unauthenticated) caller may do anything in the cluster. "
        "A missing flag counts as its default, AlwaysAllow, unless `--authorization-config` "
        "is given."
    ),
    remediation=(
        "Set `--authorization-mode=Node,RBAC` (or use `--authorization-config`) and remove "
        "AlwaysAllow."
    ),
    applies_to=_WL,
    cwe="CWE-862",
    references=(
        _AUTHZ_REF,
        _APISERVER_REF,
    ),
)
K8S_APISERVER_NO_RBAC = _rule(
    id="K8S-APISERVER-NO-RBAC",
    control=_AC,
    severity=_MED,
    title="API server authorization does not use RBAC",
    description=(
        "`--authorization-mode` lists neither RBAC nor Webhook, so roles and bindings are "
        "not enforced and permissions cannot be scoped per user or service account."
    ),
    remediation="Add RBAC to `--authorization-mode`, e.g. `--authorization-mode=Node,RBAC`.",
    applies_to=_WL,
    cwe="CWE-285",
    references=(_AUTHZ_REF,),
)
K8S_APISERVER_NO_NODE_AUTHORIZER = _rule(
    id="K8S-APISERVER-NO-NODE-AUTHORIZER",
    control=_AC,
    severity=_MED,
    title="API server authorization does not use the Node authorizer",
    description=(
        "Without the Node authorizer kubelets need broad RBAC grants, so one compromised "
        "node can read the secrets and pods of every other node."
    ),
    remediation=(
        "Put Node first in `--authorization-mode`, e.g. `--authorization-mode=Node,RBAC`, "
        "and enable the NodeRestriction admission plugin."
    ),
    applies_to=_WL,
    cwe="CWE-285",
    references=(_AUTHZ_REF + "#authorization-modules",),
)
K8S_APISERVER_ANONYMOUS_AUTH = _rule(
    id="K8S-APISERVER-ANONYMOUS-AUTH",
    control=_AC,
    severity=_LOW,
    title="API server accepts anonymous requests",
    description=(
        "`--anonymous-auth` is not false (default: true), so requests without credentials "
        "run as system:anonymous; any binding granted to system:unauthenticated becomes "
        "public."
    ),
    remediation=(
        "Set `--anonymous-auth=false`, or restrict anonymous access to health endpoints "
        "with an AuthenticationConfiguration (Kubernetes 1.32+)."
    ),
    applies_to=_WL,
    cwe="CWE-306",
    references=(_APISERVER_REF,),
)
K8S_APISERVER_STATIC_CREDENTIALS = _rule(
    id="K8S-APISERVER-STATIC-CREDENTIALS",
    control=_AC,
    severity=_MED,
    title="API server authenticates with a static token or password file",
    description=(
        "`--token-auth-file` and `--basic-auth-file` keep long-lived credentials in clear "
        "text on the control-plane host; they cannot be rotated without a restart and "
        "never expire."
    ),
    remediation=(
        "Remove `--token-auth-file` / `--basic-auth-file`; use client certificates, OIDC "
        "or service account tokens."
    ),
    applies_to=_WL,
    cwe="CWE-798",
    references=(_APISERVER_REF,),
)
K8S_APISERVER_INSECURE_PORT = _rule(
    id="K8S-APISERVER-INSECURE-PORT",
    control=_AC,
    severity=_HIGH,
    title="API server serves an unauthenticated HTTP port",
    description=(
        "Requests on the insecure port bypass authentication and authorization entirely. "
        "Kubernetes 1.20+ ignores any value but 0; a non-zero `--insecure-port`, or an "
        "`--insecure-bind-address` on older versions (default port 8080), opens it."
    ),
    remediation=(
        "Remove `--insecure-bind-address` and set `--insecure-port=0` (or drop it on 1.24+)."
    ),
    applies_to=_WL,
    cwe="CWE-306",
    references=(_APISERVER_REF,),
)
K8S_APISERVER_SECURE_PORT_DISABLED = _rule(
    id="K8S-APISERVER-SECURE-PORT-DISABLED",
    control=_ENC,
    severity=_HIGH,
    title="API server HTTPS port is disabled",
    description=(
        "`--secure-port=0` turns off the TLS endpoint; clients then talk to the API server "
        "in clear text or not at all."
    ),
    remediation="Remove `--secure-port=0` (default 6443).",
    applies_to=_WL,
    cwe="CWE-319",
    references=(_APISERVER_REF,),
)
K8S_APISERVER_SA_LOOKUP_DISABLED = _rule(
    id="K8S-APISERVER-SA-LOOKUP-DISABLED",
    control=_AC,
    severity=_MED,
    title="API server accepts tokens of deleted service accounts",
    description=(
        "With `--service-account-lookup=false` (default: true) a legacy service account "
        "token stays valid after its service account or secret is deleted."
    ),
    remediation="Remove `--service-account-lookup=false`.",
    applies_to=_WL,
    cwe="CWE-613",
    references=(_APISERVER_REF,),
)
K8S_APISERVER_PROFILING = _rule(
    id="K8S-APISERVER-PROFILING",
    control=_AC,
    severity=_LOW,
    title="API server exposes profiling endpoints",
    description=(
        "`--profiling` is not false (default: true): /debug/pprof reveals internals and "
        "lets any caller allowed to reach it load the control plane."
    ),
    remediation="Set `--profiling=false`.",
    applies_to=_WL,
    cwe="CWE-215",
    references=(_APISERVER_REF,),
)
K8S_APISERVER_AUDIT_DISABLED = _rule(
    id="K8S-APISERVER-AUDIT-DISABLED",
    control=_AC,
    severity=_MED,
    title="API server does not record an audit log",
    description=(
        "Without both `--audit-policy-file` and an audit backend (`--audit-log-path` or "
        "`--audit-webhook-config-file`) the API server records no audit events, so abuse "
        "of the cluster leaves no trace (all three are unset by default)."
    ),
    remediation=(
        "Set `--audit-policy-file` to a policy and `--audit-log-path` (or a webhook backend)."
    ),
    applies_to=_WL,
    cwe="CWE-778",
    references=(_AUDIT_REF,),
)
# ---- kube-apiserver: admission
K8S_APISERVER_ALWAYS_ADMIT = _rule(
    id="K8S-APISERVER-ALWAYS-ADMIT",
    control=_LP,
    severity=_MED,
    title="API server enables the AlwaysAdmit admission plugin",
    description=(
        "AlwaysAdmit is deprecated and signals that admission control is meant to let "
        "everything in; it admits every request regardless of policy."
    ),
    remediation="Remove AlwaysAdmit from `--enable-admission-plugins` / `--admission-control`.",
    applies_to=_WL,
    cwe="CWE-285",
    references=(_ADMISSION_REF + "#alwaysadmit",),
)
K8S_APISERVER_NODE_RESTRICTION = _rule(
    id="K8S-APISERVER-NODE-RESTRICTION",
    control=_ISO,
    severity=_MED,
    title="API server does not enable the NodeRestriction admission plugin",
    description=(
        "NodeRestriction is not enabled by default; without it a kubelet may modify other "
        "nodes and pods scheduled elsewhere, so one compromised node spreads to others."
    ),
    remediation="Add NodeRestriction to `--enable-admission-plugins` (with the Node authorizer).",
    applies_to=_WL,
    cwe="CWE-284",
    references=(_ADMISSION_REF + "#noderestriction",),
)
K8S_APISERVER_ALWAYS_PULL_IMAGES = _rule(
    id="K8S-APISERVER-ALWAYS-PULL-IMAGES",
    control=_ISO,
    severity=_LOW,
    title="API server does not enable the AlwaysPullImages admission plugin",
    description=(
        "AlwaysPullImages is off by default; on shared nodes a pod can then start a private "
        "image another tenant already pulled, without having the registry credentials."
    ),
    remediation="Add AlwaysPullImages to `--enable-admission-plugins` on multi-tenant clusters.",
    applies_to=_WL,
    cwe="CWE-284",
    references=(_ADMISSION_REF + "#alwayspullimages",),
)
K8S_APISERVER_ADMISSION_PLUGIN_DISABLED = _rule(
    id="K8S-APISERVER-ADMISSION-PLUGIN-DISABLED",
    control=_LP,
    severity=_MED,
    title="API server disables a security admission plugin",
    description=(
        "`--disable-admission-plugins` turns off a plugin that enforces security "
        "(ServiceAccount, NamespaceLifecycle, PodSecurity, NodeRestriction, admission "
        "webhooks or ValidatingAdmissionPolicy, certificate approval plugins)."
    ),
    remediation="Remove the plugin from `--disable-admission-plugins`.",
    applies_to=_WL,
    cwe="CWE-284",
    references=(_ADMISSION_REF,),
)
# ---- kube-apiserver: TLS and encryption
K8S_APISERVER_ETCD_TLS = _rule(
    id="K8S-APISERVER-ETCD-TLS",
    control=_ENC,
    severity=_MED,
    title="API server talks to etcd without mutual TLS",
    description=(
        "`--etcd-certfile`, `--etcd-keyfile` and `--etcd-cafile` are unset by default; "
        "without them, or with http:// `--etcd-servers`, every secret of the cluster "
        "crosses the network unauthenticated or in clear text."
    ),
    remediation=(
        "Set `--etcd-cafile`, `--etcd-certfile` and `--etcd-keyfile` and use https:// "
        "etcd endpoints."
    ),
    applies_to=_WL,
    cwe="CWE-319",
    references=(_ETCD_K8S_REF,),
)
K8S_APISERVER_KUBELET_HTTPS = _rule(
    id="K8S-APISERVER-KUBELET-HTTPS",
    control=_ENC,
    severity=_MED,
    title="API server talks to kubelets over plain HTTP",
    description=(
        "`--kubelet-https=false` (default: true; flag removed in 1.22) sends exec, logs "
        "and port-forward traffic to kubelets in clear text."
    ),
    remediation="Remove `--kubelet-https=false`.",
    applies_to=_WL,
    cwe="CWE-319",
    references=(_APISERVER_REF,),
)
K8S_APISERVER_KUBELET_CA = _rule(
    id="K8S-APISERVER-KUBELET-CA",
    control=_ENC,
    severity=_LOW,
    title="API server does not verify kubelet serving certificates",
    description=(
        "Without `--kubelet-certificate-authority` (unset by default) the API server "
        "accepts any certificate from a kubelet, so exec and log streams can be "
        "intercepted."
    ),
    remediation=(
        "Set `--kubelet-certificate-authority` and have kubelets use CA-signed serving "
        "certificates (serverTLSBootstrap)."
    ),
    applies_to=_WL,
    cwe="CWE-295",
    references=(_KUBELET_AUTH_REF,),
)
K8S_APISERVER_KUBELET_CLIENT_CERT = _rule(
    id="K8S-APISERVER-KUBELET-CLIENT-CERT",
    control=_ENC,
    severity=_MED,
    title="API server has no client certificate for kubelets",
    description=(
        "Without `--kubelet-client-certificate` and `--kubelet-client-key` (unset by "
        "default) the API server cannot authenticate to kubelets, which forces kubelets "
        "to accept anonymous requests."
    ),
    remediation="Set `--kubelet-client-certificate` and `--kubelet-client-key`.",
    applies_to=_WL,
    cwe="CWE-306",
    references=(_KUBELET_AUTH_REF,),
)
K8S_APISERVER_TLS_CERT = _rule(
    id="K8S-APISERVER-TLS-CERT",
    control=_ENC,
    severity=_LOW,
    title="API server serves a self-generated certificate",
    description=(
        "Without `--tls-cert-file` and `--tls-private-key-file` (unset by default) the API "
        "server generates a self-signed certificate, which clients cannot verify."
    ),
    remediation="Set `--tls-cert-file` and `--tls-private-key-file` to a CA-signed pair.",
    applies_to=_WL,
    cwe="CWE-295",
    references=(_APISERVER_REF,),
)
K8S_APISERVER_ENCRYPTION_AT_REST = _rule(
    id="K8S-APISERVER-ENCRYPTION-AT-REST",
    control=_ENC,
    severity=_MED,
    title="API server does not encrypt secrets at rest",
    description=(
        "Without `--encryption-provider-config` (unset by default) secrets are stored "
        "unencrypted in etcd and in its backups."
    ),
    remediation=(
        "Set `--encryption-provider-config` to an EncryptionConfiguration using a kms "
        "(v2) or secretbox provider first."
    ),
    applies_to=_WL,
    cwe="CWE-311",
    references=(_ENCRYPT_REF,),
)
K8S_CONTROL_PLANE_WEAK_TLS = _rule(
    id="K8S-CONTROL-PLANE-WEAK-TLS",
    control=_ENC,
    severity=_MED,
    title="Control-plane component allows weak TLS",
    description=(
        "The cipher suite list includes suites Go itself classes as insecure (RC4, 3DES, "
        "CBC-SHA256, NULL, export), or the minimum TLS version is below 1.2."
    ),
    remediation=(
        "Remove the weak suites from `--tls-cipher-suites` / `--cipher-suites` / "
        "`tlsCipherSuites` and set the minimum version to TLS 1.2 or later."
    ),
    applies_to=_KUBELET_KINDS,
    cwe="CWE-327",
    references=(
        _APISERVER_REF,
        _KUBELET_CONFIG_REF,
    ),
)
# ---- kube-controller-manager
K8S_CONTROLLER_PROFILING = _rule(
    id="K8S-CONTROLLER-PROFILING",
    control=_AC,
    severity=_LOW,
    title="Controller manager exposes profiling endpoints",
    description="`--profiling` is not false (default: true): /debug/pprof reveals internals.",
    remediation="Set `--profiling=false`.",
    applies_to=_WL,
    cwe="CWE-215",
    references=(_CONTROLLER_REF,),
)
K8S_CONTROLLER_SA_CREDENTIALS = _rule(
    id="K8S-CONTROLLER-SA-CREDENTIALS",
    control=_LP,
    severity=_LOW,
    title="Controllers share the controller manager's credentials",
    description=(
        "`--use-service-account-credentials` is not true (default: false), so every "
        "controller acts with the controller manager's own, broad identity instead of "
        "a per-controller service account."
    ),
    remediation="Set `--use-service-account-credentials=true`.",
    applies_to=_WL,
    cwe="CWE-250",
    references=(_CONTROLLER_REF,),
)
K8S_CONTROLLER_ROOT_CA = _rule(
    id="K8S-CONTROLLER-ROOT-CA",
    control=_ENC,
    severity=_LOW,
    title="Controller manager does not publish the cluster CA to pods",
    description=(
        "Without `--root-ca-file` (unset by default) service account token volumes lack "
        "the CA bundle, so pods cannot verify the API server's certificate."
    ),
    remediation="Set `--root-ca-file` to the cluster CA certificate.",
    applies_to=_WL,
    cwe="CWE-295",
    references=(_CONTROLLER_REF,),
)
K8S_CONTROLLER_BIND_ADDRESS = _rule(
    id="K8S-CONTROLLER-BIND-ADDRESS",
    control=_EXP,
    severity=_LOW,
    title="Controller manager listens on all interfaces",
    description=(
        "`--bind-address` is not a loopback address (default: 0.0.0.0), so its metrics, "
        "health and debug endpoints are reachable from the network."
    ),
    remediation="Set `--bind-address=127.0.0.1`.",
    applies_to=_WL,
    cwe="CWE-668",
    references=(_CONTROLLER_REF,),
)
# ---- kube-scheduler
K8S_SCHEDULER_PROFILING = _rule(
    id="K8S-SCHEDULER-PROFILING",
    control=_AC,
    severity=_LOW,
    title="Scheduler exposes profiling endpoints",
    description=(
        "`--profiling` / `enableProfiling` is not false (default: true): /debug/pprof "
        "reveals internals."
    ),
    remediation=(
        "Set `--profiling=false` or `enableProfiling: false` in KubeSchedulerConfiguration."
    ),
    applies_to=("workload", "KubeSchedulerConfiguration"),
    cwe="CWE-215",
    references=(_SCHEDULER_REF,),
)
K8S_SCHEDULER_BIND_ADDRESS = _rule(
    id="K8S-SCHEDULER-BIND-ADDRESS",
    control=_EXP,
    severity=_LOW,
    title="Scheduler listens on all interfaces",
    description=(
        "`--bind-address` is not a loopback address (default: 0.0.0.0), so its metrics, "
        "health and debug endpoints are reachable from the network."
    ),
    remediation="Set `--bind-address=127.0.0.1`.",
    applies_to=_WL,
    cwe="CWE-668",
    references=(_SCHEDULER_REF,),
)
# ---- etcd
K8S_ETCD_CLIENT_TLS = _rule(
    id="K8S-ETCD-CLIENT-TLS",
    control=_ENC,
    severity=_MED,
    title="etcd serves clients without TLS",
    description=(
        "Without both `--cert-file` and `--key-file` (unset by default) etcd serves "
        "clients over plain HTTP; everything it stores, secrets included, crosses the "
        "network in clear text."
    ),
    remediation="Set `--cert-file` and `--key-file` and use https:// client URLs.",
    applies_to=_WL,
    cwe="CWE-319",
    references=(_ETCD_REF,),
)
K8S_ETCD_CLIENT_CERT_AUTH = _rule(
    id="K8S-ETCD-CLIENT-CERT-AUTH",
    control=_AC,
    severity=_MED,
    title="etcd does not require client certificates",
    description=(
        "`--client-cert-auth` is not true (default: false), so anyone who reaches the "
        "client port can read and write all data, including every cluster secret."
    ),
    remediation="Set `--client-cert-auth=true` with `--trusted-ca-file`.",
    applies_to=_WL,
    cwe="CWE-306",
    references=(_ETCD_REF,),
)
K8S_ETCD_PEER_TLS = _rule(
    id="K8S-ETCD-PEER-TLS",
    control=_ENC,
    severity=_MED,
    title="etcd peers talk without TLS",
    description=(
        "A clustered etcd (or one with a partial peer TLS setup) lacks `--peer-cert-file` "
        "or `--peer-key-file` (unset by default): replication traffic is in clear text."
    ),
    remediation="Set `--peer-cert-file`, `--peer-key-file` and `--peer-trusted-ca-file`.",
    applies_to=_WL,
    cwe="CWE-319",
    references=(_ETCD_REF,),
)
K8S_ETCD_PEER_CLIENT_CERT_AUTH = _rule(
    id="K8S-ETCD-PEER-CLIENT-CERT-AUTH",
    control=_AC,
    severity=_MED,
    title="etcd does not authenticate its peers",
    description=(
        "`--peer-client-cert-auth` is not true (default: false) on a clustered or "
        "peer-TLS etcd, so any host reaching the peer port can join or read replication."
    ),
    remediation="Set `--peer-client-cert-auth=true`.",
    applies_to=_WL,
    cwe="CWE-306",
    references=(_ETCD_REF,),
)
K8S_ETCD_AUTO_TLS = _rule(
    id="K8S-ETCD-AUTO-TLS",
    control=_ENC,
    severity=_MED,
    title="etcd uses self-signed certificates",
    description=(
        "`--auto-tls` / `--peer-auto-tls` (default: false) make etcd generate self-signed "
        "certificates that nobody can verify, so connections can be intercepted."
    ),
    remediation=(
        "Set `--auto-tls=false` / `--peer-auto-tls=false` and provide CA-signed certificates."
    ),
    applies_to=_WL,
    cwe="CWE-295",
    references=(_ETCD_REF,),
)
K8S_ETCD_SHARED_CA = _rule(
    id="K8S-ETCD-SHARED-CA",
    control=_AC,
    severity=_MED,
    title="etcd trusts the Kubernetes client CA",
    description=(
        "etcd's `--trusted-ca-file` is the API server's `--client-ca-file`: every "
        "certificate the cluster CA signs (kubelets, users) can then read and write etcd "
        "directly."
    ),
    remediation="Give etcd its own CA and use a dedicated client certificate for the API server.",
    applies_to=_WL,
    cwe="CWE-287",
    references=(_ETCD_K8S_REF,),
)
# ---- kubelet
K8S_KUBELET_ANONYMOUS_AUTH = _rule(
    id="K8S-KUBELET-ANONYMOUS-AUTH",
    control=_AC,
    severity=_HIGH,
    title="Kubelet accepts anonymous requests",
    description=(
        "Anonymous requests to the kubelet API (exec, logs, pod listing) are allowed. "
        "Defaults: `--anonymous-auth` true when no `--config` is given; "
        "`authentication.anonymous.enabled` false in KubeletConfiguration."
    ),
    remediation="Set `--anonymous-auth=false` or `authentication.anonymous.enabled: false`.",
    applies_to=_KUBELET_KINDS,
    cwe="CWE-306",
    references=(_KUBELET_AUTH_REF,),
)
K8S_KUBELET_AUTHZ_ALWAYS_ALLOW = _rule(
    id="K8S-KUBELET-AUTHZ-ALWAYS-ALLOW",
    control=_AC,
    severity=_HIGH,
    title="Kubelet authorizes every request",
    description=(
        "With AlwaysAllow any caller that reaches the kubelet may exec into its pods. "
        "Defaults: `--authorization-mode` AlwaysAllow when no `--config` is given; "
        "`authorization.mode` Webhook in KubeletConfiguration."
    ),
    remediation="Set `--authorization-mode=Webhook` or `authorization.mode: Webhook`.",
    applies_to=_KUBELET_KINDS,
    cwe="CWE-862",
    references=(_KUBELET_AUTH_REF,),
)
K8S_KUBELET_READ_ONLY_PORT = _rule(
    id="K8S-KUBELET-READ-ONLY-PORT",
    control=_AC,
    severity=_MED,
    title="Kubelet serves the unauthenticated read-only port",
    description=(
        "The read-only port exposes pod specs (environment, images) and metrics without "
        "any authentication. Defaults: `--read-only-port` 10255 when no `--config` is "
        "given; `readOnlyPort` 0 in KubeletConfiguration."
    ),
    remediation="Set `--read-only-port=0` or `readOnlyPort: 0`.",
    applies_to=_KUBELET_KINDS,
    cwe="CWE-306",
    references=(_KUBELET_CONFIG_REF,),
)
K8S_KUBELET_PROTECT_KERNEL_DEFAULTS = _rule(
    id="K8S-KUBELET-PROTECT-KERNEL-DEFAULTS",
    control=_ISO,
    severity=_LOW,
    title="Kubelet does not protect kernel defaults",
    description=(
        "`protectKernelDefaults` / `--protect-kernel-defaults` is not true (default: "
        "false), so the kubelet silently changes kernel tunables instead of refusing to "
        "run on a host that differs from what it expects."
    ),
    remediation="Set `protectKernelDefaults: true` (and the matching sysctls on the host).",
    applies_to=_KUBELET_KINDS,
    cwe="CWE-1188",
    references=(_KUBELET_CONFIG_REF,),
)
K8S_KUBELET_IPTABLES_CHAINS = _rule(
    id="K8S-KUBELET-IPTABLES-CHAINS",
    control=_ISO,
    severity=_LOW,
    title="Kubelet does not manage iptables utility chains",
    description=(
        "`makeIPTablesUtilChains: false` (default: true) leaves the node's pod network "
        "rules unmanaged and prone to drift from what the network policy expects."
    ),
    remediation="Remove `--make-iptables-util-chains=false` / `makeIPTablesUtilChains: false`.",
    applies_to=_KUBELET_KINDS,
    cwe="CWE-1188",
    references=(_KUBELET_CONFIG_REF,),
)
K8S_KUBELET_STREAMING_TIMEOUT = _rule(
    id="K8S-KUBELET-STREAMING-TIMEOUT",
    control=_AC,
    severity=_LOW,
    title="Kubelet streaming sessions never time out",
    description=(
        "A streaming connection idle timeout of 0 (default: 4h) keeps idle exec and "
        "port-forward sessions open forever."
    ),
    remediation="Set `streamingConnectionIdleTimeout` to a bounded value such as 5m.",
    applies_to=_KUBELET_KINDS,
    cwe="CWE-613",
    references=(_KUBELET_CONFIG_REF,),
)
K8S_KUBELET_CERT_ROTATION = _rule(
    id="K8S-KUBELET-CERT-ROTATION",
    control=_ENC,
    severity=_LOW,
    title="Kubelet does not rotate its client certificate",
    description=(
        "`rotateCertificates` / `--rotate-certificates` is not true (default: false); the "
        "kubelet keeps its client certificate until it expires and the node drops out."
    ),
    remediation="Set `rotateCertificates: true`.",
    applies_to=_KUBELET_KINDS,
    cwe="CWE-324",
    references=(_CERT_ROTATION_REF,),
)
K8S_KUBELET_SERVER_CERT_ROTATION = _rule(
    id="K8S-KUBELET-SERVER-CERT-ROTATION",
    control=_ENC,
    severity=_LOW,
    title="Kubelet serving certificate rotation is turned off",
    description=(
        "The RotateKubeletServerCertificate feature gate (default: true) is set to false, "
        "so kubelets keep self-managed serving certificates nobody can verify or rotate."
    ),
    remediation="Remove `RotateKubeletServerCertificate=false` from the feature gates.",
    applies_to=_KUBELET_KINDS,
    cwe="CWE-324",
    references=(_CERT_ROTATION_REF,),
)
K8S_KUBELET_TLS_CERT = _rule(
    id="K8S-KUBELET-TLS-CERT",
    control=_ENC,
    severity=_LOW,
    title="Kubelet serves a self-signed certificate",
    description=(
        "Without `tlsCertFile` / `--tls-cert-file` and without `serverTLSBootstrap` "
        "(all unset by default) the kubelet generates a self-signed serving certificate, "
        "which the API server cannot verify."
    ),
    remediation=(
        "Set `serverTLSBootstrap: true` (and approve the CSRs) or `tlsCertFile` / "
        "`tlsPrivateKeyFile`."
    ),
    applies_to=_KUBELET_KINDS,
    cwe="CWE-295",
    references=(_KUBELET_CONFIG_REF,),
)
# ---- EncryptionConfiguration
K8S_ENCRYPTION_IDENTITY_FIRST = _rule(
    id="K8S-ENCRYPTION-IDENTITY-FIRST",
    control=_ENC,
    severity=_MED,
    title="Encryption at rest writes data unencrypted",
    description=(
        "The first provider of a resource list is `identity`: new and updated objects "
        "are written to etcd in plain text; the providers after it only decrypt."
    ),
    remediation="Put a kms (v2), secretbox or aesgcm provider first and keep `identity` last.",
    applies_to=("EncryptionConfiguration",),
    cwe="CWE-311",
    references=(_ENCRYPT_REF,),
)
K8S_ENCRYPTION_WEAK_PROVIDER = _rule(
    id="K8S-ENCRYPTION-WEAK-PROVIDER",
    control=_ENC,
    severity=_LOW,
    title="Encryption at rest uses a weak local provider",
    description=(
        "The first provider is aescbc (padding-oracle prone) or aesgcm (needs key "
        "rotation every 200k writes); both keep the key on the control-plane disk."
    ),
    remediation="Prefer a kms v2 provider; otherwise secretbox.",
    applies_to=("EncryptionConfiguration",),
    cwe="CWE-327",
    references=(_ENCRYPT_REF + "#providers",),
)
K8S_ENCRYPTION_SECRETS_NOT_COVERED = _rule(
    id="K8S-ENCRYPTION-SECRETS-NOT-COVERED",
    control=_ENC,
    severity=_MED,
    title="Encryption at rest does not cover secrets",
    description=(
        "No resource list of the EncryptionConfiguration names `secrets` (or a wildcard), "
        "so secrets are stored in plain text in etcd."
    ),
    remediation="Add `secrets` to the resources of an encrypted provider list.",
    applies_to=("EncryptionConfiguration",),
    cwe="CWE-311",
    references=(_ENCRYPT_REF,),
)
# ---- audit Policy
K8S_AUDIT_POLICY_EMPTY = _rule(
    id="K8S-AUDIT-POLICY-EMPTY",
    control=_AC,
    severity=_MED,
    title="Audit policy records nothing",
    description="An audit Policy without rules logs no event at all.",
    remediation="Add rules, ending with a catch-all `- level: Metadata`.",
    applies_to=("Policy",),
    cwe="CWE-778",
    references=(_AUDIT_REF + "#audit-policy",),
)
K8S_AUDIT_POLICY_SENSITIVE_ACTIONS = _rule(
    id="K8S-AUDIT-POLICY-SENSITIVE-ACTIONS",
    control=_AC,
    severity=_LOW,
    title="Audit policy does not record exec, attach or port-forward",
    description=(
        "Requests to pods/exec, pods/attach or pods/portforward match no rule or a "
        "`level: None` rule, so interactive access to containers leaves no audit trace."
    ),
    remediation=(
        "Log these subresources at Metadata level or above before any `level: None` "
        "rule that would match them."
    ),
    applies_to=("Policy",),
    cwe="CWE-778",
    references=(_AUDIT_REF + "#audit-policy",),
)
K8S_AUDIT_POLICY_SECRET_BODIES = _rule(
    id="K8S-AUDIT-POLICY-SECRET-BODIES",
    control=_SEC,
    severity=_MED,
    title="Audit policy writes secret contents to the audit log",
    description=(
        "A rule logs secrets, token requests or token reviews at Request or "
        "RequestResponse level, so credentials are copied into audit logs and their "
        "backends."
    ),
    remediation="Log these resources at Metadata level only, in a rule placed before broader ones.",
    applies_to=("Policy",),
    cwe="CWE-532",
    references=(_AUDIT_REF + "#audit-policy",),
)
# ---- PodSecurityPolicy (removed in 1.25 but still found in repositories)
K8S_PSP_PRIVILEGED = _rule(
    id="K8S-PSP-PRIVILEGED",
    control=_LP,
    severity=_HIGH,
    title="PodSecurityPolicy allows privileged containers",
    description="Pods admitted by this policy may run privileged, with full access to the host.",
    remediation="Set `privileged: false`; migrate to Pod Security Admission (baseline/restricted).",
    applies_to=_PSP,
    cwe="CWE-250",
    references=(
        _PSP_REF,
        _PSS_REF,
    ),
)
K8S_PSP_PRIVILEGE_ESCALATION = _rule(
    id="K8S-PSP-PRIVILEGE-ESCALATION",
    control=_LP,
    severity=_MED,
    title="PodSecurityPolicy allows privilege escalation",
    description=(
        "`allowPrivilegeEscalation` is not false (default: true), so admitted containers "
        "may gain privileges through setuid binaries or file capabilities."
    ),
    remediation="Set `allowPrivilegeEscalation: false`.",
    applies_to=_PSP,
    cwe="CWE-269",
    references=(_PSP_REF,),
)
K8S_PSP_HOST_NAMESPACES = _rule(
    id="K8S-PSP-HOST-NAMESPACES",
    control=_ISO,
    severity=_MED,
    title="PodSecurityPolicy allows host namespaces",
    description=(
        "`hostNetwork`, `hostPID` or `hostIPC` is true, so admitted pods may share the "
        "node's network, processes or IPC."
    ),
    remediation="Set `hostNetwork`, `hostPID` and `hostIPC` to false.",
    applies_to=_PSP,
    cwe="CWE-653",
    references=(_PSP_REF,),
)
K8S_PSP_CAPABILITIES = _rule(
    id="K8S-PSP-CAPABILITIES",
    control=_LP,
    severity=_MED,
    title="PodSecurityPolicy allows dangerous capabilities",
    description=(
        "`allowedCapabilities` or `defaultAddCapabilities` lists `*` or a capability "
        "outside the Pod Security baseline set (such as SYS_ADMIN or NET_ADMIN)."
    ),
    remediation="Allow only the capabilities a workload needs, within the baseline set.",
    applies_to=_PSP,
    cwe="CWE-250",
    references=(
        _PSP_REF,
        _PSS_REF,
    ),
)
K8S_PSP_HOST_PATH = _rule(
    id="K8S-PSP-HOST-PATH",
    control=_ISO,
    severity=_MED,
    title="PodSecurityPolicy allows writable host paths",
    description=(
        "The policy allows hostPath volumes with no `allowedHostPaths`, or allows a host "
        "path without `readOnly: true`, so admitted pods may write to the node."
    ),
    remediation="List `allowedHostPaths` with narrow `pathPrefix` values and `readOnly: true`.",
    applies_to=_PSP,
    cwe="CWE-668",
    references=(_PSP_REF,),
)
K8S_PSP_RUN_AS_ROOT = _rule(
    id="K8S-PSP-RUN-AS-ROOT",
    control=_LP,
    severity=_MED,
    title="PodSecurityPolicy allows containers to run as root",
    description="`runAsUser.rule` is RunAsAny, or a MustRunAs range starts at 0.",
    remediation="Use `runAsUser.rule: MustRunAsNonRoot` or ranges starting above 0.",
    applies_to=_PSP,
    cwe="CWE-250",
    references=(_PSP_REF,),
)
K8S_PSP_NET_RAW = _rule(
    id="K8S-PSP-NET-RAW",
    control=_LP,
    severity=_LOW,
    title="PodSecurityPolicy does not drop NET_RAW",
    description=(
        "`requiredDropCapabilities` contains neither NET_RAW nor ALL, so admitted "
        "containers may craft raw packets (ARP/DNS spoofing inside the node's network)."
    ),
    remediation="Add ALL (or at least NET_RAW) to `requiredDropCapabilities`.",
    applies_to=_PSP,
    cwe="CWE-250",
    references=(_PSP_REF,),
)
K8S_PSP_UNSAFE_SYSCTLS = _rule(
    id="K8S-PSP-UNSAFE-SYSCTLS",
    control=_ISO,
    severity=_MED,
    title="PodSecurityPolicy allows unsafe sysctls",
    description=(
        "`allowedUnsafeSysctls` lets pods set kernel parameters that are not namespaced "
        "and affect every pod on the node."
    ),
    remediation="Remove `allowedUnsafeSysctls`.",
    applies_to=_PSP,
    cwe="CWE-653",
    references=("https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/",),
)
K8S_PSP_UNMASKED_PROC = _rule(
    id="K8S-PSP-UNMASKED-PROC",
    control=_ISO,
    severity=_MED,
    title="PodSecurityPolicy allows an unmasked /proc",
    description=(
        "`allowedProcMountTypes` includes Unmasked, which exposes host kernel information "
        "and writable /proc paths to the container."
    ),
    remediation="Allow only the Default proc mount type.",
    applies_to=_PSP,
    cwe="CWE-653",
    references=(_PSP_REF,),
)
# ---- add-ons
K8S_TILLER_DEPLOYED = _rule(
    id="K8S-TILLER-DEPLOYED",
    control=_AC,
    severity=_MED,
    title="Tiller (Helm v2) is deployed",
    description=(
        "Tiller runs with cluster-wide rights and, unless set up with TLS, serves "
        "unauthenticated gRPC; Helm v2 has been unsupported since 2020."
    ),
    remediation="Migrate to Helm 3 (no in-cluster component) and remove Tiller.",
    applies_to=_WL,
    cwe="CWE-1104",
    references=(_HELM_REF,),
)
K8S_TILLER_EXPOSED = _rule(
    id="K8S-TILLER-EXPOSED",
    control=_AC,
    severity=_HIGH,
    title="Tiller listens beyond localhost",
    description=(
        "Tiller's gRPC API (default `--listen=:44134`, all interfaces) lets any pod in "
        "the cluster install charts with Tiller's cluster-wide rights."
    ),
    remediation="Remove Tiller; until then run it with `--listen=127.0.0.1:44134` and TLS.",
    applies_to=_WL,
    cwe="CWE-306",
    references=(_HELM_REF,),
)
K8S_TILLER_SERVICE = _rule(
    id="K8S-TILLER-SERVICE",
    control=_EXP,
    severity=_MED,
    title="A Service exposes Tiller",
    description=(
        "A Service routes to Tiller's gRPC port, making its cluster-wide install rights "
        "reachable from other pods."
    ),
    remediation="Delete the Tiller Service.",
    applies_to=("Service",),
    cwe="CWE-668",
    references=(_HELM_REF,),
)
K8S_DASHBOARD_DEPLOYED = _rule(
    id="K8S-DASHBOARD-DEPLOYED",
    control=_AC,
    severity=_LOW,
    title="Kubernetes dashboard is deployed",
    description=(
        "The dashboard is a web console to the cluster; exposed or bound to a broad "
        "service account it has been a common entry point for attackers."
    ),
    remediation=(
        "Remove it if unused; otherwise keep it internal, behind authentication, with a "
        "minimal service account."
    ),
    applies_to=_WL,
    cwe="CWE-668",
    references=(_DASHBOARD_REF,),
)
K8S_DASHBOARD_SKIP_LOGIN = _rule(
    id="K8S-DASHBOARD-SKIP-LOGIN",
    control=_AC,
    severity=_HIGH,
    title="Kubernetes dashboard allows access without login",
    description=(
        "`--enable-skip-login` or `--enable-insecure-login` (both default false) let "
        "visitors use the dashboard's own service account without credentials."
    ),
    remediation="Remove `--enable-skip-login` and `--enable-insecure-login`.",
    applies_to=_WL,
    cwe="CWE-306",
    references=(_DASHBOARD_REF,),
)
RULES: tuple[Rule, ...] = (
    K8S_APISERVER_AUTHZ_ALWAYS_ALLOW,
    K8S_APISERVER_NO_RBAC,
    K8S_APISERVER_NO_NODE_AUTHORIZER,
    K8S_APISERVER_ANONYMOUS_AUTH,
    K8S_APISERVER_STATIC_CREDENTIALS,
    K8S_APISERVER_INSECURE_PORT,
    K8S_APISERVER_SECURE_PORT_DISABLED,
    K8S_APISERVER_SA_LOOKUP_DISABLED,
    K8S_APISERVER_PROFILING,
    K8S_APISERVER_AUDIT_DISABLED,
    K8S_APISERVER_ALWAYS_ADMIT,
    K8S_APISERVER_NODE_RESTRICTION,
    K8S_APISERVER_ALWAYS_PULL_IMAGES,
    K8S_APISERVER_ADMISSION_PLUGIN_DISABLED,
    K8S_APISERVER_ETCD_TLS,
    K8S_APISERVER_KUBELET_HTTPS,
    K8S_APISERVER_KUBELET_CA,
    K8S_APISERVER_KUBELET_CLIENT_CERT,
    K8S_APISERVER_TLS_CERT,
    K8S_APISERVER_ENCRYPTION_AT_REST,
    K8S_CONTROL_PLANE_WEAK_TLS,
    K8S_CONTROLLER_PROFILING,
    K8S_CONTROLLER_SA_CREDENTIALS,
    K8S_CONTROLLER_ROOT_CA,
    K8S_CONTROLLER_BIND_ADDRESS,
    K8S_SCHEDULER_PROFILING,
    K8S_SCHEDULER_BIND_ADDRESS,
    K8S_ETCD_CLIENT_TLS,
    K8S_ETCD_CLIENT_CERT_AUTH,
    K8S_ETCD_PEER_TLS,
    K8S_ETCD_PEER_CLIENT_CERT_AUTH,
    K8S_ETCD_AUTO_TLS,
    K8S_ETCD_SHARED_CA,
    K8S_KUBELET_ANONYMOUS_AUTH,
    K8S_KUBELET_AUTHZ_ALWAYS_ALLOW,
    K8S_KUBELET_READ_ONLY_PORT,
    K8S_KUBELET_PROTECT_KERNEL_DEFAULTS,
    K8S_KUBELET_IPTABLES_CHAINS,
    K8S_KUBELET_STREAMING_TIMEOUT,
    K8S_KUBELET_CERT_ROTATION,
    K8S_KUBELET_SERVER_CERT_ROTATION,
    K8S_KUBELET_TLS_CERT,
    K8S_ENCRYPTION_IDENTITY_FIRST,
    K8S_ENCRYPTION_WEAK_PROVIDER,
    K8S_ENCRYPTION_SECRETS_NOT_COVERED,
    K8S_AUDIT_POLICY_EMPTY,
    K8S_AUDIT_POLICY_SENSITIVE_ACTIONS,
    K8S_AUDIT_POLICY_SECRET_BODIES,
    K8S_PSP_PRIVILEGED,
    K8S_PSP_PRIVILEGE_ESCALATION,
    K8S_PSP_HOST_NAMESPACES,
    K8S_PSP_CAPABILITIES,
    K8S_PSP_HOST_PATH,
    K8S_PSP_RUN_AS_ROOT,
    K8S_PSP_NET_RAW,
    K8S_PSP_UNSAFE_SYSCTLS,
    K8S_PSP_UNMASKED_PROC,
    K8S_TILLER_DEPLOYED,
    K8S_TILLER_EXPOSED,
    K8S_TILLER_SERVICE,
    K8S_DASHBOARD_DEPLOYED,
    K8S_DASHBOARD_SKIP_LOGIN,
)

# ---------------------------------------------------------------------------
# Flags of a component, wherever they come from.

_APISERVER, _CONTROLLER, _SCHEDULER, _ETCD, _KUBELET = (
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "etcd",
    "kubelet",
)
_EXECUTABLES = frozenset({_APISERVER, _CONTROLLER, _SCHEDULER, _ETCD, _KUBELET})
_HYPERKUBE = {
    "apiserver": _APISERVER,
    "controller-manager": _CONTROLLER,
    "scheduler": _SCHEDULER,
    "kubelet": _KUBELET,
}
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})
_ARCH_SUFFIXES = ("-amd64", "-arm64", "-arm", "-ppc64le", "-s390x")

_ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - a default we report on, not a bind
# Compiled-in defaults of the versions still in use (1.2x), as flag strings.
_DEFAULTS: dict[str, dict[str, str]] = {
    _APISERVER: {
        "anonymous-auth": "true",
        "authorization-mode": "AlwaysAllow",
        "profiling": "true",
        "insecure-port": "0",
        "secure-port": "6443",
        "kubelet-https": "true",
        "service-account-lookup": "true",
    },
    _CONTROLLER: {
        "profiling": "true",
        "use-service-account-credentials": "false",
        "bind-address": _ALL_INTERFACES,
    },
    _SCHEDULER: {"profiling": "true", "bind-address": _ALL_INTERFACES},
    _ETCD: {"client-cert-auth": "false", "peer-client-cert-auth": "false", "auto-tls": "false"},
    _KUBELET: {
        "anonymous-auth": "true",
        "authorization-mode": "AlwaysAllow",
        "read-only-port": "10255",
        "protect-kernel-defaults": "false",
        "make-iptables-util-chains": "true",
        "streaming-connection-idle-timeout": "4h0m0s",
        "rotate-certificates": "false",
    },
}
# KubeletConfiguration (kubelet.config.k8s.io/v1beta1) defaults.
_KUBELET_CONFIG_DEFAULTS = {
    "anonymous-auth": "false",
    "authorization-mode": "Webhook",
    "read-only-port": "0",
    "protect-kernel-defaults": "false",
    "make-iptables-util-chains": "true",
    "rotate-certificates": "false",
    "rotate-server-certificates": "false",
    "tls-cert-file": "",
}
# Boolean flags: a bare ``--flag`` means true and never takes the next word.
_BOOL_FLAGS = frozenset(
    {
        "anonymous-auth",
        "profiling",
        "client-cert-auth",
        "peer-client-cert-auth",
        "auto-tls",
        "peer-auto-tls",
        "kubelet-https",
        "service-account-lookup",
        "use-service-account-credentials",
        "protect-kernel-defaults",
        "make-iptables-util-chains",
        "rotate-certificates",
        "rotate-server-certificates",
        "enable-skip-login",
        "enable-insecure-login",
        "allow-privileged",
    }
)
_TRUE = frozenset({"1", "t", "true"})
_FALSE = frozenset({"0", "f", "false"})


@dataclass(frozen=True, slots=True)
class Flag:
    name: str
    value: str
    line: int


@dataclass(frozen=True, slots=True)
class Component:
    """One configured control-plane component and how its unset flags are judged."""

    name: str  # kube-apiserver | kube-controller-manager | kube-scheduler | etcd | kubelet
    path: str
    resource: str
    where: str  # human description of the place, for messages
    key: str  # stable locator of the place (container key, config kind)
    anchor: int  # line to point at when a flag is missing
    flags: Mapping[str, Flag]
    defaults: Mapping[str, str]
    complete: bool  # True: every unset flag has its compiled-in default
    spelling: Mapping[str, str] = field(default_factory=dict)  # flag -> config field name

    def spell(self, name: str) -> str:
        return self.spelling.get(name, f"--{name}")

    def flag(self, name: str) -> Flag | None:
        return self.flags.get(name)

    def value(self, name: str) -> str | None:
        """Effective value; "" when unset with no default; None when unknowable."""
        flag = self.flags.get(name)
        if flag is not None:
            return flag.value
        if self.complete or name in self.defaults:
            return self.defaults.get(name, "")
        return None

    def unset(self, name: str) -> bool:
        return self.value(name) == ""

    def hit(self, rule: Rule, name: str, message: str, suffix: str = "") -> Hit:
        """A finding on flag ``name``: its item when present, else the anchor."""
        flag = self.flags.get(name)
        line = flag.line if flag is not None else self.anchor
        return Hit(
            rule,
            self.path,
            line,
            self.resource,
            f"{self.where}: {message}",
            f"{self.key}.{name}{suffix}",
        )

    def hit_missing(self, rule: Rule, topic: str, missing: list[str]) -> Hit:
        """A finding about flags that are absent: always at the anchor."""
        return Hit(
            rule,
            self.path,
            self.anchor,
            self.resource,
            f"{self.where}: {', '.join(missing)} unset",
            f"{self.key}.{topic}",
        )


def _is_true(value: str | None) -> bool:
    return value is not None and value.strip().lower() in _TRUE


def _is_false(value: str | None) -> bool:
    return value is not None and value.strip().lower() in _FALSE


def _items(value: str | None) -> list[str]:
    if not value:
        return []
    return [v.strip() for v in value.split(",") if v.strip()]


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=False)
    except ValueError:
        return text.split()


def _tokens(body: YMap) -> list[tuple[str, int]]:
    """The words of command + args with the line of each."""
    out: list[tuple[str, int]] = []
    for key in ("command", "args"):
        value = body.get(key)
        if isinstance(value, YSeq):
            for index, item in enumerate(value):
                text = _scalar(item)
                if text is not None:
                    out.append((text, value.line_of(index)))
        elif isinstance(value, str):
            out.extend((word, body.line_of(key)) for word in _split(value))
    return out


def _unwrap(tokens: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Look through ``sh -c "exec kube-apiserver ..."``."""
    if len(tokens) >= 3 and _basename(tokens[0][0]) in _SHELLS and tokens[1][0] == "-c":
        line = tokens[2][1]
        words = _split(tokens[2][0])
        if words and words[0] == "exec":
            words = words[1:]
        return [(w, line) for w in words]
    return tokens


def _basename(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def _image_binary(image: str) -> str | None:
    """The component an image ships as its entrypoint (``registry.k8s.io/kube-apiserver``)."""
    name = _image_repo(image).rsplit("/", 1)[-1]
    for suffix in _ARCH_SUFFIXES:
        name = name.removesuffix(suffix)
    return name if name in _EXECUTABLES else None


def _identify(
    tokens: list[tuple[str, int]], image: str = ""
) -> tuple[str, list[tuple[str, int]]] | None:
    """The component a container runs, by its binary: never by a flag's value.

    With a ``command`` the binary is its first word. Without one the image's
    entrypoint runs, so the image names the binary and every word is an argument.
    """
    tokens = _unwrap(tokens)
    if not tokens:
        return None
    first = tokens[0][0]
    if first.startswith("-"):
        binary = _image_binary(image)
        return (binary, tokens) if binary is not None else None
    exe = _basename(first)
    if exe in _EXECUTABLES:
        return exe, tokens[1:]
    if exe == "hyperkube" and len(tokens) > 1:
        sub = _basename(tokens[1][0])
        sub = _HYPERKUBE.get(sub, sub)
        if sub in _EXECUTABLES and sub != _ETCD:
            return sub, tokens[2:]
    return None


def _parse_flags(tokens: list[tuple[str, int]]) -> dict[str, Flag]:
    flags: dict[str, Flag] = {}
    i = 0
    while i < len(tokens):
        text, line = tokens[i]
        i += 1
        if not text.startswith("-") or text.strip("-") == "":
            continue
        name = text.lstrip("-")
        if "=" in name:
            name, value = name.split("=", 1)
        elif name not in _BOOL_FLAGS and i < len(tokens) and not tokens[i][0].startswith("-"):
            value = tokens[i][0]
            i += 1
        else:
            value = "true"
        flags[name] = Flag(name, value.strip(), line)
    return flags


def _anchor(body: YMap) -> int:
    for key in ("command", "args"):
        if key in body:
            return body.line_of(key)
    return body.line_of("name")


def _container_component(w: Workload, c: Container) -> Component | None:
    found = _identify(_tokens(c.body), c.image)
    if found is None:
        return None
    name, rest = found
    flags = _parse_flags(rest)
    complete = not (name == _KUBELET and "config" in flags)
    return Component(
        name,
        w.path,
        w.id,
        f"{name} in container {c.name!r} of {w.id}",
        c.key,
        _anchor(c.body),
        flags,
        _DEFAULTS[name] if complete else {},
        complete,
    )


# ---------------------------------------------------------------------------
# Configuration objects turned into components.


def _resource(obj: K8sObject) -> str:
    """Config files often have no metadata: name them by file (and document)."""
    if "name" in obj.metadata:
        return obj.id
    return f"{obj.kind}/{obj.path}" + (f"#{obj.doc_index + 1}" if obj.doc_index else "")


_Convert = Callable[[Any], "str | None"]


def _kubelet_config(obj: K8sObject) -> Component:
    body = obj.body
    flags: dict[str, Flag] = {}

    def put(flag: str, node: Any, key: str, convert: _Convert = _scalar) -> None:
        if isinstance(node, YMap) and key in node:
            raw = node[key]
            text = convert(raw)
            if text is not None:
                flags[flag] = Flag(flag, text, node.line_of(key))

    put("anonymous-auth", get_map(body, "authentication", "anonymous"), "enabled")
    put("authorization-mode", get_map(body, "authorization"), "mode")
    for flag, key in _KUBELET_FIELDS.items():
        if "." not in key:
            put(flag, body, key)
    put("tls-cipher-suites", body, "tlsCipherSuites", _join_list)
    put("feature-gates", body, "featureGates", _join_gates)
    return Component(
        _KUBELET,
        obj.path,
        _resource(obj),
        f"KubeletConfiguration in {obj.path}",
        "KubeletConfiguration",
        body.line_of("kind"),
        flags,
        _KUBELET_CONFIG_DEFAULTS,
        False,
        _KUBELET_FIELDS,
    )


_KUBELET_FIELDS = {
    "anonymous-auth": "authentication.anonymous.enabled",
    "authorization-mode": "authorization.mode",
    "read-only-port": "readOnlyPort",
    "protect-kernel-defaults": "protectKernelDefaults",
    "make-iptables-util-chains": "makeIPTablesUtilChains",
    "streaming-connection-idle-timeout": "streamingConnectionIdleTimeout",
    "rotate-certificates": "rotateCertificates",
    "rotate-server-certificates": "serverTLSBootstrap",
    "tls-cert-file": "tlsCertFile",
    "tls-min-version": "tlsMinVersion",
}


def _join_list(value: Any) -> str | None:
    if isinstance(value, list):
        return ",".join(t for t in (_scalar(v) for v in value) if t is not None)
    return _scalar(value)


def _join_gates(value: Any) -> str | None:
    if isinstance(value, dict):
        return ",".join(f"{k}={_scalar(v)}" for k, v in value.items())
    return None


def _scheduler_config(obj: K8sObject) -> Component:
    body = obj.body
    flags: dict[str, Flag] = {}
    text = _scalar(body.get("enableProfiling"))
    if text is not None:
        flags["profiling"] = Flag("profiling", text, body.line_of("enableProfiling"))
    return Component(
        _SCHEDULER,
        obj.path,
        _resource(obj),
        f"KubeSchedulerConfiguration in {obj.path}",
        "KubeSchedulerConfiguration",
        body.line_of("kind"),
        flags,
        {"profiling": "true"},
        False,
        {"profiling": "enableProfiling"},
    )


_KUBEADM_SECTIONS = (
    (("apiServer",), _APISERVER),
    (("controllerManager",), _CONTROLLER),
    (("scheduler",), _SCHEDULER),
    (("etcd", "local"), _ETCD),
)


def _kubeadm_components(obj: K8sObject) -> Iterator[Component]:
    """kubeadm ClusterConfiguration extraArgs; kubeadm sets secure values for the rest."""
    for path, name in _KUBEADM_SECTIONS:
        section = get_map(obj.body, *path)
        if section is None or "extraArgs" not in section:
            continue
        flags: dict[str, Flag] = {}
        extra = section.get("extraArgs")
        if isinstance(extra, YMap):  # v1beta3: a map
            for key, raw in extra.items():
                text = _scalar(raw)
                if text is not None:
                    flags[str(key)] = Flag(str(key), text, extra.line_of(key))
        elif isinstance(extra, YSeq):  # v1beta4: a list of {name, value}
            for item in extra:
                if isinstance(item, YMap) and isinstance(item.get("name"), str):
                    text = _scalar(item.get("value")) or ""
                    flags[item["name"]] = Flag(item["name"], text, item.line_of("value"))
        where = f"{name} extraArgs of {obj.kind} in {obj.path}"
        yield Component(
            name,
            obj.path,
            _resource(obj),
            where,
            f"{'.'.join(path)}.extraArgs",
            section.line_of("extraArgs"),
            flags,
            {},
            False,
        )


def _components(ctx: ConfigContext, views: list[Workload]) -> list[Component]:
    out: list[Component] = []
    for w in views:
        for c in w.containers():
            comp = _container_component(w, c)
            if comp is not None:
                out.append(comp)
    for obj in ctx.inventory.kubernetes:
        group = obj.api_version.split("/", 1)[0]
        if obj.kind == "KubeletConfiguration" and group == "kubelet.config.k8s.io":
            out.append(_kubelet_config(obj))
        elif obj.kind == "KubeSchedulerConfiguration" and group == "kubescheduler.config.k8s.io":
            out.append(_scheduler_config(obj))
        elif obj.kind == "ClusterConfiguration" and group == "kubeadm.k8s.io":
            out.extend(_kubeadm_components(obj))
    return out


# ---------------------------------------------------------------------------
# Component checks.


def _apiserver(c: Component) -> Iterator[Hit]:
    yield from _apiserver_authn(c)
    yield from _apiserver_authz(c)
    yield from _apiserver_admission(c)
    yield from _apiserver_tls(c)
    yield from _apiserver_audit(c)


def _apiserver_authn(c: Component) -> Iterator[Hit]:
    anonymous = c.value("anonymous-auth")
    if anonymous is not None and not _is_false(anonymous):
        yield c.hit(
            K8S_APISERVER_ANONYMOUS_AUTH,
            "anonymous-auth",
            _explicit_or_default(c, "anonymous-auth", "anonymous requests are allowed"),
        )
    for name in ("token-auth-file", "basic-auth-file"):
        if c.value(name):
            yield c.hit(
                K8S_APISERVER_STATIC_CREDENTIALS,
                name,
                f"--{name} keeps static credentials in a file",
            )
    if c.value("service-account-lookup") is not None and _is_false(
        c.value("service-account-lookup")
    ):
        yield c.hit(
            K8S_APISERVER_SA_LOOKUP_DISABLED,
            "service-account-lookup",
            "tokens of deleted service accounts stay valid",
        )
    insecure_port = c.value("insecure-port")
    if c.flag("insecure-port") is not None and insecure_port != "0":
        yield c.hit(
            K8S_APISERVER_INSECURE_PORT,
            "insecure-port",
            f"--insecure-port={insecure_port} serves the API without authentication",
        )
    if c.value("insecure-bind-address") and c.flag("insecure-port") is None:
        yield c.hit(
            K8S_APISERVER_INSECURE_PORT,
            "insecure-bind-address",
            "--insecure-bind-address enables the unauthenticated port (8080 before 1.20)",
        )
    if c.value("secure-port") == "0":
        yield c.hit(
            K8S_APISERVER_SECURE_PORT_DISABLED, "secure-port", "--secure-port=0 disables HTTPS"
        )
    if c.value("profiling") is not None and not _is_false(c.value("profiling")):
        yield c.hit(
            K8S_APISERVER_PROFILING,
            "profiling",
            _explicit_or_default(c, "profiling", "profiling endpoints are on"),
        )


def _explicit_or_default(c: Component, name: str, what: str) -> str:
    if c.flag(name) is not None:
        return what
    return f"{what} ({c.spell(name)} unset, default {c.defaults.get(name, 'unset')})"


def _apiserver_authz(c: Component) -> Iterator[Hit]:
    mode = c.value("authorization-mode")
    if mode is None:
        return
    modes = _items(mode)
    if "AlwaysAllow" in modes and c.flag("authorization-config") is None:
        msg = _explicit_or_default(c, "authorization-mode", "every request is authorized")
        yield c.hit(K8S_APISERVER_AUTHZ_ALWAYS_ALLOW, "authorization-mode", msg)
        return
    if c.flag("authorization-mode") is None:
        return
    if "RBAC" not in modes and "Webhook" not in modes:
        yield c.hit(
            K8S_APISERVER_NO_RBAC,
            "authorization-mode",
            f"--authorization-mode={mode} does not include RBAC",
        )
    if "Node" not in modes:
        yield c.hit(
            K8S_APISERVER_NO_NODE_AUTHORIZER,
            "authorization-mode",
            f"--authorization-mode={mode} does not include Node",
        )


_SECURITY_PLUGINS = (
    "NamespaceLifecycle",
    "ServiceAccount",
    "PodSecurity",
    "NodeRestriction",
    "ValidatingAdmissionWebhook",
    "MutatingAdmissionWebhook",
    "ValidatingAdmissionPolicy",
    "CertificateApproval",
    "CertificateSigning",
    "CertificateSubjectRestriction",
)


def _apiserver_admission(c: Component) -> Iterator[Hit]:
    enable_name = "enable-admission-plugins"
    if c.flag(enable_name) is None and c.flag("admission-control") is not None:
        enable_name = "admission-control"  # the pre-1.10 flag
    enabled = c.value(enable_name)
    if enabled is not None:
        plugins = _items(enabled)
        if "AlwaysAdmit" in plugins:
            yield c.hit(K8S_APISERVER_ALWAYS_ADMIT, enable_name, "AlwaysAdmit is enabled")
        if "NodeRestriction" not in plugins:
            yield c.hit(
                K8S_APISERVER_NODE_RESTRICTION,
                enable_name,
                "NodeRestriction is not among the enabled admission plugins",
            )
        if "AlwaysPullImages" not in plugins:
            yield c.hit(
                K8S_APISERVER_ALWAYS_PULL_IMAGES,
                enable_name,
                "AlwaysPullImages is not among the enabled admission plugins",
            )
    disabled = [p for p in _items(c.value("disable-admission-plugins")) if p in _SECURITY_PLUGINS]
    if disabled:
        yield c.hit(
            K8S_APISERVER_ADMISSION_PLUGIN_DISABLED,
            "disable-admission-plugins",
            f"security admission plugins disabled: {', '.join(disabled)}",
        )


def _missing(c: Component, names: Iterable[str]) -> list[str]:
    return [f"--{n}" for n in names if c.unset(n)]


def _apiserver_tls(c: Component) -> Iterator[Hit]:
    missing = _missing(c, ("etcd-cafile", "etcd-certfile", "etcd-keyfile"))
    if missing:
        yield c.hit_missing(K8S_APISERVER_ETCD_TLS, "etcd-client-tls", missing)
    plain = [s for s in _items(c.value("etcd-servers")) if s.lower().startswith("http://")]
    if plain:
        yield c.hit(
            K8S_APISERVER_ETCD_TLS,
            "etcd-servers",
            f"etcd reached over plain HTTP: {', '.join(plain)}",
        )
    if _is_false(c.value("kubelet-https")):
        yield c.hit(
            K8S_APISERVER_KUBELET_HTTPS,
            "kubelet-https",
            "--kubelet-https=false sends kubelet traffic in clear text",
        )
    if c.unset("kubelet-certificate-authority"):
        yield c.hit(
            K8S_APISERVER_KUBELET_CA,
            "kubelet-certificate-authority",
            "--kubelet-certificate-authority is unset",
        )
    missing = _missing(c, ("kubelet-client-certificate", "kubelet-client-key"))
    if missing:
        yield c.hit_missing(K8S_APISERVER_KUBELET_CLIENT_CERT, "kubelet-client-cert", missing)
    missing = _missing(c, ("tls-cert-file", "tls-private-key-file"))
    if missing:
        yield c.hit_missing(K8S_APISERVER_TLS_CERT, "serving-cert", missing)
    if c.unset("encryption-provider-config"):
        yield c.hit(
            K8S_APISERVER_ENCRYPTION_AT_REST,
            "encryption-provider-config",
            "--encryption-provider-config is unset: secrets are stored in plain text",
        )


def _apiserver_audit(c: Component) -> Iterator[Hit]:
    if c.value("audit-policy-file") is None:
        return
    missing = _missing(c, ("audit-policy-file",))
    if c.unset("audit-log-path") and c.unset("audit-webhook-config-file"):
        missing.append("--audit-log-path (or --audit-webhook-config-file)")
    if missing:
        yield c.hit_missing(K8S_APISERVER_AUDIT_DISABLED, "audit", missing)


def _profiling(c: Component, rule: Rule) -> Iterator[Hit]:
    value = c.value("profiling")
    if value is not None and not _is_false(value):
        yield c.hit(
            rule, "profiling", _explicit_or_default(c, "profiling", "profiling endpoints are on")
        )


def _bind_address(c: Component, rule: Rule) -> Iterator[Hit]:
    value = c.value("bind-address")
    if value and not _is_loopback(value):
        yield c.hit(
            rule, "bind-address", _explicit_or_default(c, "bind-address", f"listens on {value}")
        )


def _is_loopback(address: str) -> bool:
    host = address.strip().strip("[]").lower()
    return host.startswith("127.") or host in ("::1", "localhost")


def _controller(c: Component) -> Iterator[Hit]:
    yield from _profiling(c, K8S_CONTROLLER_PROFILING)
    yield from _bind_address(c, K8S_CONTROLLER_BIND_ADDRESS)
    value = c.value("use-service-account-credentials")
    if value is not None and not _is_true(value):
        yield c.hit(
            K8S_CONTROLLER_SA_CREDENTIALS,
            "use-service-account-credentials",
            _explicit_or_default(
                c, "use-service-account-credentials", "controllers share one identity"
            ),
        )
    if c.unset("root-ca-file"):
        yield c.hit(K8S_CONTROLLER_ROOT_CA, "root-ca-file", "--root-ca-file is unset")
    yield from _server_rotation(c)


def _scheduler(c: Component) -> Iterator[Hit]:
    yield from _profiling(c, K8S_SCHEDULER_PROFILING)
    yield from _bind_address(c, K8S_SCHEDULER_BIND_ADDRESS)


def _etcd(c: Component) -> Iterator[Hit]:
    missing = _missing(c, ("cert-file", "key-file"))
    if missing and not _is_true(c.value("auto-tls")):
        yield c.hit_missing(K8S_ETCD_CLIENT_TLS, "client-tls", missing)
    value = c.value("client-cert-auth")
    if value is not None and not _is_true(value):
        yield c.hit(
            K8S_ETCD_CLIENT_CERT_AUTH,
            "client-cert-auth",
            _explicit_or_default(
                c, "client-cert-auth", "clients are not required to present certificates"
            ),
        )
    for name in ("auto-tls", "peer-auto-tls"):
        if _is_true(c.value(name)):
            yield c.hit(K8S_ETCD_AUTO_TLS, name, f"--{name} uses self-signed certificates")
    yield from _etcd_peers(c)


def _etcd_peers(c: Component) -> Iterator[Hit]:
    peer_files = ("peer-cert-file", "peer-key-file")
    missing = _missing(c, peer_files)
    partial = 0 < len(missing) < len(peer_files)
    members = [m for m in _items(c.value("initial-cluster")) if "=" in m]
    clustered = len(members) > 1
    if missing and (partial or clustered):
        yield c.hit_missing(K8S_ETCD_PEER_TLS, "peer-tls", missing)
    value = c.value("peer-client-cert-auth")
    explicit_off = c.flag("peer-client-cert-auth") is not None and not _is_true(value)
    relevant = clustered or len(missing) < len(peer_files)
    if explicit_off or (relevant and value is not None and not _is_true(value)):
        yield c.hit(
            K8S_ETCD_PEER_CLIENT_CERT_AUTH,
            "peer-client-cert-auth",
            _explicit_or_default(
                c, "peer-client-cert-auth", "peers are not required to present certificates"
            ),
        )


def _kubelet(c: Component) -> Iterator[Hit]:
    value = c.value("anonymous-auth")
    if value is not None and not _is_false(value):
        yield c.hit(
            K8S_KUBELET_ANONYMOUS_AUTH,
            "anonymous-auth",
            _explicit_or_default(c, "anonymous-auth", "anonymous requests are allowed"),
        )
    value = c.value("authorization-mode")
    if value is not None and "AlwaysAllow" in _items(value):
        yield c.hit(
            K8S_KUBELET_AUTHZ_ALWAYS_ALLOW,
            "authorization-mode",
            _explicit_or_default(c, "authorization-mode", "every request is authorized"),
        )
    value = c.value("read-only-port")
    if value is not None and value.strip() not in ("0", ""):
        yield c.hit(
            K8S_KUBELET_READ_ONLY_PORT,
            "read-only-port",
            _explicit_or_default(c, "read-only-port", f"read-only port {value} is open"),
        )
    value = c.value("protect-kernel-defaults")
    if value is not None and not _is_true(value):
        yield c.hit(
            K8S_KUBELET_PROTECT_KERNEL_DEFAULTS,
            "protect-kernel-defaults",
            _explicit_or_default(c, "protect-kernel-defaults", "kernel defaults are not protected"),
        )
    if _is_false(c.value("make-iptables-util-chains")):
        yield c.hit(
            K8S_KUBELET_IPTABLES_CHAINS,
            "make-iptables-util-chains",
            "iptables utility chains are not managed",
        )
    if _is_zero_duration(c.value("streaming-connection-idle-timeout")):
        yield c.hit(
            K8S_KUBELET_STREAMING_TIMEOUT,
            "streaming-connection-idle-timeout",
            "idle streaming connections never time out",
        )
    value = c.value("rotate-certificates")
    if value is not None and not _is_true(value):
        yield c.hit(
            K8S_KUBELET_CERT_ROTATION,
            "rotate-certificates",
            _explicit_or_default(c, "rotate-certificates", "client certificate rotation is off"),
        )
    yield from _kubelet_serving_cert(c)
    yield from _server_rotation(c)


def _kubelet_serving_cert(c: Component) -> Iterator[Hit]:
    if c.unset("tls-cert-file") and not _is_true(c.value("rotate-server-certificates")):
        yield c.hit(
            K8S_KUBELET_TLS_CERT,
            "tls-cert-file",
            "no serving certificate and no serverTLSBootstrap: self-signed certificate",
        )


def _server_rotation(c: Component) -> Iterator[Hit]:
    for gate in _items(c.value("feature-gates")):
        name, _, value = gate.partition("=")
        if name.strip() == "RotateKubeletServerCertificate" and _is_false(value):
            yield c.hit(
                K8S_KUBELET_SERVER_CERT_ROTATION,
                "feature-gates",
                "RotateKubeletServerCertificate=false",
            )


_DURATION = re.compile(r"^(?:0+(?:\.0*)?(?:ns|us|µs|ms|s|m|h)?)+$")


def _is_zero_duration(value: str | None) -> bool:
    return value is not None and bool(_DURATION.match(value.strip()))


# Suites Go's crypto/tls lists as insecure, plus anything obviously broken.
_INSECURE_SUITES = frozenset(
    {
        "TLS_RSA_WITH_RC4_128_SHA",
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        "TLS_RSA_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
        "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
        "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    }
)
_BROKEN_SUITE = re.compile(r"RC4|3DES|_DES_|NULL|EXPORT|MD5|ANON", re.IGNORECASE)
_OLD_TLS = frozenset({"VersionTLS10", "VersionTLS11", "TLS1.0", "TLS1.1"})


def _weak_tls(c: Component) -> Iterator[Hit]:
    for name in ("tls-cipher-suites", "cipher-suites"):
        weak = [
            s
            for s in _items(c.value(name))
            if s.upper() in _INSECURE_SUITES or _BROKEN_SUITE.search(s)
        ]
        if weak:
            yield c.hit(
                K8S_CONTROL_PLANE_WEAK_TLS, name, f"weak cipher suites allowed: {', '.join(weak)}"
            )
    version = c.value("tls-min-version")
    if version and version.strip() in _OLD_TLS:
        yield c.hit(
            K8S_CONTROL_PLANE_WEAK_TLS, "tls-min-version", f"minimum TLS version is {version}"
        )


_CHECKS = {
    _APISERVER: _apiserver,
    _CONTROLLER: _controller,
    _SCHEDULER: _scheduler,
    _ETCD: _etcd,
    _KUBELET: _kubelet,
}


def _shared_ca(components: list[Component]) -> Iterator[Hit]:
    client_cas = {
        v.strip()
        for c in components
        if c.name == _APISERVER
        for v in [c.value("client-ca-file")]
        if v
    }
    for c in components:
        trusted = c.value("trusted-ca-file") if c.name == _ETCD else None
        if trusted and trusted.strip() in client_cas:
            yield c.hit(
                K8S_ETCD_SHARED_CA,
                "trusted-ca-file",
                f"--trusted-ca-file {trusted} is also the API server's client CA",
            )


# ---------------------------------------------------------------------------
# EncryptionConfiguration


def _encryption(obj: K8sObject) -> Iterator[Hit]:
    entries = obj.body.get("resources")
    if not isinstance(entries, YSeq):
        return
    covered = False
    for index, entry in enumerate(entries):
        if not isinstance(entry, YMap):
            continue
        names = {str(r) for r in get_seq(entry, "resources") if isinstance(r, str)}
        covers_secrets = bool(names & {"secrets", "*.", "*.*"})
        covered = covered or covers_secrets
        providers = entry.get("providers")
        if not isinstance(providers, YSeq) or not providers:
            continue
        first = providers[0]
        kind = next(iter(first), "") if isinstance(first, YMap) and first else ""
        what = ", ".join(sorted(names)) or "resources"
        key = f"resources[{index}].providers"
        line = entry.line_of("providers")
        if kind == "identity":
            yield Hit(
                K8S_ENCRYPTION_IDENTITY_FIRST,
                obj.path,
                line,
                _resource(obj),
                f"{what} are written unencrypted: identity is the first provider",
                key,
            )
        elif kind in ("aescbc", "aesgcm"):
            yield Hit(
                K8S_ENCRYPTION_WEAK_PROVIDER,
                obj.path,
                line,
                _resource(obj),
                f"{what} are encrypted with {kind}",
                key,
            )
    if not covered:
        yield Hit(
            K8S_ENCRYPTION_SECRETS_NOT_COVERED,
            obj.path,
            obj.body.line_of("resources"),
            _resource(obj),
            "no provider list covers secrets",
            "resources",
        )


# ---------------------------------------------------------------------------
# Audit Policy: first matching rule decides the level.

_LEVELS = ("None", "Metadata", "Request", "RequestResponse")
_SENSITIVE_SUBRESOURCES = ("pods/exec", "pods/attach", "pods/portforward")
# (API group, resource) whose request or response bodies carry credentials.
_SECRET_RESOURCES = (
    ("", "secrets"),
    ("", "serviceaccounts/token"),
    ("authentication.k8s.io", "tokenreviews"),
)


def _names_match(names: list[str], resource: str) -> bool:
    """The API server's matching: exact, "*", "*/sub" and "resource/*"."""
    if not names:
        return True
    main, _, sub = resource.partition("/")
    for name in names:
        if name in (resource, "*"):
            return True
        if sub and name.startswith("*/") and name[2:] == sub:
            return True
        if name.endswith("/*") and name[:-2] == main:
            return True
    return False


def _audit_matches(
    rule: YMap, api_group: str, resource: str, verb: str, unrestricted: bool
) -> bool:
    if "nonResourceURLs" in rule:
        return False
    if unrestricted and any(k in rule for k in ("users", "userGroups", "namespaces")):
        return False
    verbs = [str(v) for v in get_seq(rule, "verbs")]
    if verbs and verb not in verbs and "*" not in verbs:
        return False
    groups = get_seq(rule, "resources")
    if not groups:
        return True
    for group in groups:
        if not isinstance(group, YMap) or str(group.get("group") or "") != api_group:
            continue
        if "resourceNames" in group:
            continue
        names = [str(n) for n in get_seq(group, "resources")]
        if _names_match(names, resource):
            return True
    return False


def _first_match(
    rules: YSeq, api_group: str, resource: str, verb: str, unrestricted: bool
) -> int | None:
    for index, rule in enumerate(rules):
        if isinstance(rule, YMap) and _audit_matches(rule, api_group, resource, verb, unrestricted):
            return index
    return None


def _audit_policy(obj: K8sObject) -> Iterator[Hit]:
    body = obj.body
    rules = body.get("rules")
    res = _resource(obj)
    if not isinstance(rules, YSeq) or not rules:
        line = body.line_of("rules") if "rules" in body else body.line_of("kind")
        yield Hit(K8S_AUDIT_POLICY_EMPTY, obj.path, line, res, "the policy has no rules", "rules")
        return
    unlogged: dict[int, list[str]] = {}
    for sub in _SENSITIVE_SUBRESOURCES:
        index = _first_match(rules, "", sub, "create", True)
        if index is None:
            unlogged.setdefault(-1, []).append(sub)
        elif rules[index].get("level") == "None":
            unlogged.setdefault(index, []).append(sub)
    for index, subs in unlogged.items():
        line = body.line_of("rules") if index < 0 else rules[index].line_of("level")
        yield Hit(
            K8S_AUDIT_POLICY_SENSITIVE_ACTIONS,
            obj.path,
            line,
            res,
            f"{', '.join(subs)} requests are not audited",
            "rules" if index < 0 else f"rules[{index}]",
        )
    leaking: dict[int, set[str]] = {}
    for api_group, resource in _SECRET_RESOURCES:
        for verb in ("get", "list", "watch", "create", "update", "patch"):
            index = _first_match(rules, api_group, resource, verb, False)
            if index is not None and rules[index].get("level") in _LEVELS[2:]:
                leaking.setdefault(index, set()).add(resource)
    for index, names in sorted(leaking.items()):
        yield Hit(
            K8S_AUDIT_POLICY_SECRET_BODIES,
            obj.path,
            rules[index].line_of("level"),
            res,
            f"{', '.join(sorted(names))} logged at level {rules[index]['level']}",
            f"rules[{index}]",
        )


# ---------------------------------------------------------------------------
# PodSecurityPolicy

_BASELINE_CAPS = BASELINE_CAPABILITIES  # what PodSecurityPolicies may add


def _cap(value: Any) -> str:
    text = str(value).strip().upper()
    return text[4:] if text.startswith("CAP_") else text


def _psp(obj: K8sObject) -> Iterator[Hit]:
    spec = get_map(obj.body, "spec")
    if spec is None:
        return
    res = obj.id

    def hit(rule: Rule, line: int, message: str, key: str) -> Hit:
        return Hit(rule, obj.path, line, res, f"{obj.id}: {message}", key)

    if spec.get("privileged") is True:
        yield hit(
            K8S_PSP_PRIVILEGED,
            spec.line_of("privileged"),
            "privileged pods are allowed",
            "privileged",
        )
    if spec.get("allowPrivilegeEscalation") is not False:
        line = spec.line_of("allowPrivilegeEscalation", obj.body.line_of("spec"))
        yield hit(
            K8S_PSP_PRIVILEGE_ESCALATION,
            line,
            "privilege escalation is allowed",
            "allowPrivilegeEscalation",
        )
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(key) is True:
            yield hit(K8S_PSP_HOST_NAMESPACES, spec.line_of(key), f"{key} is allowed", key)
    for key in ("allowedCapabilities", "defaultAddCapabilities"):
        caps = [_cap(c) for c in get_seq(spec, key)]
        bad = [c for c in caps if c not in _BASELINE_CAPS]
        if bad:
            yield hit(
                K8S_PSP_CAPABILITIES, spec.line_of(key), f"{key} includes {', '.join(bad)}", key
            )
    yield from _psp_host_paths(spec, hit)
    yield from _psp_run_as(spec, hit)
    drops = {_cap(c) for c in get_seq(spec, "requiredDropCapabilities")}
    if not drops & {"ALL", "NET_RAW"}:
        line = spec.line_of("requiredDropCapabilities", obj.body.line_of("spec"))
        yield hit(
            K8S_PSP_NET_RAW,
            line,
            "NET_RAW is not required to be dropped",
            "requiredDropCapabilities",
        )
    if get_seq(spec, "allowedUnsafeSysctls"):
        yield hit(
            K8S_PSP_UNSAFE_SYSCTLS,
            spec.line_of("allowedUnsafeSysctls"),
            "unsafe sysctls are allowed",
            "allowedUnsafeSysctls",
        )
    if "Unmasked" in [str(t) for t in get_seq(spec, "allowedProcMountTypes")]:
        yield hit(
            K8S_PSP_UNMASKED_PROC,
            spec.line_of("allowedProcMountTypes"),
            "the Unmasked proc mount type is allowed",
            "allowedProcMountTypes",
        )


_PspHit = Callable[[Rule, int, str, str], Hit]


def _psp_host_paths(spec: YMap, hit: _PspHit) -> Iterator[Hit]:
    volumes = get_seq(spec, "volumes")
    allowed = spec.get("allowedHostPaths")
    if isinstance(allowed, YSeq) and allowed:
        for index, entry in enumerate(allowed):
            if not isinstance(entry, YMap) or entry.get("readOnly") is True:
                continue
            prefix = str(entry.get("pathPrefix", ""))
            line = entry.line_of("readOnly") if "readOnly" in entry else allowed.line_of(index)
            yield hit(
                K8S_PSP_HOST_PATH,
                line,
                f"host path {prefix!r} is writable",
                f"allowedHostPaths[{prefix}]",
            )
        return
    for index, volume in enumerate(volumes):
        if str(volume) in ("*", "hostPath"):
            yield hit(
                K8S_PSP_HOST_PATH,
                volumes.line_of(index),
                f"volumes allows {volume!s} with no allowedHostPaths",
                "volumes",
            )
            return


def _psp_run_as(spec: YMap, hit: _PspHit) -> Iterator[Hit]:
    run_as = get_map(spec, "runAsUser")
    if run_as is None:
        return
    rule = run_as.get("rule")
    if rule == "RunAsAny":
        yield hit(
            K8S_PSP_RUN_AS_ROOT, run_as.line_of("rule"), "runAsUser rule is RunAsAny", "runAsUser"
        )
    elif rule == "MustRunAs":
        ranges = get_seq(run_as, "ranges")
        for index, item in enumerate(ranges):
            if isinstance(item, YMap) and item.get("min") == 0:
                yield hit(
                    K8S_PSP_RUN_AS_ROOT,
                    item.line_of("min"),
                    "runAsUser range includes UID 0",
                    f"runAsUser.ranges[{index}]",
                )


# ---------------------------------------------------------------------------
# Tiller and the dashboard

_TILLER_PORT = 44134


def _image_repo(image: str) -> str:
    repo = image.split("@", 1)[0]
    last = repo.rsplit("/", 1)[-1]
    if ":" in last:
        repo = repo[: len(repo) - len(last)] + last.split(":", 1)[0]
    return repo.lower()


def _is_dashboard(c: Container) -> bool:
    parts = _image_repo(c.image).split("/")
    last = parts[-1]
    if last.startswith("kubernetes-dashboard") or last == "kubernetesui":
        return True
    return (
        len(parts) > 1
        and parts[-2] == "kubernetesui"
        and last.startswith("dashboard")
        and "metrics-scraper" not in last
    )


def _is_tiller(c: Container) -> bool:
    return _image_repo(c.image).rsplit("/", 1)[-1].startswith("tiller")


def _addons(views: list[Workload]) -> Iterator[Hit]:
    for w in views:
        for c in w.containers():
            if _is_tiller(c):
                yield from _tiller(w, c)
            elif _is_dashboard(c):
                yield from _dashboard(w, c)


def _tiller(w: Workload, c: Container) -> Iterator[Hit]:
    where = f"container {c.name!r} of {w.id}"
    yield Hit(
        K8S_TILLER_DEPLOYED, w.path, c.body.line_of("image"), w.id, f"{where} runs Tiller", c.key
    )
    flags = _parse_flags(_tokens(c.body))
    listen = flags.get("listen")
    if listen is None:
        line = c.body.line_of("args") if "args" in c.body else c.line
        yield Hit(
            K8S_TILLER_EXPOSED,
            w.path,
            line,
            w.id,
            f"{where}: Tiller listens on all interfaces (default --listen=:44134)",
            c.key,
        )
    elif not _is_loopback(listen.value.rsplit(":", 1)[0]):
        yield Hit(
            K8S_TILLER_EXPOSED,
            w.path,
            listen.line,
            w.id,
            f"{where}: Tiller listens on {listen.value}",
            c.key,
        )


def _dashboard(w: Workload, c: Container) -> Iterator[Hit]:
    where = f"container {c.name!r} of {w.id}"
    yield Hit(
        K8S_DASHBOARD_DEPLOYED,
        w.path,
        c.body.line_of("image"),
        w.id,
        f"{where} runs the Kubernetes dashboard",
        c.key,
    )
    flags = _parse_flags(_tokens(c.body))
    for name in ("enable-skip-login", "enable-insecure-login"):
        flag = flags.get(name)
        if flag is not None and _is_true(flag.value):
            yield Hit(
                K8S_DASHBOARD_SKIP_LOGIN,
                w.path,
                flag.line,
                w.id,
                f"{where}: --{name} lets visitors in without credentials",
                f"{c.key}.{name}",
            )


def _tiller_services(ctx: ConfigContext) -> Iterator[Hit]:
    for svc in ctx.objects("Service"):
        spec = get_map(svc.body, "spec")
        if spec is None:
            continue
        selector: Mapping[str, Any] = get_map(spec, "selector") or {}
        by_selector = selector.get("name") == "tiller" or (
            selector.get("app") == "helm" and selector.get("name") in (None, "tiller")
        )
        by_port = any(
            isinstance(p, YMap)
            and (p.get("port") == _TILLER_PORT or p.get("targetPort") in (_TILLER_PORT, "tiller"))
            for p in get_seq(spec, "ports")
        )
        if by_selector or by_port:
            yield Hit(
                K8S_TILLER_SERVICE,
                svc.path,
                svc.metadata.line_of("name"),
                svc.id,
                f"{svc.id} routes to Tiller's gRPC port",
                "tiller",
            )


# ---------------------------------------------------------------------------


def check(ctx: ConfigContext) -> Iterator[Hit]:
    views = ctx.workloads
    components = _components(ctx, views)
    for comp in components:
        yield from _CHECKS[comp.name](comp)
        yield from _weak_tls(comp)
    yield from _shared_ca(components)
    for obj in ctx.inventory.kubernetes:
        group = obj.api_version.split("/", 1)[0]
        if obj.kind == "EncryptionConfiguration" and group == "apiserver.config.k8s.io":
            yield from _encryption(obj)
        elif obj.kind == "Policy" and group == "audit.k8s.io":
            yield from _audit_policy(obj)
        elif obj.kind == "PodSecurityPolicy":
            yield from _psp(obj)
    yield from _addons(views)
    yield from _tiller_services(ctx)
