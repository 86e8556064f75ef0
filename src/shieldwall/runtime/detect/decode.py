"""Undo the encodings attackers stack to slip past matching: URL (repeatedly), `+`,
HTML entities, `\\uXXXX` and `%uXXXX`, overlong UTF-8 (two to six bytes, and the
invalid two-byte forms IIS reads), slashes and dots spelled with look-alike
characters, NUL bytes, and case (callers lower)."""

from __future__ import annotations

import base64
import binascii
import codecs
import functools
import html
import re
import unicodedata
from urllib.parse import unquote_to_bytes

_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_PERCENT_U = re.compile(r"%u([0-9A-Fa-f]{4})")
_BACKSLASH_U = re.compile(r"\\u([0-9A-Fa-f]{4})|\\u\{0*([0-9A-Fa-f]{1,5})\}")
_BACKSLASH_X = re.compile(r"\\x([0-9A-Fa-f]{2})")
# JavaScript's octal escapes, read only in runs of three or more (`\152\141\166`): a
# Windows path's `\100` alone stays as it is.
_OCTAL_RUN = re.compile(r"(?:\\[0-3][0-7]{2}){3,}")
_OCTAL = re.compile(r"\\([0-3][0-7]{2})")
# Overlong forms of ASCII after URL decoding: two bytes (%c0%ae is `.`, %c0%af `/`;
# IIS also reads an invalid second byte by its low six bits: %c0%2f, %c1%1c), and
# three to six bytes (%e0%80%ae, %f0%80%80%af, %f8%80%80%80%ae, %fc%80%80%80%80%af).
_OVERLONG = re.compile(
    rb"[\xc0\xc1][\x00-\x24\x26-\xff]|\xe0[\x80-\x81][\x80-\xbf]|\xf0\x80[\x80-\x81][\x80-\xbf]"
    rb"|\xf8\x80\x80[\x80-\x81][\x80-\xbf]|\xfc\x80\x80\x80[\x80-\x81][\x80-\xbf]"
)
# Characters that a path or a shell reads as a slash, a backslash or a dot, and
# that NFKC leaves alone (division slash, set minus, fraction slash, the
# private-use forms some IIS versions fold) or folds away (the acute accent,
# used as a quote, would become a space and a combining mark).
_LOOKALIKE = str.maketrans(
    {
        "\u2215": "/",
        "\u2044": "/",
        "\uefc8": "/",
        "\uf025": "/",
        "\u2216": "\\",
        "\u3002": ".",
        "\uff61": ".",
        "\u00b4": "'",
        "\u2018": "'",
        "\u2019": "'",
    }
)
# Named entities browsers accept in any case, which html.unescape reads in one case only.
_ENTITIES = {
    "tab": "\t",
    "newline": "\n",
    "colon": ":",
    "lpar": "(",
    "rpar": ")",
    "lbrace": "{",
    "rbrace": "}",
    "lsqb": "[",
    "rsqb": "]",
    "dollar": "$",
    "sol": "/",
    "bsol": "\\",
    "quot": '"',
    "apos": "'",
    "lt": "<",
    "gt": ">",
    "amp": "&",
    "semi": ";",
    "excl": "!",
    "num": "#",
    "period": ".",
    "equals": "=",
}
_NAMED = re.compile(r"&(" + "|".join(_ENTITIES) + r");?", re.IGNORECASE)
# A server that reads US-ASCII drops the high bit: 0xBC is `<`, 0xBE `>`, 0xA2 `"`.
_HIGH_BIT = re.compile(r"\u00bc/?[a-z]")
_SEVEN_BITS = {c: c & 0x7F for c in range(0x80, 0x100)}
# A lax two-byte decoder keeps only the second byte's low six bits, whatever the
# lead byte says: those that are a dot or a slash are read as one (`%c1%af` is `/`,
# `%c1%ae` is `.`, `%c0%5c` is `\\`), never as the letters strict decoding gives.
_LAX_LOW = {0x2E: b".", 0x2F: b"/", 0x1C: b"\\"}
# IIS's double percent: each hex digit of an escape encoded again (`%%32%%65` is
# `%2e`); read before URL decoding, which would otherwise take the `%fb` of
# `%%32%%66boot.ini` as an escape of its own.
_DOUBLE_PERCENT = re.compile(r"%%(3[0-9]|[46][1-6])%%(3[0-9]|[46][1-6])")
_MAX_ROUNDS = 4
# A value is judged whole up to MAX_LEN characters, the size of the longest line the
# reader hands on (reader.MAX_LINE): a longer decoded value is judged on its first
# MAX_LEN characters and flagged as oversized (payload.py), never passed over in
# silence. The detectors read it in windows of WINDOW characters, each OVERLAP
# characters into the one before, so a payload of up to OVERLAP characters lies whole
# in one window wherever it is, and the cost of a value stays linear in its length.
MAX_LEN = 65536
WINDOW = 32768
OVERLAP = 4096
_RAW_MAX = 16 * MAX_LEN  # characters of a raw value decoded (an escape is 3 to 12 of them)


