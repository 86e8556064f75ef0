"""The account a login request's body names: the conventional user-name fields of a
form (urlencoded or multipart) or a JSON object, for sources that log bodies
(ModSecurity). Bodies are hostile: only the first `MAX_BODY` characters are read,
malformed ones give "", and a password field is never looked at."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import unquote_plus

import orjson

MAX_BODY = 8192  # characters read; a login form or object is far smaller
MAX_FIELDS = 64  # form fields or multipart parts looked at
MAX_ACCOUNT = 200

# Field names, in the order they are preferred; compared in lower case without `_`
# and `-` (user_name, userName and username are one; j_username is Java form login's).
FIELDS = ("username", "jusername", "email", "user", "login", "account")
Ranks = Mapping[str, int]


def _folded(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


def ranks(own: Iterable[str] = ()) -> Ranks:
    """Field names to their preference: a site's own names (`watch.login_fields`)
    first, in their order, then the conventional ones."""
    table: dict[str, int] = {}
    for name in (*own, *FIELDS):
        table.setdefault(_folded(name), len(table))
    return table


_RANK = ranks()
# What a submit button or a flag sends under one of those names: not an account.
_NOT_ACCOUNTS = frozenset(
    {"login", "log in", "signin", "sign in", "submit", "true", "false", "on", "yes", "1", "0"}
)


def _rank(key: str, table: Ranks) -> int | None:
    return table.get(_folded(key))


def _account(value: object) -> str:
    if not isinstance(value, str):
        return ""
    value = value.strip().lower()
    if not value or len(value) > MAX_ACCOUNT or value in _NOT_ACCOUNTS:
        return ""
    if not value.isprintable() or "\ufffd" in value:  # control or undecodable bytes
        return ""
    return value


def _best(pairs: list[tuple[str, object]], table: Ranks) -> str:
    """The value of the best-ranked field among (name, value) pairs that is an account."""
    found: list[tuple[int, str]] = []
    for key, value in pairs:
        rank = _rank(key, table)
        if rank is not None:
            account = _account(value)
            if account:
                found.append((rank, account))
    return min(found)[1] if found else ""


def _from_json(text: str, table: Ranks) -> str:
    try:
        data = orjson.loads(text)
    except (orjson.JSONDecodeError, RecursionError):
        return ""
    if not isinstance(data, dict):
        return ""
    top = _best(list(data.items()), table)
    if top:
        return top
    for value in list(data.values())[:MAX_FIELDS]:  # {"user": {"email": ...}}, one level
        if isinstance(value, dict):
            inner = _best(list(value.items()), table)
            if inner:
                return inner
    return ""


def _form_key(key: str) -> str:
    """`user[email]` (a nested form field) names its inner field."""
    if key.endswith("]") and "[" in key:
        return key[key.rindex("[") + 1 : -1]
    return key


def _from_form(text: str, table: Ranks) -> str:
    pairs: list[tuple[str, object]] = []
    for field in text.split("&", MAX_FIELDS)[:MAX_FIELDS]:
        key, sep, value = field.partition("=")
        if sep:
            key = _form_key(unquote_plus(key, errors="replace"))
            if _rank(key, table) is not None:
                pairs.append((key, unquote_plus(value, errors="replace")))
    return _best(pairs, table)


def _boundary(content_type: str) -> str:
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.lower() == "boundary":
            return value.strip().strip('"')
    return ""


def _from_multipart(text: str, boundary: str, table: Ranks) -> str:
    pairs: list[tuple[str, object]] = []
    for part in text.split(f"--{boundary}", MAX_FIELDS)[1:MAX_FIELDS]:
        head, sep, value = part.lstrip("\r\n").partition("\n\n")
        if not sep:
            head, sep, value = part.lstrip("\r\n").partition("\r\n\r\n")
        marker = head.lower().find('name="')
        if not sep or marker < 0:
            continue
        start = marker + len('name="')
        key = _form_key(head[start : head.find('"', start)])
        if _rank(key, table) is not None:
            pairs.append((key, value.rstrip("\r\n")))
    return _best(pairs, table)


def account_from_body(body: str, content_type: str = "", table: Ranks = _RANK) -> str:
    """The account a login body names, lower-cased; "" when it names none. `table`:
    the field names looked for (`ranks`)."""
    text = body[:MAX_BODY]
    kind = content_type.lower()
    try:
        if "json" in kind or (not kind and text.lstrip().startswith("{")):
            return _from_json(text, table) if len(body) < MAX_BODY else ""  # cut short: not parsed
        if kind.startswith("multipart/form-data"):
            boundary = _boundary(content_type)
            return _from_multipart(text, boundary, table) if boundary else ""
        if not kind or "x-www-form-urlencoded" in kind:
            return _from_form(text.strip(), table)
    except (ValueError, TypeError, UnicodeError):
        return ""
    return ""
