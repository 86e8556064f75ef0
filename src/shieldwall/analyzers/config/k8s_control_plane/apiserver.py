"""kube-apiserver: authentication, authorization, admission plugins, TLS towards etcd
and kubelets, encryption at rest and auditing."""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.k8s_control_plane.components import (
    Component,
    _explicit_or_default,
    _is_false,
    _items,
    _missing,
)
from shieldwall.analyzers.config.k8s_control_plane.shorthand import (
    _AC,
    _ADMISSION_REF,
    _APISERVER_REF,
    _AUDIT_REF,
    _AUTHZ_REF,
    _CRIT,
    _ENC,
    _ENCRYPT_REF,
    _ETCD_K8S_REF,
    _HIGH,
    _ISO,
    _KUBELET_AUTH_REF,
    _LOW,
    _LP,
    _MED,
    _WL,
    _rule,
)
from shieldwall.model import Rule

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


def check(c: Component) -> Iterator[Hit]:
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
)
