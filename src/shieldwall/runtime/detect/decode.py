"""Undo the encodings attackers stack to slip past matching: URL (repeatedly), `+`,
HTML entities, `\\uXXXX` and `%uXXXX`, overlong UTF-8, and case (callers lower)."""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import unquote_to_bytes

_PERCENT_U = re.compile(r"%u([0-9A-Fa-f]{4})")
_BACKSLASH_U = re.compile(r"\\u([0-9A-Fa-f]{4})")
_BACKSLASH_X = re.compile(r"\\x([0-9A-Fa-f]{2})")
# Overlong two-byte forms of ASCII (%c0%ae is `.`, %c0%af `/`), after URL decoding.
_OVERLONG = re.compile(rb"[\xc0\xc1][\x80-\xbf]")
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
_MAX_ROUNDS = 4
_MAX_LEN = 16384


def _overlong(match: re.Match[bytes]) -> bytes:
    first, second = match.group(0)
    return bytes([((first & 0x1F) << 6) | (second & 0x3F)])


def _url_once(text: str) -> str:
    raw = unquote_to_bytes(text)
    if b"\xc0" in raw or b"\xc1" in raw:
        raw = _OVERLONG.sub(_overlong, raw)
    return raw.decode("utf-8", "replace")


def decode(text: str, plus: bool = True) -> str:
    """The text an application would finally see, as far as decoding goes."""
    text = text[:_MAX_LEN]
    if plus and "+" in text:
        text = text.replace("+", " ")
    for _ in range(_MAX_ROUNDS):
        before = text
        if "%" in text:
            if "%u" in text or "%U" in text:
                text = _PERCENT_U.sub(lambda m: chr(int(m.group(1), 16)), text)
            text = _url_once(text)
        if "\\" in text:
            text = _BACKSLASH_U.sub(lambda m: chr(int(m.group(1), 16)), text)
            text = _BACKSLASH_X.sub(lambda m: chr(int(m.group(1), 16)), text)
        if "&" in text:
            text = html.unescape(_NAMED.sub(_entity, text))
        if text == before:
            break
    if not text.isascii():  # fullwidth and enclosed forms (U+FF1C is <, U+2460 is 1)
        text = unicodedata.normalize("NFKC", text)
    return text


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
