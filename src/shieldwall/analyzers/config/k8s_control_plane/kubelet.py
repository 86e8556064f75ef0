"""kubelet: authentication, authorization, read-only port, kernel defaults and certificates."""

from __future__ import annotations

import re
from collections.abc import Iterator

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.k8s_control_plane.components import (
    Component,
    _explicit_or_default,
    _is_false,
    _is_true,
    _items,
)
from shieldwall.analyzers.config.k8s_control_plane.shorthand import (
    _AC,
    _CERT_ROTATION_REF,
    _ENC,
    _HIGH,
    _ISO,
    _KUBELET_AUTH_REF,
    _KUBELET_CONFIG_REF,
    _KUBELET_KINDS,
    _LOW,
    _MED,
    _rule,
)
from shieldwall.model import Rule

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


def check(c: Component) -> Iterator[Hit]:
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


RULES: tuple[Rule, ...] = (
    K8S_KUBELET_ANONYMOUS_AUTH,
    K8S_KUBELET_AUTHZ_ALWAYS_ALLOW,
    K8S_KUBELET_READ_ONLY_PORT,
    K8S_KUBELET_PROTECT_KERNEL_DEFAULTS,
    K8S_KUBELET_IPTABLES_CHAINS,
    K8S_KUBELET_STREAMING_TIMEOUT,
    K8S_KUBELET_CERT_ROTATION,
    K8S_KUBELET_SERVER_CERT_ROTATION,
    K8S_KUBELET_TLS_CERT,
)