def _overlong(match: re.Match[bytes]) -> bytes:
    seq = match.group(0)
    if len(seq) == 2:
        low = seq[1] & 0x3F
        if low in _LAX_LOW:  # lax decoders keep the low six bits: %c1%af, %c0%5c
            return _LAX_LOW[low]
        return bytes([((seq[0] & 0x1F) << 6) | low])
    return bytes([((seq[-2] & 0x01) << 6) | (seq[-1] & 0x3F)])  # the leading bits are zero


def _single_bytes(error: UnicodeError) -> tuple[str, int]:
    """A byte that is not UTF-8 read as Latin-1, as a single-byte server reads it
    (`%a0` is a no-break space that MySQL takes for a space, `%bc` is `¼`); the
    lead bytes of overlong forms, which no charset reads, stay unknown."""
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return "".join("\ufffd" if b in (0xC0, 0xC1) else chr(b) for b in bad), error.end


codecs.register_error("shieldwall-latin1", _single_bytes)


def _url_once(text: str) -> str:
    raw = unquote_to_bytes(text)
    if raw.isascii():
        return raw.decode("ascii")
    if _OVERLONG.search(raw):
        raw = _OVERLONG.sub(_overlong, raw)
    return raw.decode("utf-8", "shieldwall-latin1")


@functools.lru_cache(maxsize=32)  # the same value is decoded again for the fragments
def decode(text: str, plus: bool = True) -> str:
    """The text an application would finally see, as far as decoding goes."""
    text = text[:_RAW_MAX]
    if plus and "+" in text:
        text = text.replace("+", " ")
    for round_ in range(_MAX_ROUNDS):
        before = text
        if "%" in text:
            if "%%" in text:
                text = _DOUBLE_PERCENT.sub(_double_percent, text)
            if plus and round_ and "+" in text:  # `%2B` encoded twice meant a space
                text = text.replace("+", " ")
            if "%u" in text or "%U" in text:
                text = _PERCENT_U.sub(lambda m: chr(int(m.group(1), 16)), text)
            if _ESCAPE.search(text):  # (none: URL decoding leaves the text as it is)
                text = _url_once(text)
        if "\\" in text:
            text = _BACKSLASH_U.sub(_code_point, text)
            text = _BACKSLASH_X.sub(lambda m: chr(int(m.group(1), 16)), text)
            text = _OCTAL_RUN.sub(_octal_run, text)
        if "&" in text:
            text = html.unescape(_NAMED.sub(_entity, text))
        if text == before:
            break
    if "\x00" in text:
        text = text.replace("\x00", "")
    if "\u00bc" in text and "\u00be" in text and _HIGH_BIT.search(text):
        text = text.translate(_SEVEN_BITS)  # US-ASCII read as 7 bits: \xbcscript\xbe
    if not text.isascii():  # fullwidth and enclosed forms (U+FF1C is <, U+2460 is 1)
        text = unicodedata.normalize("NFKC", text.translate(_LOOKALIKE))
    return text


def _octal_run(match: re.Match[str]) -> str:
    return _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), match.group(0))


def _double_percent(match: re.Match[str]) -> str:
    return "%" + chr(int(match.group(1), 16)) + chr(int(match.group(2), 16))


def _code_point(match: re.Match[str]) -> str:
    """`\\u003c`, and JavaScript's `\\u{3c}` (at most U+FFFFF)."""
    return chr(int(match.group(1) or match.group(2), 16))


def _entity(match: re.Match[str]) -> str:
    return _ENTITIES[match.group(1).lower()]


def query_values(query: str) -> list[str]:
    """Each parameter's name and value of a query string, decoded (empty ones dropped)."""
    values = []
    for pair in query.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if value:
            values.append(decode(value))
        if name and not name.isalnum():
            values.append(decode(name))
    return values


_BASE64 = re.compile(r"[A-Za-z0-9+/]{12,}={0,2}|[A-Za-z0-9_-]{12,}={0,2}")


def base64_text(text: str) -> str | None:
    """The text a base64 value carries (standard or URL-safe alphabet, padded or
    not), when it is printable text; None for tokens, hashes and other bytes."""
    if (
        len(text) > MAX_LEN
        or text.islower()
        or text.isupper()
        or text.isdigit()
        or _BASE64.fullmatch(text) is None
    ):
        return None
    body = text.rstrip("=")
    if len(body) % 4 == 1:
        return None
    padded = body + "=" * (-len(body) % 4)
    try:
        raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        decoded = raw.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if not decoded.isprintable() and not all(c.isprintable() or c in "\t\r\n" for c in decoded):
        return None
    return decoded


# UTF-7's shifted base64 for the characters markup needs (`+ADw-` is `<`, `+AD4-` `>`,
# `+ACI-` `"`): a page served without a charset may be read as UTF-7.
_UTF7_MARKUP = re.compile(r"\+AD[w4s0]|\+AC[IcgkU8]")


def utf7_text(text: str) -> str | None:
    """The text a UTF-7 value spells when it shifts into markup characters; None otherwise."""
    if _UTF7_MARKUP.search(text) is None or not text.isascii():
        return None
    try:
        decoded = text.encode("ascii").decode("utf-7")
    except UnicodeDecodeError:
        return None
    return decoded if decoded != text else None
