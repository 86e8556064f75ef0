"""etcd: client and peer TLS, client certificates, and a CA shared with the API server."""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.k8s_control_plane.components import (
    _APISERVER,
    _ETCD,
    Component,
    _explicit_or_default,
    _is_true,
    _items,
    _missing,
)
from shieldwall.analyzers.config.k8s_control_plane.shorthand import (
    _AC,
    _ENC,
    _ETCD_K8S_REF,
    _ETCD_REF,
    _MED,
    _WL,
    _rule,
)
from shieldwall.model import Rule

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


def check(c: Component) -> Iterator[Hit]:
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


def shared_ca(components: list[Component]) -> Iterator[Hit]:
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


RULES: tuple[Rule, ...] = (
    K8S_ETCD_CLIENT_TLS,
    K8S_ETCD_CLIENT_CERT_AUTH,
    K8S_ETCD_PEER_TLS,
    K8S_ETCD_PEER_CLIENT_CERT_AUTH,
    K8S_ETCD_AUTO_TLS,
    K8S_ETCD_SHARED_CA,
)
