"""What may be shown of a secret: a redacted preview and a keyed hash, never the
value, its length, or any hash of it that could be computed without the key."""

from __future__ import annotations

import hashlib
import hmac
import re

_PREFIX = re.compile(
    r"^(?:[A-Za-z0-9]{2,12}[_-]|[A-Za-z]{2,8}\.|-----BEGIN [A-Z ]+-----|PuTTY-User-Key-File-\d)"
)
# Below this length a value shows no character at all: its last four would be a
# large share of it.
_SHOW_TAIL_FROM = 20
HASH_PREFIX = "hmac-sha256:"


class SecretHasher:
    """HMAC-SHA256 of secret values under one key. The key lives outside every
    report (the user's config, a key file beside the baseline, or a CI secret),
    so a fingerprint cannot be turned back into a guessable password: without
    the key there is nothing to test guesses against. The same key gives the
    same hash on every machine and every rescan, so baselines keep matching."""

    __slots__ = ("_base",)

    def __init__(self, key: bytes) -> None:
        self._base = hmac.new(key, digestmod=hashlib.sha256)

    def __repr__(self) -> str:
        return "SecretHasher(<key hidden>)"

    def __call__(self, secret: str) -> str:
        mac = self._base.copy()
        mac.update(secret.encode("utf-8"))
        return HASH_PREFIX + mac.hexdigest()[:32]


def is_password(rule_id: str) -> bool:
    """Does the rule find values people chose (passwords), not generated tokens?"""
    return rule_id.endswith("-PASSWORD")


def preview(secret: str, provider_format: bool = True, password: bool = False) -> str:
    """`ghp_****...a1b2`: for long tokens only, a known, non-secret prefix and the
    last four characters. Passwords (chosen by people, so guessable from a few
    characters) and values under 20 characters show `****`: no character, no
    length. Private keys show their header line."""
    if secret.startswith("-----BEGIN") or secret.startswith("PuTTY-User-Key-File"):
        header = secret.split("\n", 1)[0].strip()
        m = _PREFIX.match(header)
        return f"{m.group(0) if m else 'private key'} ****"
    if password or len(secret) < _SHOW_TAIL_FROM:
        return "****"
    prefix = ""
    if provider_format:
        m = _PREFIX.match(secret)
        if m and len(m.group(0)) <= len(secret) // 2:
            prefix = m.group(0)
    return f"{prefix}****...{secret[-4:]}"
