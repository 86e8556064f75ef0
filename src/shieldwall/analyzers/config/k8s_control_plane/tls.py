"""TLS settings every control-plane component shares: cipher suites and minimum version."""

from __future__ import annotations

import re
from collections.abc import Iterator

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.k8s_control_plane.components import Component, _items
from shieldwall.analyzers.config.k8s_control_plane.shorthand import (
    _APISERVER_REF,
    _ENC,
    _KUBELET_CONFIG_REF,
    _KUBELET_KINDS,
    _MED,
    _rule,
)
from shieldwall.model import Rule

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


def weak_tls(c: Component) -> Iterator[Hit]:
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


RULES: tuple[Rule, ...] = (K8S_CONTROL_PLANE_WEAK_TLS,)
