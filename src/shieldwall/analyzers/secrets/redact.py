"""What may be shown of a secret: a redacted preview and a hash, never the value."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

_PREFIX = re.compile(
    r"^(?:[A-Za-z0-9]{2,12}[_-]|[A-Za-z]{2,8}\.|-----BEGIN [A-Z ]+-----|PuTTY-User-Key-File-\d)"
)


# PBKDF2 rounds: the hash is deterministic (baselines must match on every machine), so
# it is slow instead of salted per run, to make guessing a weak password from a
# report expensive. A few milliseconds per distinct secret.
_ROUNDS = 20_000


@lru_cache(maxsize=4096)
def secret_hash(secret: str) -> str:
    """A stable identifier of the value: the same secret hashes the same on every
    machine and every rescan, so baselines and exceptions keep matching it."""
    digest = hashlib.pbkdf2_hmac(
        "sha256", secret.encode("utf-8"), b"shieldwall-secret-v1", _ROUNDS
    ).hex()
    return f"sha256:{digest[:16]}"


def preview(secret: str, provider_format: bool = True) -> str:
    """`ghp_****...a1b2`: a known, non-secret prefix and, for long values only, the
    last four characters; short values (passwords) show nothing but their length."""
    if secret.startswith("-----BEGIN") or secret.startswith("PuTTY-User-Key-File"):
        header = secret.split("\n", 1)[0].strip()
        m = _PREFIX.match(header)
        return f"{m.group(0) if m else 'private key'} ****"
    prefix = ""
    if provider_format:
        m = _PREFIX.match(secret)
        if m and len(m.group(0)) <= len(secret) // 2:
            prefix = m.group(0)
    if len(secret) >= 20:
        return f"{prefix}****...{secret[-4:]}"
    return f"{prefix}**** ({len(secret)} characters)"
