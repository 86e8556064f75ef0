"""Secret-shaped strings built at test time (never committed as literals), from
each rule's own regular expression, plus builders for formats with structure."""

from __future__ import annotations

import base64
import json
import random
import re
import string
import zlib
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from shieldwall.analyzers.secrets.spec import Spec

_CONSTANTS: Any = sre_parse  # the opcode names live next to the parser
_RANDOM_POOL = string.ascii_letters + string.digits


def _chars_of(items: list[tuple[Any, Any]]) -> list[str]:
    chars: list[str] = []
    negate = False
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            chars.append(chr(arg))
        elif name == "RANGE":
            chars.extend(chr(c) for c in range(arg[0], arg[1] + 1))
        elif name == "CATEGORY":
            cat = str(arg)
            if "DIGIT" in cat and "NOT" not in cat:
                chars.extend(string.digits)
            elif "WORD" in cat and "NOT" not in cat:
                chars.extend(_RANDOM_POOL + "_")
            elif "SPACE" in cat and "NOT" not in cat:
                chars.append(" ")
            else:
                chars.extend(_RANDOM_POOL)
    if negate:
        chars = [c for c in _RANDOM_POOL if c not in chars]
    return chars or list(_RANDOM_POOL)


def _gen(parsed: Any, rnd: random.Random) -> str:
    out: list[str] = []
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append(rnd.choice([c for c in _RANDOM_POOL if c != chr(arg)]))
        elif name == "ANY":
            out.append(rnd.choice(_RANDOM_POOL))
        elif name == "IN":
            pool = _chars_of(arg)
            # Prefer letters and digits: a sample full of separators looks like a placeholder.
            alnum = [c for c in pool if c.isalnum()]
            out.append(rnd.choice(alnum or pool))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            count = low if high == sre_parse.MAXREPEAT else max(low, min(high, low + 2))
            if low == 0 and name != "MAX_REPEAT":
                count = 0
            out.extend(_gen(sub, rnd) for _ in range(count))
        elif name == "SUBPATTERN":
            out.append(_gen(arg[-1], rnd))
        elif name == "BRANCH":
            out.append(_gen(arg[1][0], rnd))
        elif name in ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF"):
            continue
        elif name == "ATOMIC_GROUP":
            out.append(_gen(arg, rnd))
    return "".join(out)


def from_pattern(pattern: str, seed: int = 7) -> str:
    """A string the pattern matches (case-insensitive parts generated lower-case)."""
    rnd = random.Random(seed)
    parsed = sre_parse.parse(pattern)
    return _gen(parsed, rnd)


def github_token(prefix: str = "ghp_", seed: int = 1) -> str:
    rnd = random.Random(seed)
    body = "".join(rnd.choice(_RANDOM_POOL) for _ in range(30))
    alphabet = string.digits + string.ascii_uppercase + string.ascii_lowercase
    n = zlib.crc32(body.encode())
    digits = ""
    while n:
        n, r = divmod(n, 62)
        digits = alphabet[r] + digits
    return prefix + body + digits.rjust(6, "0")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwt(claims: dict[str, object] | None = None) -> str:
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims or {"sub": "1234", "name": "svc"}).encode())
    return f"{header}.{payload}.{b64url(bytes(range(32)))}"


def pypi_token() -> str:
    location = b"pypi.org"
    macaroon = bytes([2, 1, len(location)]) + location + bytes(range(256))[:140]
    return "pypi-" + b64url(macaroon)


def pem_block(kind: str = "RSA PRIVATE KEY", body: bytes | None = None) -> str:
    der = (
        body if body is not None else b"\x30\x82\x04\xa4" + bytes((i * 7) % 256 for i in range(600))
    )
    text = base64.b64encode(der).decode()
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return "\n".join([f"-----BEGIN {kind}-----", *lines, f"-----END {kind}-----"])


def openssh_block() -> str:
    return pem_block("OPENSSH PRIVATE KEY", b"openssh-key-v1\x00" + bytes(range(200)))


def basic_auth(user: str = "deploy", password: str = "Zq8-r1vT4kP") -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def sample_for(spec: Spec) -> str:
    """One line that the rule must flag."""
    special = {
        "SECRET-PYPI-UPLOAD-TOKEN": lambda: pypi_token(),
        "SECRET-JWT": lambda: "auth = " + jwt(),
        "SECRET-DOCKER-CONFIG-AUTH": lambda: '"auth": "' + basic_auth() + '"',
        "SECRET-HTTP-BASIC-AUTH": lambda: "Authorization: Basic " + basic_auth(),
        # its pattern's conditional (a scheme, or Go's `@tcp(`) is beyond from_pattern
        "SECRET-URL-PASSWORD": lambda: "url = postgres://app:" + mixed_value(3) + "@db:5432/app",
    }
    if spec.rule_id in special:
        return special[spec.rule_id]()
    if spec.provider == "GitHub" and spec.check is not None:
        return github_token(
            re.sub(r"[^a-z_]", "", spec.pattern.split("(?P<s>", 1)[1].split("[", 1)[0])
        )
    return from_pattern(spec.pattern)


def mixed_value(seed: int, n: int = 14) -> str:
    """A reproducible value of letters and digits holding at least one of each."""
    rnd = random.Random(seed)
    pool = string.ascii_letters + string.digits
    while True:
        out = "".join(rnd.choice(pool) for _ in range(n))
        if any(c.isdigit() for c in out) and any(c.isalpha() for c in out):
            return out
