"""``EncryptionConfiguration``: how Secrets are encrypted at rest."""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.k8s_control_plane.components import _resource
from shieldwall.analyzers.config.k8s_control_plane.shorthand import (
    _ENC,
    _ENCRYPT_REF,
    _LOW,
    _MED,
    _rule,
)
from shieldwall.model import Rule
from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import get_seq
from shieldwall.sources.yaml_tree import YMap, YSeq

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


def check(obj: K8sObject) -> Iterator[Hit]:
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


RULES: tuple[Rule, ...] = (
    K8S_ENCRYPTION_IDENTITY_FIRST,
    K8S_ENCRYPTION_WEAK_PROVIDER,
    K8S_ENCRYPTION_SECRETS_NOT_COVERED,
)
