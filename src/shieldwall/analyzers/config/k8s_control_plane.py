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
    id: str,
    control: Control,
    severity: Severity,
    title: str,
    description: str,
    remediation: str,
    applies_to: tuple[str, ...],
    cwe: str,
    *refs: str,
) -> Rule:
    return config_rule(
        id,
        control,
        severity,
        title,
        description,
        remediation,
        applies_to,
        cwe=(cwe,),
        references=refs,
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

RULES: tuple[Rule, ...] = (
    # ---- kube-apiserver: authentication and authorization
    _rule(
        "K8S-APISERVER-AUTHZ-ALWAYS-ALLOW",
        _AC,
        _CRIT,
        "API server authorizes every request",
        "With `--authorization-mode` containing AlwaysAllow every authenticated (and, with "
        "anonymous auth, every unauthenticated) caller may do anything in the cluster. "
        "A missing flag counts as its default, AlwaysAllow, unless `--authorization-config` "
        "is given.",
        "Set `--authorization-mode=Node,RBAC` (or use `--authorization-config`) and remove "
        "AlwaysAllow.",
        _WL,
        "CWE-862",
        _AUTHZ_REF,
        _APISERVER_REF,
    ),
    _rule(
        "K8S-APISERVER-NO-RBAC",
        _AC,
        _MED,
        "API server authorization does not use RBAC",
        "`--authorization-mode` lists neither RBAC nor Webhook, so roles and bindings are "
        "not enforced and permissions cannot be scoped per user or service account.",
        "Add RBAC to `--authorization-mode`, e.g. `--authorization-mode=Node,RBAC`.",
        _WL,
        "CWE-285",
        _AUTHZ_REF,
    ),
    _rule(
        "K8S-APISERVER-NO-NODE-AUTHORIZER",
        _AC,
        _MED,
        "API server authorization does not use the Node authorizer",
        "Without the Node authorizer kubelets need broad RBAC grants, so one compromised "
        "node can read the secrets and pods of every other node.",
        "Put Node first in `--authorization-mode`, e.g. `--authorization-mode=Node,RBAC`, "
        "and enable the NodeRestriction admission plugin.",
        _WL,
        "CWE-285",
        _AUTHZ_REF + "#authorization-modules",
    ),
    _rule(
        "K8S-APISERVER-ANONYMOUS-AUTH",
        _AC,
        _LOW,
        "API server accepts anonymous requests",
        "`--anonymous-auth` is not false (default: true), so requests without credentials "
        "run as system:anonymous; any binding granted to system:unauthenticated becomes "
        "public.",
        "Set `--anonymous-auth=false`, or restrict anonymous access to health endpoints "
        "with an AuthenticationConfiguration (Kubernetes 1.32+).",
        _WL,
        "CWE-306",
        _APISERVER_REF,
    ),
    _rule(
        "K8S-APISERVER-STATIC-CREDENTIALS",
        _AC,
        _MED,
        "API server authenticates with a static token or password file",
        "`--token-auth-file` and `--basic-auth-file` keep long-lived credentials in clear "
        "text on the control-plane host; they cannot be rotated without a restart and "
        "never expire.",
        "Remove `--token-auth-file` / `--basic-auth-file`; use client certificates, OIDC "
        "or service account tokens.",
        _WL,
        "CWE-798",
        _APISERVER_REF,
    ),
    _rule(
        "K8S-APISERVER-INSECURE-PORT",
        _AC,
        _HIGH,
        "API server serves an unauthenticated HTTP port",
        "Requests on the insecure port bypass authentication and authorization entirely. "
        "Kubernetes 1.20+ ignores any value but 0; a non-zero `--insecure-port`, or an "
        "`--insecure-bind-address` on older versions (default port 8080), opens it.",
        "Remove `--insecure-bind-address` and set `--insecure-port=0` (or drop it on 1.24+).",
        _WL,
        "CWE-306",
        _APISERVER_REF,
    ),
    _rule(
        "K8S-APISERVER-SECURE-PORT-DISABLED",
        _ENC,
        _HIGH,
        "API server HTTPS port is disabled",
        "`--secure-port=0` turns off the TLS endpoint; clients then talk to the API server "
        "in clear text or not at all.",
        "Remove `--secure-port=0` (default 6443).",
        _WL,
        "CWE-319",
        _APISERVER_REF,
    ),
    _rule(
        "K8S-APISERVER-SA-LOOKUP-DISABLED",
        _AC,
        _MED,
        "API server accepts tokens of deleted service accounts",
        "With `--service-account-lookup=false` (default: true) a legacy service account "
        "token stays valid after its service account or secret is deleted.",
        "Remove `--service-account-lookup=false`.",
        _WL,
        "CWE-613",
        _APISERVER_REF,
    ),
    _rule(
        "K8S-APISERVER-PROFILING",
        _AC,
        _LOW,
        "API server exposes profiling endpoints",
        "`--profiling` is not false (default: true): /debug/pprof reveals internals and "
        "lets any caller allowed to reach it load the control plane.",
        "Set `--profiling=false`.",
        _WL,
        "CWE-215",
        _APISERVER_REF,
    ),
    _rule(
        "K8S-APISERVER-AUDIT-DISABLED",
        _AC,
        _MED,
        "API server does not record an audit log",
        "Without both `--audit-policy-file` and an audit backend (`--audit-log-path` or "
        "`--audit-webhook-config-file`) the API server records no audit events, so abuse "
        "of the cluster leaves no trace (all three are unset by default).",
        "Set `--audit-policy-file` to a policy and `--audit-log-path` (or a webhook backend).",
        _WL,
        "CWE-778",
        _AUDIT_REF,
    ),
    # ---- kube-apiserver: admission
    _rule(
        "K8S-APISERVER-ALWAYS-ADMIT",
        _LP,
        _MED,
        "API server enables the AlwaysAdmit admission plugin",
        "AlwaysAdmit is deprecated and signals that admission control is meant to let "
        "everything in; it admits every request regardless of policy.",
        "Remove AlwaysAdmit from `--enable-admission-plugins` / `--admission-control`.",
        _WL,
        "CWE-285",
        _ADMISSION_REF + "#alwaysadmit",
    ),
    _rule(
        "K8S-APISERVER-NODE-RESTRICTION",
        _ISO,
        _MED,
        "API server does not enable the NodeRestriction admission plugin",
        "NodeRestriction is not enabled by default; without it a kubelet may modify other "
        "nodes and pods scheduled elsewhere, so one compromised node spreads to others.",
        "Add NodeRestriction to `--enable-admission-plugins` (with the Node authorizer).",
        _WL,
        "CWE-284",
        _ADMISSION_REF + "#noderestriction",
    ),
    _rule(
        "K8S-APISERVER-ALWAYS-PULL-IMAGES",
        _ISO,
        _LOW,
        "API server does not enable the AlwaysPullImages admission plugin",
        "AlwaysPullImages is off by default; on shared nodes a pod can then start a private "
        "image another tenant already pulled, without having the registry credentials.",
        "Add AlwaysPullImages to `--enable-admission-plugins` on multi-tenant clusters.",
        _WL,
        "CWE-284",
        _ADMISSION_REF + "#alwayspullimages",
    ),
    _rule(
        "K8S-APISERVER-ADMISSION-PLUGIN-DISABLED",
        _LP,
        _MED,
        "API server disables a security admission plugin",
        "`--disable-admission-plugins` turns off a plugin that enforces security "
        "(ServiceAccount, NamespaceLifecycle, PodSecurity, NodeRestriction, admission "
        "webhooks or ValidatingAdmissionPolicy, certificate approval plugins).",
        "Remove the plugin from `--disable-admission-plugins`.",
        _WL,
        "CWE-284",
        _ADMISSION_REF,
    ),
    # ---- kube-apiserver: TLS and encryption
    _rule(
        "K8S-APISERVER-ETCD-TLS",
        _ENC,
        _MED,
        "API server talks to etcd without mutual TLS",
        "`--etcd-certfile`, `--etcd-keyfile` and `--etcd-cafile` are unset by default; "
        "without them, or with http:// `--etcd-servers`, every secret of the cluster "
        "crosses the network unauthenticated or in clear text.",
        "Set `--etcd-cafile`, `--etcd-certfile` and `--etcd-keyfile` and use https:// "
        "etcd endpoints.",
        _WL,
        "CWE-319",
        _ETCD_K8S_REF,
    ),
    _rule(
        "K8S-APISERVER-KUBELET-HTTPS",
        _ENC,
        _MED,
        "API server talks to kubelets over plain HTTP",
        "`--kubelet-https=false` (default: true; flag removed in 1.22) sends exec, logs "
        "and port-forward traffic to kubelets in clear text.",
        "Remove `--kubelet-https=false`.",
        _WL,
        "CWE-319",
        _APISERVER_REF,
    ),
    _rule(
        "K8S-APISERVER-KUBELET-CA",
        _ENC,
        _LOW,
        "API server does not verify kubelet serving certificates",
        "Without `--kubelet-certificate-authority` (unset by default) the API server "
        "accepts any certificate from a kubelet, so exec and log streams can be "
        "intercepted.",
        "Set `--kubelet-certificate-authority` and have kubelets use CA-signed serving "
        "certificates (serverTLSBootstrap).",
        _WL,
        "CWE-295",
        _KUBELET_AUTH_REF,
    ),
    _rule(
        "K8S-APISERVER-KUBELET-CLIENT-CERT",
        _ENC,
        _MED,
        "API server has no client certificate for kubelets",
        "Without `--kubelet-client-certificate` and `--kubelet-client-key` (unset by "
        "default) the API server cannot authenticate to kubelets, which forces kubelets "
        "to accept anonymous requests.",
        "Set `--kubelet-client-certificate` and `--kubelet-client-key`.",
        _WL,
        "CWE-306",
        _KUBELET_AUTH_REF,
    ),
    _rule(
        "K8S-APISERVER-TLS-CERT",
        _ENC,
        _LOW,
        "API server serves a self-generated certificate",
        "Without `--tls-cert-file` and `--tls-private-key-file` (unset by default) the API "
        "server generates a self-signed certificate, which clients cannot verify.",
        "Set `--tls-cert-file` and `--tls-private-key-file` to a CA-signed pair.",
        _WL,
        "CWE-295",
        _APISERVER_REF,
    ),
    _rule(
        "K8S-APISERVER-ENCRYPTION-AT-REST",
        _ENC,
        _MED,
        "API server does not encrypt secrets at rest",
        "Without `--encryption-provider-config` (unset by default) secrets are stored "
        "unencrypted in etcd and in its backups.",
        "Set `--encryption-provider-config` to an EncryptionConfiguration using a kms "
        "(v2) or secretbox provider first.",
        _WL,
        "CWE-311",
        _ENCRYPT_REF,
    ),
    _rule(
        "K8S-CONTROL-PLANE-WEAK-TLS",
        _ENC,
        _MED,
        "Control-plane component allows weak TLS",
        "The cipher suite list includes suites Go itself classes as insecure (RC4, 3DES, "
        "CBC-SHA256, NULL, export), or the minimum TLS version is below 1.2.",
        "Remove the weak suites from `--tls-cipher-suites` / `--cipher-suites` / "
        "`tlsCipherSuites` and set the minimum version to TLS 1.2 or later.",
        _KUBELET_KINDS,
        "CWE-327",
        _APISERVER_REF,
        _KUBELET_CONFIG_REF,
    ),
    # ---- kube-controller-manager
    _rule(
        "K8S-CONTROLLER-PROFILING",
        _AC,
        _LOW,
        "Controller manager exposes profiling endpoints",
        "`--profiling` is not false (default: true): /debug/pprof reveals internals.",
        "Set `--profiling=false`.",
        _WL,
        "CWE-215",
        _CONTROLLER_REF,
    ),
    _rule(
        "K8S-CONTROLLER-SA-CREDENTIALS",
        _LP,
        _LOW,
        "Controllers share the controller manager's credentials",
        "`--use-service-account-credentials` is not true (default: false), so every "
        "controller acts with the controller manager's own, broad identity instead of "
        "a per-controller service account.",
        "Set `--use-service-account-credentials=true`.",
        _WL,
        "CWE-250",
        _CONTROLLER_REF,
    ),
    _rule(
        "K8S-CONTROLLER-ROOT-CA",
        _ENC,
        _LOW,
        "Controller manager does not publish the cluster CA to pods",
        "Without `--root-ca-file` (unset by default) service account token volumes lack "
        "the CA bundle, so pods cannot verify the API server's certificate.",
        "Set `--root-ca-file` to the cluster CA certificate.",
        _WL,
        "CWE-295",
        _CONTROLLER_REF,
    ),
    _rule(
        "K8S-CONTROLLER-BIND-ADDRESS",
        _EXP,
        _LOW,
        "Controller manager listens on all interfaces",
        "`--bind-address` is not a loopback address (default: 0.0.0.0), so its metrics, "
        "health and debug endpoints are reachable from the network.",
        "Set `--bind-address=127.0.0.1`.",
        _WL,
        "CWE-668",
        _CONTROLLER_REF,
    ),
    # ---- kube-scheduler
    _rule(
        "K8S-SCHEDULER-PROFILING",
        _AC,
        _LOW,
        "Scheduler exposes profiling endpoints",
        "`--profiling` / `enableProfiling` is not false (default: true): /debug/pprof "
        "reveals internals.",
        "Set `--profiling=false` or `enableProfiling: false` in KubeSchedulerConfiguration.",
        ("workload", "KubeSchedulerConfiguration"),
        "CWE-215",
        _SCHEDULER_REF,
    ),
    _rule(
        "K8S-SCHEDULER-BIND-ADDRESS",
        _EXP,
        _LOW,
        "Scheduler listens on all interfaces",
        "`--bind-address` is not a loopback address (default: 0.0.0.0), so its metrics, "
        "health and debug endpoints are reachable from the network.",
        "Set `--bind-address=127.0.0.1`.",
        _WL,
        "CWE-668",
        _SCHEDULER_REF,
    ),
    # ---- etcd
    _rule(
        "K8S-ETCD-CLIENT-TLS",
        _ENC,
        _MED,
        "etcd serves clients without TLS",
        "Without both `--cert-file` and `--key-file` (unset by default) etcd serves "
        "clients over plain HTTP; everything it stores, secrets included, crosses the "
        "network in clear text.",
        "Set `--cert-file` and `--key-file` and use https:// client URLs.",
        _WL,
        "CWE-319",
        _ETCD_REF,
    ),
    _rule(
        "K8S-ETCD-CLIENT-CERT-AUTH",
        _AC,
        _MED,
        "etcd does not require client certificates",
        "`--client-cert-auth` is not true (default: false), so anyone who reaches the "
        "client port can read and write all data, including every cluster secret.",
        "Set `--client-cert-auth=true` with `--trusted-ca-file`.",
        _WL,
        "CWE-306",
        _ETCD_REF,
    ),
    _rule(
        "K8S-ETCD-PEER-TLS",
        _ENC,
        _MED,
        "etcd peers talk without TLS",
        "A clustered etcd (or one with a partial peer TLS setup) lacks `--peer-cert-file` "
        "or `--peer-key-file` (unset by default): replication traffic is in clear text.",
        "Set `--peer-cert-file`, `--peer-key-file` and `--peer-trusted-ca-file`.",
        _WL,
        "CWE-319",
        _ETCD_REF,
    ),
    _rule(
        "K8S-ETCD-PEER-CLIENT-CERT-AUTH",
        _AC,
        _MED,
        "etcd does not authenticate its peers",
        "`--peer-client-cert-auth` is not true (default: false) on a clustered or "
        "peer-TLS etcd, so any host reaching the peer port can join or read replication.",
        "Set `--peer-client-cert-auth=true`.",
        _WL,
        "CWE-306",
        _ETCD_REF,
    ),
    _rule(
        "K8S-ETCD-AUTO-TLS",
        _ENC,
        _MED,
        "etcd uses self-signed certificates",
        "`--auto-tls` / `--peer-auto-tls` (default: false) make etcd generate self-signed "
        "certificates that nobody can verify, so connections can be intercepted.",
        "Set `--auto-tls=false` / `--peer-auto-tls=false` and provide CA-signed certificates.",
        _WL,
        "CWE-295",
        _ETCD_REF,
    ),
    _rule(
        "K8S-ETCD-SHARED-CA",
        _AC,
        _MED,
        "etcd trusts the Kubernetes client CA",
        "etcd's `--trusted-ca-file` is the API server's `--client-ca-file`: every "
        "certificate the cluster CA signs (kubelets, users) can then read and write etcd "
        "directly.",
        "Give etcd its own CA and use a dedicated client certificate for the API server.",
        _WL,
        "CWE-287",
        _ETCD_K8S_REF,
    ),
    # ---- kubelet
    _rule(
        "K8S-KUBELET-ANONYMOUS-AUTH",
        _AC,
        _HIGH,
        "Kubelet accepts anonymous requests",
        "Anonymous requests to the kubelet API (exec, logs, pod listing) are allowed. "
        "Defaults: `--anonymous-auth` true when no `--config` is given; "
        "`authentication.anonymous.enabled` false in KubeletConfiguration.",
        "Set `--anonymous-auth=false` or `authentication.anonymous.enabled: false`.",
        _KUBELET_KINDS,
        "CWE-306",
        _KUBELET_AUTH_REF,
    ),
    _rule(
        "K8S-KUBELET-AUTHZ-ALWAYS-ALLOW",
        _AC,
        _HIGH,
        "Kubelet authorizes every request",
        "With AlwaysAllow any caller that reaches the kubelet may exec into its pods. "
        "Defaults: `--authorization-mode` AlwaysAllow when no `--config` is given; "
        "`authorization.mode` Webhook in KubeletConfiguration.",
        "Set `--authorization-mode=Webhook` or `authorization.mode: Webhook`.",
        _KUBELET_KINDS,
        "CWE-862",
        _KUBELET_AUTH_REF,
    ),
    _rule(
        "K8S-KUBELET-READ-ONLY-PORT",
        _AC,
        _MED,
        "Kubelet serves the unauthenticated read-only port",
        "The read-only port exposes pod specs (environment, images) and metrics without "
        "any authentication. Defaults: `--read-only-port` 10255 when no `--config` is "
        "given; `readOnlyPort` 0 in KubeletConfiguration.",
        "Set `--read-only-port=0` or `readOnlyPort: 0`.",
        _KUBELET_KINDS,
        "CWE-306",
        _KUBELET_CONFIG_REF,
    ),
    _rule(
        "K8S-KUBELET-PROTECT-KERNEL-DEFAULTS",
        _ISO,
        _LOW,
        "Kubelet does not protect kernel defaults",
        "`protectKernelDefaults` / `--protect-kernel-defaults` is not true (default: "
        "false), so the kubelet silently changes kernel tunables instead of refusing to "
        "run on a host that differs from what it expects.",
        "Set `protectKernelDefaults: true` (and the matching sysctls on the host).",
        _KUBELET_KINDS,
        "CWE-1188",
        _KUBELET_CONFIG_REF,
    ),
    _rule(
        "K8S-KUBELET-IPTABLES-CHAINS",
        _ISO,
        _LOW,
        "Kubelet does not manage iptables utility chains",
        "`makeIPTablesUtilChains: false` (default: true) leaves the node's pod network "
        "rules unmanaged and prone to drift from what the network policy expects.",
        "Remove `--make-iptables-util-chains=false` / `makeIPTablesUtilChains: false`.",
        _KUBELET_KINDS,
        "CWE-1188",
        _KUBELET_CONFIG_REF,
    ),
    _rule(
        "K8S-KUBELET-STREAMING-TIMEOUT",
        _AC,
        _LOW,
        "Kubelet streaming sessions never time out",
        "A streaming connection idle timeout of 0 (default: 4h) keeps idle exec and "
        "port-forward sessions open forever.",
        "Set `streamingConnectionIdleTimeout` to a bounded value such as 5m.",
        _KUBELET_KINDS,
        "CWE-613",
        _KUBELET_CONFIG_REF,
    ),
    _rule(
        "K8S-KUBELET-CERT-ROTATION",
        _ENC,
        _LOW,
        "Kubelet does not rotate its client certificate",
        "`rotateCertificates` / `--rotate-certificates` is not true (default: false); the "
        "kubelet keeps its client certificate until it expires and the node drops out.",
        "Set `rotateCertificates: true`.",
        _KUBELET_KINDS,
        "CWE-324",
        _CERT_ROTATION_REF,
    ),
    _rule(
        "K8S-KUBELET-SERVER-CERT-ROTATION",
        _ENC,
        _LOW,
        "Kubelet serving certificate rotation is turned off",
        "The RotateKubeletServerCertificate feature gate (default: true) is set to false, "
        "so kubelets keep self-managed serving certificates nobody can verify or rotate.",
        "Remove `RotateKubeletServerCertificate=false` from the feature gates.",
        _KUBELET_KINDS,
        "CWE-324",
        _CERT_ROTATION_REF,
    ),
    _rule(
        "K8S-KUBELET-TLS-CERT",
        _ENC,
        _LOW,
        "Kubelet serves a self-signed certificate",
        "Without `tlsCertFile` / `--tls-cert-file` and without `serverTLSBootstrap` "
        "(all unset by default) the kubelet generates a self-signed serving certificate, "
        "which the API server cannot verify.",
        "Set `serverTLSBootstrap: true` (and approve the CSRs) or `tlsCertFile` / "
        "`tlsPrivateKeyFile`.",
        _KUBELET_KINDS,
        "CWE-295",
        _KUBELET_CONFIG_REF,
    ),
    # ---- EncryptionConfiguration
    _rule(
        "K8S-ENCRYPTION-IDENTITY-FIRST",
        _ENC,
        _MED,
        "Encryption at rest writes data unencrypted",
        "The first provider of a resource list is `identity`: new and updated objects "
        "are written to etcd in plain text; the providers after it only decrypt.",
        "Put a kms (v2), secretbox or aesgcm provider first and keep `identity` last.",
        ("EncryptionConfiguration",),
        "CWE-311",
        _ENCRYPT_REF,
    ),
    _rule(
        "K8S-ENCRYPTION-WEAK-PROVIDER",
        _ENC,
        _LOW,
        "Encryption at rest uses a weak local provider",
        "The first provider is aescbc (padding-oracle prone) or aesgcm (needs key "
        "rotation every 200k writes); both keep the key on the control-plane disk.",
        "Prefer a kms v2 provider; otherwise secretbox.",
        ("EncryptionConfiguration",),
        "CWE-327",
        _ENCRYPT_REF + "#providers",
    ),
    _rule(
        "K8S-ENCRYPTION-SECRETS-NOT-COVERED",
        _ENC,
        _MED,
        "Encryption at rest does not cover secrets",
        "No resource list of the EncryptionConfiguration names `secrets` (or a wildcard), "
        "so secrets are stored in plain text in etcd.",
        "Add `secrets` to the resources of an encrypted provider list.",
        ("EncryptionConfiguration",),
        "CWE-311",
        _ENCRYPT_REF,
    ),
    # ---- audit Policy
    _rule(
        "K8S-AUDIT-POLICY-EMPTY",
        _AC,
        _MED,
        "Audit policy records nothing",
        "An audit Policy without rules logs no event at all.",
        "Add rules, ending with a catch-all `- level: Metadata`.",
        ("Policy",),
        "CWE-778",
        _AUDIT_REF + "#audit-policy",
    ),
    _rule(
        "K8S-AUDIT-POLICY-SENSITIVE-ACTIONS",
        _AC,
        _LOW,
        "Audit policy does not record exec, attach or port-forward",
        "Requests to pods/exec, pods/attach or pods/portforward match no rule or a "
        "`level: None` rule, so interactive access to containers leaves no audit trace.",
        "Log these subresources at Metadata level or above before any `level: None` "
        "rule that would match them.",
        ("Policy",),
        "CWE-778",
        _AUDIT_REF + "#audit-policy",
    ),
    _rule(
        "K8S-AUDIT-POLICY-SECRET-BODIES",
        _SEC,
        _MED,
        "Audit policy writes secret contents to the audit log",
        "A rule logs secrets, token requests or token reviews at Request or "
        "RequestResponse level, so credentials are copied into audit logs and their "
        "backends.",
        "Log these resources at Metadata level only, in a rule placed before broader ones.",
        ("Policy",),
        "CWE-532",
        _AUDIT_REF + "#audit-policy",
    ),
    # ---- PodSecurityPolicy (removed in 1.25 but still found in repositories)
    _rule(
        "K8S-PSP-PRIVILEGED",
        _LP,
        _HIGH,
        "PodSecurityPolicy allows privileged containers",
        "Pods admitted by this policy may run privileged, with full access to the host.",
        "Set `privileged: false`; migrate to Pod Security Admission (baseline/restricted).",
        _PSP,
        "CWE-250",
        _PSP_REF,
        _PSS_REF,
    ),
    _rule(
        "K8S-PSP-PRIVILEGE-ESCALATION",
        _LP,
        _MED,
        "PodSecurityPolicy allows privilege escalation",
        "`allowPrivilegeEscalation` is not false (default: true), so admitted containers "
        "may gain privileges through setuid binaries or file capabilities.",
        "Set `allowPrivilegeEscalation: false`.",
        _PSP,
        "CWE-269",
        _PSP_REF,
    ),
    _rule(
        "K8S-PSP-HOST-NAMESPACES",
        _ISO,
        _MED,
        "PodSecurityPolicy allows host namespaces",
        "`hostNetwork`, `hostPID` or `hostIPC` is true, so admitted pods may share the "
        "node's network, processes or IPC.",
        "Set `hostNetwork`, `hostPID` and `hostIPC` to false.",
        _PSP,
        "CWE-653",
        _PSP_REF,
    ),
    _rule(
        "K8S-PSP-CAPABILITIES",
        _LP,
        _MED,
        "PodSecurityPolicy allows dangerous capabilities",
        "`allowedCapabilities` or `defaultAddCapabilities` lists `*` or a capability "
        "outside the Pod Security baseline set (such as SYS_ADMIN or NET_ADMIN).",
        "Allow only the capabilities a workload needs, within the baseline set.",
        _PSP,
        "CWE-250",
        _PSP_REF,
        _PSS_REF,
    ),
    _rule(
        "K8S-PSP-HOST-PATH",
        _ISO,
        _MED,
        "PodSecurityPolicy allows writable host paths",
        "The policy allows hostPath volumes with no `allowedHostPaths`, or allows a host "
        "path without `readOnly: true`, so admitted pods may write to the node.",
        "List `allowedHostPaths` with narrow `pathPrefix` values and `readOnly: true`.",
        _PSP,
        "CWE-668",
        _PSP_REF,
    ),
    _rule(
        "K8S-PSP-RUN-AS-ROOT",
        _LP,
        _MED,
        "PodSecurityPolicy allows containers to run as root",
        "`runAsUser.rule` is RunAsAny, or a MustRunAs range starts at 0.",
        "Use `runAsUser.rule: MustRunAsNonRoot` or ranges starting above 0.",
        _PSP,
        "CWE-250",
        _PSP_REF,
    ),
    _rule(
        "K8S-PSP-NET-RAW",
        _LP,
        _LOW,
        "PodSecurityPolicy does not drop NET_RAW",
        "`requiredDropCapabilities` contains neither NET_RAW nor ALL, so admitted "
        "containers may craft raw packets (ARP/DNS spoofing inside the node's network).",
        "Add ALL (or at least NET_RAW) to `requiredDropCapabilities`.",
        _PSP,
        "CWE-250",
        _PSP_REF,
    ),
    _rule(
        "K8S-PSP-UNSAFE-SYSCTLS",
        _ISO,
        _MED,
        "PodSecurityPolicy allows unsafe sysctls",
        "`allowedUnsafeSysctls` lets pods set kernel parameters that are not namespaced "
        "and affect every pod on the node.",
        "Remove `allowedUnsafeSysctls`.",
        _PSP,
        "CWE-653",
        "https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/",
    ),
    _rule(
        "K8S-PSP-UNMASKED-PROC",
        _ISO,
        _MED,
        "PodSecurityPolicy allows an unmasked /proc",
        "`allowedProcMountTypes` includes Unmasked, which exposes host kernel information "
        "and writable /proc paths to the container.",
        "Allow only the Default proc mount type.",
        _PSP,
        "CWE-653",
        _PSP_REF,
    ),
    # ---- add-ons
    _rule(
        "K8S-TILLER-DEPLOYED",
        _AC,
        _MED,
        "Tiller (Helm v2) is deployed",
        "Tiller runs with cluster-wide rights and, unless set up with TLS, serves "
        "unauthenticated gRPC; Helm v2 has been unsupported since 2020.",
        "Migrate to Helm 3 (no in-cluster component) and remove Tiller.",
        _WL,
        "CWE-1104",
        _HELM_REF,
    ),
    _rule(
        "K8S-TILLER-EXPOSED",
        _AC,
        _HIGH,
        "Tiller listens beyond localhost",
        "Tiller's gRPC API (default `--listen=:44134`, all interfaces) lets any pod in "
        "the cluster install charts with Tiller's cluster-wide rights.",
        "Remove Tiller; until then run it with `--listen=127.0.0.1:44134` and TLS.",
        _WL,
        "CWE-306",
        _HELM_REF,
    ),
    _rule(
        "K8S-TILLER-SERVICE",
        _EXP,
        _MED,
        "A Service exposes Tiller",
        "A Service routes to Tiller's gRPC port, making its cluster-wide install rights "
        "reachable from other pods.",
        "Delete the Tiller Service.",
        ("Service",),
        "CWE-668",
        _HELM_REF,
    ),
    _rule(
        "K8S-DASHBOARD-DEPLOYED",
        _AC,
        _LOW,
        "Kubernetes dashboard is deployed",
        "The dashboard is a web console to the cluster; exposed or bound to a broad "
        "service account it has been a common entry point for attackers.",
        "Remove it if unused; otherwise keep it internal, behind authentication, with a "
        "minimal service account.",
        _WL,
        "CWE-668",
        _DASHBOARD_REF,
    ),
    _rule(
        "K8S-DASHBOARD-SKIP-LOGIN",
        _AC,
        _HIGH,
        "Kubernetes dashboard allows access without login",
        "`--enable-skip-login` or `--enable-insecure-login` (both default false) let "
        "visitors use the dashboard's own service account without credentials.",
        "Remove `--enable-skip-login` and `--enable-insecure-login`.",
        _WL,
        "CWE-306",
        _DASHBOARD_REF,
    ),
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

    def hit(self, rule: str, name: str, message: str, suffix: str = "") -> Hit:
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

    def hit_missing(self, rule: str, topic: str, missing: list[str]) -> Hit:
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
            "K8S-APISERVER-ANONYMOUS-AUTH",
            "anonymous-auth",
            _explicit_or_default(c, "anonymous-auth", "anonymous requests are allowed"),
        )
    for name in ("token-auth-file", "basic-auth-file"):
        if c.value(name):
            yield c.hit(
                "K8S-APISERVER-STATIC-CREDENTIALS",
                name,
                f"--{name} keeps static credentials in a file",
            )
    if c.value("service-account-lookup") is not None and _is_false(
        c.value("service-account-lookup")
    ):
        yield c.hit(
            "K8S-APISERVER-SA-LOOKUP-DISABLED",
            "service-account-lookup",
            "tokens of deleted service accounts stay valid",
        )
    insecure_port = c.value("insecure-port")
    if c.flag("insecure-port") is not None and insecure_port != "0":
        yield c.hit(
            "K8S-APISERVER-INSECURE-PORT",
            "insecure-port",
            f"--insecure-port={insecure_port} serves the API without authentication",
        )
    if c.value("insecure-bind-address") and c.flag("insecure-port") is None:
        yield c.hit(
            "K8S-APISERVER-INSECURE-PORT",
            "insecure-bind-address",
            "--insecure-bind-address enables the unauthenticated port (8080 before 1.20)",
        )
    if c.value("secure-port") == "0":
        yield c.hit(
            "K8S-APISERVER-SECURE-PORT-DISABLED", "secure-port", "--secure-port=0 disables HTTPS"
        )
    if c.value("profiling") is not None and not _is_false(c.value("profiling")):
        yield c.hit(
            "K8S-APISERVER-PROFILING",
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
        yield c.hit("K8S-APISERVER-AUTHZ-ALWAYS-ALLOW", "authorization-mode", msg)
        return
    if c.flag("authorization-mode") is None:
        return
    if "RBAC" not in modes and "Webhook" not in modes:
        yield c.hit(
            "K8S-APISERVER-NO-RBAC",
            "authorization-mode",
            f"--authorization-mode={mode} does not include RBAC",
        )
    if "Node" not in modes:
        yield c.hit(
            "K8S-APISERVER-NO-NODE-AUTHORIZER",
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
            yield c.hit("K8S-APISERVER-ALWAYS-ADMIT", enable_name, "AlwaysAdmit is enabled")
        if "NodeRestriction" not in plugins:
            yield c.hit(
                "K8S-APISERVER-NODE-RESTRICTION",
                enable_name,
                "NodeRestriction is not among the enabled admission plugins",
            )
        if "AlwaysPullImages" not in plugins:
            yield c.hit(
                "K8S-APISERVER-ALWAYS-PULL-IMAGES",
                enable_name,
                "AlwaysPullImages is not among the enabled admission plugins",
            )
    disabled = [p for p in _items(c.value("disable-admission-plugins")) if p in _SECURITY_PLUGINS]
    if disabled:
        yield c.hit(
            "K8S-APISERVER-ADMISSION-PLUGIN-DISABLED",
            "disable-admission-plugins",
            f"security admission plugins disabled: {', '.join(disabled)}",
        )


def _missing(c: Component, names: Iterable[str]) -> list[str]:
    return [f"--{n}" for n in names if c.unset(n)]


def _apiserver_tls(c: Component) -> Iterator[Hit]:
    missing = _missing(c, ("etcd-cafile", "etcd-certfile", "etcd-keyfile"))
    if missing:
        yield c.hit_missing("K8S-APISERVER-ETCD-TLS", "etcd-client-tls", missing)
    plain = [s for s in _items(c.value("etcd-servers")) if s.lower().startswith("http://")]
    if plain:
        yield c.hit(
            "K8S-APISERVER-ETCD-TLS",
            "etcd-servers",
            f"etcd reached over plain HTTP: {', '.join(plain)}",
        )
    if _is_false(c.value("kubelet-https")):
        yield c.hit(
            "K8S-APISERVER-KUBELET-HTTPS",
            "kubelet-https",
            "--kubelet-https=false sends kubelet traffic in clear text",
        )
    if c.unset("kubelet-certificate-authority"):
        yield c.hit(
            "K8S-APISERVER-KUBELET-CA",
            "kubelet-certificate-authority",
            "--kubelet-certificate-authority is unset",
        )
    missing = _missing(c, ("kubelet-client-certificate", "kubelet-client-key"))
    if missing:
        yield c.hit_missing("K8S-APISERVER-KUBELET-CLIENT-CERT", "kubelet-client-cert", missing)
    missing = _missing(c, ("tls-cert-file", "tls-private-key-file"))
    if missing:
        yield c.hit_missing("K8S-APISERVER-TLS-CERT", "serving-cert", missing)
    if c.unset("encryption-provider-config"):
        yield c.hit(
            "K8S-APISERVER-ENCRYPTION-AT-REST",
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
        yield c.hit_missing("K8S-APISERVER-AUDIT-DISABLED", "audit", missing)


def _profiling(c: Component, rule: str) -> Iterator[Hit]:
    value = c.value("profiling")
    if value is not None and not _is_false(value):
        yield c.hit(
            rule, "profiling", _explicit_or_default(c, "profiling", "profiling endpoints are on")
        )


def _bind_address(c: Component, rule: str) -> Iterator[Hit]:
    value = c.value("bind-address")
    if value and not _is_loopback(value):
        yield c.hit(
            rule, "bind-address", _explicit_or_default(c, "bind-address", f"listens on {value}")
        )


def _is_loopback(address: str) -> bool:
    host = address.strip().strip("[]").lower()
    return host.startswith("127.") or host in ("::1", "localhost")


def _controller(c: Component) -> Iterator[Hit]:
    yield from _profiling(c, "K8S-CONTROLLER-PROFILING")
    yield from _bind_address(c, "K8S-CONTROLLER-BIND-ADDRESS")
    value = c.value("use-service-account-credentials")
    if value is not None and not _is_true(value):
        yield c.hit(
            "K8S-CONTROLLER-SA-CREDENTIALS",
            "use-service-account-credentials",
            _explicit_or_default(
                c, "use-service-account-credentials", "controllers share one identity"
            ),
        )
    if c.unset("root-ca-file"):
        yield c.hit("K8S-CONTROLLER-ROOT-CA", "root-ca-file", "--root-ca-file is unset")
    yield from _server_rotation(c)


def _scheduler(c: Component) -> Iterator[Hit]:
    yield from _profiling(c, "K8S-SCHEDULER-PROFILING")
    yield from _bind_address(c, "K8S-SCHEDULER-BIND-ADDRESS")


def _etcd(c: Component) -> Iterator[Hit]:
    missing = _missing(c, ("cert-file", "key-file"))
    if missing and not _is_true(c.value("auto-tls")):
        yield c.hit_missing("K8S-ETCD-CLIENT-TLS", "client-tls", missing)
    value = c.value("client-cert-auth")
    if value is not None and not _is_true(value):
        yield c.hit(
            "K8S-ETCD-CLIENT-CERT-AUTH",
            "client-cert-auth",
            _explicit_or_default(
                c, "client-cert-auth", "clients are not required to present certificates"
            ),
        )
    for name in ("auto-tls", "peer-auto-tls"):
        if _is_true(c.value(name)):
            yield c.hit("K8S-ETCD-AUTO-TLS", name, f"--{name} uses self-signed certificates")
    yield from _etcd_peers(c)


def _etcd_peers(c: Component) -> Iterator[Hit]:
    peer_files = ("peer-cert-file", "peer-key-file")
    missing = _missing(c, peer_files)
    partial = 0 < len(missing) < len(peer_files)
    members = [m for m in _items(c.value("initial-cluster")) if "=" in m]
    clustered = len(members) > 1
    if missing and (partial or clustered):
        yield c.hit_missing("K8S-ETCD-PEER-TLS", "peer-tls", missing)
    value = c.value("peer-client-cert-auth")
    explicit_off = c.flag("peer-client-cert-auth") is not None and not _is_true(value)
    relevant = clustered or len(missing) < len(peer_files)
    if explicit_off or (relevant and value is not None and not _is_true(value)):
        yield c.hit(
            "K8S-ETCD-PEER-CLIENT-CERT-AUTH",
            "peer-client-cert-auth",
            _explicit_or_default(
                c, "peer-client-cert-auth", "peers are not required to present certificates"
            ),
        )


def _kubelet(c: Component) -> Iterator[Hit]:
    value = c.value("anonymous-auth")
    if value is not None and not _is_false(value):
        yield c.hit(
            "K8S-KUBELET-ANONYMOUS-AUTH",
            "anonymous-auth",
            _explicit_or_default(c, "anonymous-auth", "anonymous requests are allowed"),
        )
    value = c.value("authorization-mode")
    if value is not None and "AlwaysAllow" in _items(value):
        yield c.hit(
            "K8S-KUBELET-AUTHZ-ALWAYS-ALLOW",
            "authorization-mode",
            _explicit_or_default(c, "authorization-mode", "every request is authorized"),
        )
    value = c.value("read-only-port")
    if value is not None and value.strip() not in ("0", ""):
        yield c.hit(
            "K8S-KUBELET-READ-ONLY-PORT",
            "read-only-port",
            _explicit_or_default(c, "read-only-port", f"read-only port {value} is open"),
        )
    value = c.value("protect-kernel-defaults")
    if value is not None and not _is_true(value):
        yield c.hit(
            "K8S-KUBELET-PROTECT-KERNEL-DEFAULTS",
            "protect-kernel-defaults",
            _explicit_or_default(c, "protect-kernel-defaults", "kernel defaults are not protected"),
        )
    if _is_false(c.value("make-iptables-util-chains")):
        yield c.hit(
            "K8S-KUBELET-IPTABLES-CHAINS",
            "make-iptables-util-chains",
            "iptables utility chains are not managed",
        )
    if _is_zero_duration(c.value("streaming-connection-idle-timeout")):
        yield c.hit(
            "K8S-KUBELET-STREAMING-TIMEOUT",
            "streaming-connection-idle-timeout",
            "idle streaming connections never time out",
        )
    value = c.value("rotate-certificates")
    if value is not None and not _is_true(value):
        yield c.hit(
            "K8S-KUBELET-CERT-ROTATION",
            "rotate-certificates",
            _explicit_or_default(c, "rotate-certificates", "client certificate rotation is off"),
        )
    yield from _kubelet_serving_cert(c)
    yield from _server_rotation(c)


def _kubelet_serving_cert(c: Component) -> Iterator[Hit]:
    if c.unset("tls-cert-file") and not _is_true(c.value("rotate-server-certificates")):
        yield c.hit(
            "K8S-KUBELET-TLS-CERT",
            "tls-cert-file",
            "no serving certificate and no serverTLSBootstrap: self-signed certificate",
        )


def _server_rotation(c: Component) -> Iterator[Hit]:
    for gate in _items(c.value("feature-gates")):
        name, _, value = gate.partition("=")
        if name.strip() == "RotateKubeletServerCertificate" and _is_false(value):
            yield c.hit(
                "K8S-KUBELET-SERVER-CERT-ROTATION",
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
                "K8S-CONTROL-PLANE-WEAK-TLS", name, f"weak cipher suites allowed: {', '.join(weak)}"
            )
    version = c.value("tls-min-version")
    if version and version.strip() in _OLD_TLS:
        yield c.hit(
            "K8S-CONTROL-PLANE-WEAK-TLS", "tls-min-version", f"minimum TLS version is {version}"
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
                "K8S-ETCD-SHARED-CA",
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
                "K8S-ENCRYPTION-IDENTITY-FIRST",
                obj.path,
                line,
                _resource(obj),
                f"{what} are written unencrypted: identity is the first provider",
                key,
            )
        elif kind in ("aescbc", "aesgcm"):
            yield Hit(
                "K8S-ENCRYPTION-WEAK-PROVIDER",
                obj.path,
                line,
                _resource(obj),
                f"{what} are encrypted with {kind}",
                key,
            )
    if not covered:
        yield Hit(
            "K8S-ENCRYPTION-SECRETS-NOT-COVERED",
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
        yield Hit("K8S-AUDIT-POLICY-EMPTY", obj.path, line, res, "the policy has no rules", "rules")
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
            "K8S-AUDIT-POLICY-SENSITIVE-ACTIONS",
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
            "K8S-AUDIT-POLICY-SECRET-BODIES",
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

    def hit(rule: str, line: int, message: str, key: str) -> Hit:
        return Hit(rule, obj.path, line, res, f"{obj.id}: {message}", key)

    if spec.get("privileged") is True:
        yield hit(
            "K8S-PSP-PRIVILEGED",
            spec.line_of("privileged"),
            "privileged pods are allowed",
            "privileged",
        )
    if spec.get("allowPrivilegeEscalation") is not False:
        line = spec.line_of("allowPrivilegeEscalation", obj.body.line_of("spec"))
        yield hit(
            "K8S-PSP-PRIVILEGE-ESCALATION",
            line,
            "privilege escalation is allowed",
            "allowPrivilegeEscalation",
        )
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(key) is True:
            yield hit("K8S-PSP-HOST-NAMESPACES", spec.line_of(key), f"{key} is allowed", key)
    for key in ("allowedCapabilities", "defaultAddCapabilities"):
        caps = [_cap(c) for c in get_seq(spec, key)]
        bad = [c for c in caps if c not in _BASELINE_CAPS]
        if bad:
            yield hit(
                "K8S-PSP-CAPABILITIES", spec.line_of(key), f"{key} includes {', '.join(bad)}", key
            )
    yield from _psp_host_paths(spec, hit)
    yield from _psp_run_as(spec, hit)
    drops = {_cap(c) for c in get_seq(spec, "requiredDropCapabilities")}
    if not drops & {"ALL", "NET_RAW"}:
        line = spec.line_of("requiredDropCapabilities", obj.body.line_of("spec"))
        yield hit(
            "K8S-PSP-NET-RAW",
            line,
            "NET_RAW is not required to be dropped",
            "requiredDropCapabilities",
        )
    if get_seq(spec, "allowedUnsafeSysctls"):
        yield hit(
            "K8S-PSP-UNSAFE-SYSCTLS",
            spec.line_of("allowedUnsafeSysctls"),
            "unsafe sysctls are allowed",
            "allowedUnsafeSysctls",
        )
    if "Unmasked" in [str(t) for t in get_seq(spec, "allowedProcMountTypes")]:
        yield hit(
            "K8S-PSP-UNMASKED-PROC",
            spec.line_of("allowedProcMountTypes"),
            "the Unmasked proc mount type is allowed",
            "allowedProcMountTypes",
        )


_PspHit = Callable[[str, int, str, str], Hit]


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
                "K8S-PSP-HOST-PATH",
                line,
                f"host path {prefix!r} is writable",
                f"allowedHostPaths[{prefix}]",
            )
        return
    for index, volume in enumerate(volumes):
        if str(volume) in ("*", "hostPath"):
            yield hit(
                "K8S-PSP-HOST-PATH",
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
            "K8S-PSP-RUN-AS-ROOT", run_as.line_of("rule"), "runAsUser rule is RunAsAny", "runAsUser"
        )
    elif rule == "MustRunAs":
        ranges = get_seq(run_as, "ranges")
        for index, item in enumerate(ranges):
            if isinstance(item, YMap) and item.get("min") == 0:
                yield hit(
                    "K8S-PSP-RUN-AS-ROOT",
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
        "K8S-TILLER-DEPLOYED", w.path, c.body.line_of("image"), w.id, f"{where} runs Tiller", c.key
    )
    flags = _parse_flags(_tokens(c.body))
    listen = flags.get("listen")
    if listen is None:
        line = c.body.line_of("args") if "args" in c.body else c.line
        yield Hit(
            "K8S-TILLER-EXPOSED",
            w.path,
            line,
            w.id,
            f"{where}: Tiller listens on all interfaces (default --listen=:44134)",
            c.key,
        )
    elif not _is_loopback(listen.value.rsplit(":", 1)[0]):
        yield Hit(
            "K8S-TILLER-EXPOSED",
            w.path,
            listen.line,
            w.id,
            f"{where}: Tiller listens on {listen.value}",
            c.key,
        )


def _dashboard(w: Workload, c: Container) -> Iterator[Hit]:
    where = f"container {c.name!r} of {w.id}"
    yield Hit(
        "K8S-DASHBOARD-DEPLOYED",
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
                "K8S-DASHBOARD-SKIP-LOGIN",
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
                "K8S-TILLER-SERVICE",
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
