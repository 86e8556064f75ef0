"""A file named for a credential that holds its value alone: the files a compose
file's or a swarm stack's `secrets:` mount (`secrets/postgres_password`,
`db_password.txt`), an orchestrator's or a CI job's key file. Such a file has no
key beside its value, so the keyword rules never see it; its name is the key."""

from __future__ import annotations

import re

from shieldwall.analyzers.secrets import generic
from shieldwall.analyzers.secrets.names import credential_kind
from shieldwall.analyzers.secrets.verdicts import severity
from shieldwall.model import Severity

_MAX_BYTES = 256  # a value and a line break; a longer file is a document or a key
# a bare name or a `.txt` one: not a key file (`.pem`, `.key`, handled by the
# provider rules), not source code or a document named for its subject
_NAME = re.compile(r"^(?P<key>[A-Za-z][\w-]{2,60})(?:\.txt)?$")
_VALUE = re.compile(rb"^[^\s\x00]{4,200}\r?\n?$")
# account databases named for passwords, one record a line (`root:x:0:0:...`): records,
# not a credential's value
_ACCOUNT_FILES = frozenset({"passwd", "htpasswd", "shadow", "opasswd"})


def file_value(path: str, data: bytes, test_path: bool) -> tuple[str, Severity] | None:
    """(value, severity) when the file is a credential's name holding one value the
    rules keep; None otherwise (a placeholder, a reference, a word)."""
    if len(data) > _MAX_BYTES or not _VALUE.match(data):
        return None
    named = _NAME.match(path.rsplit("/", 1)[-1])
    if named is None or named.group("key").lower() in _ACCOUNT_FILES:
        return None
    if credential_kind(named.group("key")) not in ("password", "token"):
        return None
    hit = generic.acceptable(named.group("key"), data.decode("utf-8", "replace").strip())
    return (hit.value, severity(hit, test_path)) if hit is not None else None
