"""Is this variable a credential written in clear? One test for Kubernetes env,
compose environment and Dockerfile ENV/ARG alike."""

from __future__ import annotations

import itertools
import re
from typing import Any

_SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "pass",
        "secret",
        "secrets",
        "token",
        "apikey",
        "credential",
        "credentials",
        "privatekey",
        "secretkey",
        "accesskey",
        "authkey",
    }
)
_SECRET_PAIRS = frozenset(
    {
        ("api", "key"),
        ("access", "key"),
        ("private", "key"),
        ("secret", "key"),
        ("auth", "key"),
        ("signing", "key"),
        ("encryption", "key"),
        ("master", "key"),
        ("client", "secret"),
        ("session", "key"),
        ("account", "key"),
        ("license", "key"),
    }
)
# A last word that makes the variable a pointer or a setting, not the credential.
_NOT_SECRET_SUFFIX = frozenset(
    {
        "file",
        "path",
        "dir",
        "url",
        "uri",
        "endpoint",
        "host",
        "port",
        "name",
        "ref",
        "id",
        "ttl",
        "expiry",
        "expires",
        "expiration",
        "timeout",
        "length",
        "len",
        "min",
        "max",
        "seconds",
        "enabled",
        "enable",
        "type",
        "header",
        "mode",
        "policy",
        "algorithm",
        "alg",
        "audience",
        "issuer",
        "prefix",
        "format",
        "lifetime",
        "duration",
        "version",
        "regex",
        "pattern",
        "source",
        "provider",
        "store",
        "mount",
        "user",
        "username",
        "location",
    }
)
_PLACEHOLDER = re.compile(
    r"^(\$\(.+\)|\$\{.+\}|\$[A-Za-z_][A-Za-z0-9_]*|<[^>]*>|\{\{.*\}\}|\[[^\]]*\]|"
    r"%\(?[A-Za-z_]+\)?s?%?|[x*.#_-]+|change[-_ ]?me|replace[-_ ]?me|your[-_ ].*|"
    r"placeholder|todo|tbd|none|null|nil|undefined|empty|redacted|dummy|example|"
    r"true|false|yes|no|on|off)$",
    re.IGNORECASE,
)
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")


def name_words(name: str) -> list[str]:
    """`dbPassword`, `DB_PASSWORD`, `db-password` -> ["db", "password"]."""
    return [w for w in re.split(r"[^a-z0-9]+", _CAMEL.sub(r"\1_\2", name).lower()) if w]


# Services whose "access key" is the public half of a key pair (the key id, or a
# user name): the credential is the "secret key" beside it.
_ACCESS_KEY_IS_ID = frozenset({"aws", "minio", "s3"})


def _names_key_id(words: list[str]) -> bool:
    has_access_key = "accesskey" in words or ("access", "key") in itertools.pairwise(words)
    return (
        has_access_key
        and bool(_ACCESS_KEY_IS_ID.intersection(words))
        and not any("secret" in w for w in words)
    )


def secret_like_name(name: str) -> bool:
    words = name_words(name)
    if not words or name.upper() == "PWD" or words[-1] in _NOT_SECRET_SUFFIX:
        return False
    if _names_key_id(words):
        return False
    if any(
        w in _SECRET_WORDS or w.endswith(("password", "passwd", "secret", "token")) for w in words
    ):
        return True
    return any(pair in _SECRET_PAIRS for pair in itertools.pairwise(words))


def literal_secret(value: Any) -> bool:
    """A literal that could be a credential: not a reference, path, URL or placeholder."""
    if not isinstance(value, str):
        return False  # numbers and booleans are settings, not credentials
    text = value.strip().strip("\"'").strip()
    if len(text) < 3 or "$" in text or "{{" in text or _PLACEHOLDER.match(text):
        return False
    if text.isdigit() and len(text) < 6:
        return False
    if text.startswith(("/", "./", "~/")):
        return False  # a file path
    return not (text.lower().startswith(("http://", "https://")) and "@" not in text)


def is_secret_assignment(name: str, value: Any) -> bool:
    """A variable whose name says credential and whose value is a literal."""
    return secret_like_name(name) and literal_secret(value)
