"""Seed users given by position: a constructor or a call whose string arguments
make a user record (`new SeedUser("Adam", "adam@example.com", "<password>", ...)`,
one argument a line or all on one), the password among them with no key beside it.

The keyword rules need a name next to the value; here the record says what it is:
one argument is an e-mail address, and the password is the argument that has a
password's strong shape - letters, digits and a symbol other than `-` or
`.`, no space, not an address,
a path, a URL or a date. Weaker values in such a record (a name, a phone number, a
VIN) are not reported: nothing says which of them would be the password."""

from __future__ import annotations

import re
from collections.abc import Iterator

from shieldwall.analyzers.secrets import generic
from shieldwall.analyzers.secrets.verdicts import severity
from shieldwall.model import Severity

# An e-mail address as a whole literal, found from its `@` (a literal the regex engine
# looks for quickly), then its local part and opening quote read backwards.
_DOMAIN = re.compile(rb"""@[\w-]{1,63}(?:\.[\w-]{1,63})+["']""")
# every record holds a match of it: the prefilter's gate (a file without one has none)
GATE = _DOMAIN.pattern
_LOCAL = re.compile(rb"""["'][\w.+-]{1,64}$""")
# an argument that is a whole string literal, between commas or the parentheses
_ARG = re.compile(r"""(?:^|,)\s*(?P<q>["'])(?P<v>[^"'\\\n]{1,200})(?P=q)\s*(?=,|$)""")
# a symbol other than an identifier's or a version's (`-`, `.`): not a UUID, not a slug
_STRONG = re.compile(r"""^(?=[^\d]*\d)(?=[^A-Za-z]*[A-Za-z])(?=.*[^\w\s.-])[^\s"'@/:]{8,64}$""")
_DATE = re.compile(r"^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}")
_REACH = 800  # how far a record's opening parenthesis may stand before its address


def passwords(data: bytes, test_path: bool) -> Iterator[tuple[int, str, Severity]]:
    """(line, value, severity) of each strong password in a user record's arguments."""
    if b"@" not in data:
        return
    seen: set[int] = set()
    for m in _DOMAIN.finditer(data):
        if _LOCAL.search(data, max(0, m.start() - 66), m.start()) is None:
            continue
        opening = data.rfind(b"(", max(0, m.start() - _REACH), m.start())
        if opening < 0 or opening in seen or b")" in data[opening : m.start()]:
            continue
        closing = data.find(b")", m.end(), m.end() + _REACH)
        if closing < 0:
            continue
        seen.add(opening)
        yield from _record(data, opening, closing, test_path)


def _record(
    data: bytes, opening: int, closing: int, test_path: bool
) -> Iterator[tuple[int, str, Severity]]:
    body = data[opening + 1 : closing].decode("utf-8", "replace")
    line = data.count(b"\n", 0, opening + 1) + 1
    for m in _ARG.finditer(body):
        value = m.group("v")
        if _STRONG.match(value) and not _DATE.match(value):
            hit = generic.judge("password", value)
            if hit is not None and not hit.reason:
                yield line + body.count("\n", 0, m.start("v")), value, severity(hit, test_path)


# A list of users given as (name, password) pairs, one a line
# (`users = [\n    ('admin', '<password>'),\n ...]`): the list's name says what the pairs are.
TUPLE_GATE = rb"[Uu][Ss][Ee][Rr][Ss] ?= ?[\[(]"
_USERS_LIST = re.compile(rb"(?i)\busers ?= ?[\[(][ \t]*\r?\n")
_PAIR = re.compile(
    r"""^\s*\(\s*(?P<q>["'])(?P<u>[\w.@+-]{1,64})(?P=q)\s*,\s*"""
    r"""(?P<r>["'])(?P<p>[^"'\\\n]{4,64})(?P=r)\s*\)\s*,?\s*$"""
)
_PAIRS_READ = 50  # lines of a list read at most


def pair_passwords(data: bytes, test_path: bool) -> Iterator[tuple[int, str, Severity]]:
    """(line, value, severity) of each password in a list of users' (name, password)
    pairs; a value the rules call an example or a placeholder is left out."""
    for m in _USERS_LIST.finditer(data):
        line = data.count(b"\n", 0, m.end()) + 1
        rows = data[m.end() : m.end() + 8192].decode("utf-8", "replace").split("\n")
        for offset, text in enumerate(rows[:_PAIRS_READ]):
            pair = _PAIR.match(text)
            if pair is None:
                break
            hit = generic.judge("password", pair.group("p"))
            if hit is not None and hit.reason not in ("example", "placeholder"):
                yield line + offset, hit.value, severity(hit, test_path)


# A password hashed where it is written: a password-hashing call's literal argument is
# the plaintext a seeded user logs in with (`pbkdf2_sha256.encrypt('...')`,
# `bcrypt.hashpw(b'...', ...)`, `make_password('...')`, Laravel's `bcrypt('...')`,
# `generate_password_hash('...')`, PHP's `password_hash('...', ...)`, `Hash::make('...')`).
# Nobody hashes a placeholder: a weak word is a weak password here.
HASHED_GATE = (
    rb"(?:hashpw|make_password|password_hash|bcrypt|sha256\.encrypt|sha256\.hash|Hash::make)"
    rb"\(b?[\"']"
)
_HASHED = re.compile(
    rb"(?<![\w.])(?:bcrypt\.hashpw|make_password|generate_password_hash|password_hash|bcrypt"
    rb"|pbkdf2_sha256\.(?:encrypt|hash)|Hash::make)\(\s*b?(?P<q>[\"'])(?P<v>[^\"'\\\n]{4,64})(?P=q)"
)
_WORD = re.compile(r"^[A-Za-z0-9]{4,64}$")


def hashed_passwords(data: bytes, test_path: bool) -> Iterator[tuple[int, str, Severity]]:
    """(line, value, severity) of each literal handed to a password-hashing call; a
    template, a reference or a documented example is left out."""
    for m in _HASHED.finditer(data):
        value = m.group("v").decode("utf-8", "replace")
        hit = generic.judge("passwd", value, wide=True)
        if hit is None or hit.reason not in ("", generic.WEAK_VALUE):
            if not _WORD.match(value) or len(set(value)) < 3:
                continue  # `<password>`, `%s`, `xxxx`: not a plaintext
            hit = generic.GenericHit("password", value, "password", 0)
        yield data.count(b"\n", 0, m.start("v")) + 1, value, severity(hit, test_path)
