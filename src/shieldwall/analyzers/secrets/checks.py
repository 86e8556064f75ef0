"""Structure checks for token formats that carry one: a value that fails its
check is not the credential it looks like (a typo, a truncated sample, prose)."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import zlib
from collections import Counter

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _base62(number: int, width: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = _BASE62[rest] + digits
    return digits.rjust(width, "0")


def github_checksum(token: str) -> bool:
    """GitHub's prefixed tokens end in six base62 digits of the CRC32 of the 30
    random characters before them (``ghp_`` + 30 + 6)."""
    body = token.split("_", 1)[-1]
    if len(body) != 36:
        return False
    return _base62(zlib.crc32(body[:30].encode("ascii")), 6) == body[30:]


def b64decode_loose(text: str) -> bytes | None:
    """Standard or URL-safe base64, padding optional; None when it is not base64."""
    cleaned = re.sub(r"\s+", "", text)
    cleaned = cleaned.replace("-", "+").replace("_", "/")
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError):
        return None


def _b64_head(text: str, chars: int = 4096) -> bytes | None:
    """The first bytes a long base64 value decodes to (whole quanta only)."""
    head = re.sub(r"\s+", "", text)[:chars]
    return b64decode_loose(head[: len(head) - len(head) % 4])


def base64_pem_private_key(value: str) -> bool:
    """Base64 of a PEM private key (a Kubernetes secret, an environment variable)."""
    head = _b64_head(value)
    return head is not None and b"PRIVATE KEY-----" in head


def der_private_key(value: str) -> bool:
    """Base64 of a DER private key or PKCS#12 file: an ASN.1 SEQUENCE whose
    first bytes decode, long enough to hold a key."""
    head = _b64_head(value)
    return head is not None and len(head) >= 48 and head[0] == 0x30


def _json_object(segment: str) -> dict[str, object] | None:
    raw = b64decode_loose(segment)
    if raw is None:
        return None
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def jwt_valid(token: str) -> bool:
    """Header and payload are base64url JSON objects; the header names an algorithm
    or a type."""
    parts = token.split(".")
    if len(parts) not in (2, 3):
        return False
    header = _json_object(parts[0])
    if header is None or not ({"alg", "typ", "kid", "enc"} & header.keys()):
        return False
    return _json_object(parts[1]) is not None and not _unsigned(header)


def _unsigned(header: dict[str, object]) -> bool:
    """`alg: none`: a token anyone can forge (an attack's sample), signed by no key."""
    alg = header.get("alg")
    return isinstance(alg, str) and alg.lower() == "none"


def jwt_unsigned(token: str) -> bool:
    """A JWT whose header says `alg: none`."""
    parts = token.split(".")
    if len(parts) not in (2, 3) or not parts[0].startswith("eyJ"):
        return False
    header = _json_object(parts[0])
    return header is not None and _unsigned(header)


def pypi_macaroon(token: str) -> bool:
    """PyPI upload tokens are ``pypi-`` + a base64url macaroon (version 2) whose
    location is pypi.org or test.pypi.org."""
    raw = b64decode_loose(token[len("pypi-") :])
    if raw is None or len(raw) < 16 or raw[0] != 0x02 or raw[1] != 0x01:
        return False
    length = raw[2]
    location = raw[3 : 3 + length]
    return location in (b"pypi.org", b"test.pypi.org")


def armour_body(block: str) -> str:
    """The base64 of a PEM-style block: between the BEGIN and END lines, without
    header fields (Proc-Type, DEK-Info), quotes, escaped newlines or spaces."""
    inner = block.split("-----", 2)[-1] if block.count("-----") >= 2 else block
    inner = inner.split("-----END", 1)[0]
    inner = inner.replace("\\n", "\n").replace("\\r", "")
    lines = (_armour_line(ln) for ln in inner.splitlines())
    return "".join(ln for ln in lines if ln and ":" not in ln)


# Source-code wrapping around a base64 line: a closing quote and what may follow it
# (`" +`, `",`, `");`, `' .`), an opening quote and what may precede it (`+ "`, `. '`),
# or a concatenation operator set apart by a space. `+` is also a base64 character:
# one at either end of a bare line is part of the key and is kept.
_WRAP_END = re.compile(r"""["'`]\s*[+.&,;)\\]*\s*$|\s+[+.&]$|[,\\]$""")
_WRAP_START = re.compile(r"""^(?:[+.&(]\s*)?["'`]|^[+.&]\s+""")


def _armour_line(line: str) -> str:
    text = _WRAP_END.sub("", line.strip())
    return _WRAP_START.sub("", text).strip()


def pem_body_parses(block: str) -> bool:
    """The base64 of the block decodes to a DER SEQUENCE of key size (an Ed25519
    or X25519 key in PKCS#8 is 48 bytes)."""
    raw = b64decode_loose(armour_body(block))
    return raw is not None and len(raw) >= 40 and raw[0] == 0x30 and not _truncated(raw)


def _truncated(der: bytes) -> bool:
    """The outer SEQUENCE declares more than twice the bytes there are: a few lines
    of a key standing in for one (a chart test's `MIIEpAIBAAKCAQEA...` cut after six
    short lines), not a key."""
    first = der[1]
    if first < 0x80:
        return False
    size = first & 0x7F
    if size not in (1, 2, 3) or len(der) < 2 + size:
        return False
    declared = int.from_bytes(der[2 : 2 + size], "big")
    return declared > 2 * len(der)


def openssh_body_parses(block: str) -> bool:
    raw = b64decode_loose(armour_body(block))
    return raw is not None and raw.startswith(b"openssh-key-v1\x00")


def basic_auth_pair(encoded: str) -> bool:
    """Base64 of ``user:password`` with printable text on both sides."""
    raw = b64decode_loose(encoded)
    if raw is None:
        return False
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    _user, sep, password = text.partition(":")
    return bool(sep and password and text.isprintable())


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    if not text:
        return 0.0
    counts = Counter(text)
    size = len(text)
    return -sum(c / size * math.log2(c / size) for c in counts.values())


def char_classes(text: str) -> int:
    """How many of lower, upper, digit and other characters the text uses."""
    if not text:
        return 0
    return (
        any(map(str.islower, text))
        + any(map(str.isupper, text))
        + any(map(str.isdigit, text))
        + (not text.isalnum())  # some character is not a letter or a digit
    )


def not_repetitive(value: str) -> bool:
    """Rejects one repeated character or a short repeated run (``xxxx``, ``abab``)."""
    core = value.split("_", 1)[-1].split("-", 1)[-1] if len(value) > 12 else value
    if len(set(core)) <= 2:
        return False
    return not (len(core) >= 12 and len(set(core)) <= 4 and entropy(core) < 2.0)


_STYLE_RULE = re.compile(r"[{;][a-z-]+:")


def not_style_rule(value: str) -> bool:
    """False for a stylesheet's text caught after a provider's word (an icon class
    `.fa-snowflake-o:before{content:...}`), not a password."""
    return not _STYLE_RULE.search(value)
