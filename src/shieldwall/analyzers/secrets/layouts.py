"""More layouts real code writes a credential in, for the generic detector: a call
named for the credential given one literal (a pipeline DSL's `password('...')`,
`token('...')`; a snake-case setter, `token.set_token('...')`), a connection
setting whose value is `user:password@host` written without a scheme
(`MONGO_URI: admin:...@mongodb:27017`), and the password given by position to a
call that creates a user (`insertUser("alice", "...")`, Django's
`create_user("demo", "demo@example.com", "...")`): the first literal after the
user's name that is not an address."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TypeVar

from shieldwall.analyzers.secrets.names import credential_kind, name_words

H = TypeVar("H")
Take = Callable[[str, str, str], H | None]

_LIT = r"""(?P<q>["'])(?P<val>(?:\\.|(?!(?P=q))[^\\]){1,300}?)(?P=q)"""
# A call whose whole name is the credential's (`password('v')`, `apiKey('v')`), not
# a verb's (`check_password('v')`, `hashPassword('v')`): not a method either.
_NAMED_CALL = re.compile(
    r"""(?<![\w.$])(?P<key>[A-Za-z][A-Za-z_]{1,40}+)\(\s*""" + _LIT + r"""\s*\)"""
)
_SNAKE_SETTER = re.compile(r"""\bset_(?P<key>[a-z][a-z_]{1,40}+)\(\s*""" + _LIT + r"""\s*\)""")
_CREDENTIAL_WORDS = frozenset(
    {"password", "passwd", "passphrase", "pass", "token", "secret", "api", "key", "apikey"}
    | {"access", "private", "client", "auth"}
)
# `user:password@host[:port][/path]` as the whole value of a connection setting.
_NO_SCHEME = re.compile(
    r"""(?i)(?P<key>[A-Za-z_][\w.-]{0,60}?(?:uri|url|dsn|conn|connection|connstr|"""
    r"""connection_?string|addr|address))["']?\s*[:=]\s*["']?[\w.%+-]{1,64}:"""
    r"""(?P<val>[^@\s/:'"]{3,128})@[A-Za-z0-9][\w.-]*(?::\d{2,5})?(?:[/?][^\s'"]*)?["']?[,;]?\s*$"""
)


# A call that creates a user, its arguments up to the closing parenthesis.
_USER_CALL = re.compile(
    r"""(?i)(?<![\w$])(?:insert|create|add|register)_?(?:super)?user\(\s*(?P<args>[^()\n]{3,400}+)\)"""
)
_ARGUMENT = re.compile(r"""\s*(?:(?P<q>["'])(?P<val>[^"'\\\n]{0,200})(?P=q)|[^,]*)\s*(?:,|$)""")


def _user_password(args: str) -> str | None:
    """The first literal after the first (the user's name) that is not an address,
    unless it is the name again."""
    literals: list[str | None] = []
    pos = 0
    while pos < len(args) and len(literals) < 6:
        m = _ARGUMENT.match(args, pos)
        if m is None or m.end() == pos:
            break
        literals.append(m.group("val") if m.group("q") else None)
        pos = m.end()
    if not literals or literals[0] is None:
        return None  # the name is not a literal: `create_user(form.name, ...)`
    name = literals[0]
    for value in literals[1:]:
        if value is not None and "@" not in value:
            return value if value.lower() != name.lower() else None  # the name again: filler
    return None


def find(line: str, take: Take[H], quoted: bool) -> Iterator[H]:
    """The hits `take(key, value, via)` keeps among these layouts on `line`."""
    found: list[H | None] = []
    if quoted and "(" in line:
        for m in _NAMED_CALL.finditer(line):
            key = m.group("key")
            words = name_words(key)
            if credential_kind(key) is not None and words and set(words) <= _CREDENTIAL_WORDS:
                found.append(take(key, m.group("val"), "call"))
        if "set_" in line:
            found += [
                take(m.group("key"), m.group("val"), "call")
                for m in _SNAKE_SETTER.finditer(line)
                if credential_kind(m.group("key")) is not None
            ]
    if quoted and "ser(" in line:
        for m in _USER_CALL.finditer(line):
            value = _user_password(m.group("args"))
            if value is not None:
                found.append(take("password", value, "call"))
    if "@" in line and ":" in line and "://" not in line:
        found += [take("password", m.group("val"), "url") for m in _NO_SCHEME.finditer(line)]
    yield from (h for h in found if h is not None)
