"""Which Secret volumes of a workload carry TLS certificates only.

A workload's own serving certificate (a webhook's, a controller's, an internal
endpoint's) or the client certificate it presents to a peer of the same system
is not a credential in the sense of "data to steal and use from outside": it
is certificate material, bound to names on the cluster network. Passwords,
tokens and keys to other systems are.

A volume is certificate material when the Secret it mounts is written in the
scanned files with `type: kubernetes.io/tls` or with certificate keys only;
otherwise (the Secret is made at install time, or written empty) when every key it projects is
certificate material, or, projecting all keys, when the Secret's name, the
volume's name or its mount path says `tls` / `cert` / `certs` / `certificates`.
A Secret written in the files with any other key is a credential, whatever its
name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import Workload, get_map, get_seq
from shieldwall.sources.yaml_tree import YMap

TLS_TYPE = "kubernetes.io/tls"

# a certificate, or the private key of a TLS pair (not any `*.key`: an API key file is one)
_CERT_KEY = re.compile(r"(?i)\.(?:crt|pem|cert)$|(?:^|[._-])(?:tls|ca|client|server)\.key$")
_CERT_WORD = re.compile(r"(?i)(?:^|[^a-z0-9])(?:tls|certs?|certificates?)(?:$|[^a-z0-9])")


class CertificateSecrets:
    """The Secrets written in the scanned files, by namespace and name, to tell
    certificate material from credentials."""

    def __init__(self, objects: Iterable[K8sObject]) -> None:
        self._secrets = {(o.namespace, o.name): o for o in objects if o.kind == "Secret"}

    def is_certificate(self, w: Workload, vol: YMap) -> bool:
        """True when the Secret volume `vol` of `w` carries certificates only."""
        ref = get_map(vol, "secret")
        if ref is None:
            return False
        name = str(ref.get("secretName") or "")
        written = self._secrets.get((w.namespace, name))
        verdict = _written_certificate(written) if written is not None else None
        if verdict is not None:
            return verdict
        keys = [str(i.get("key") or "") for i in get_seq(ref, "items") if isinstance(i, YMap)]
        if keys:
            return all(_CERT_KEY.search(k) for k in keys)
        named = [name, str(vol.get("name") or ""), *_mount_paths(w, str(vol.get("name") or ""))]
        return any(_CERT_WORD.search(n) for n in named)


def _written_certificate(secret: K8sObject) -> bool | None:
    """Certificate material or not, by the Secret's type and keys; None when it is
    written empty (filled at install time: its name tells)."""
    if str(secret.body.get("type") or "") == TLS_TYPE:
        return True
    keys = [
        str(k)
        for field in ("data", "stringData")
        if (data := get_map(secret.body, field)) is not None
        for k in data
    ]
    return all(_CERT_KEY.search(k) for k in keys) if keys else None


def _mount_paths(w: Workload, volume: str) -> list[str]:
    return [
        str(m.get("mountPath") or "")
        for c in w.containers()
        for m in get_seq(c.body, "volumeMounts")
        if isinstance(m, YMap) and m.get("name") == volume
    ]
