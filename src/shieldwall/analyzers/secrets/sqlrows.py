"""Credentials in SQL seed data: an `INSERT INTO t (..., password, ...) VALUES
(..., 'value', ...)` row, whose column is named in the statement or in the file's
`CREATE TABLE t (...)`.

The keyword rules read `key = value` pairs on one line; a row puts the name in a
column list and the value at the same position in each tuple, often lines below.
A password column is authoritative (the value is what the table stores), so its
value is reported unless it is a placeholder, a reference, an example, a hash, a
path or code - the rejections the keyword rules apply to every value. A token or
key column must hold a random-looking value of 16 characters or more: such columns
also hold public identifiers (a video's `identificationToken`). A hash function
applied to a literal in a password column (`MD5('...')`, `sha2('...', 256)`; the
column may name the digest, `pwd_hash`) stores the digest of that literal: the
literal is the password, whatever word it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from shieldwall.analyzers.secrets import anchored, generic
from shieldwall.analyzers.secrets.names import credential_kind
from shieldwall.analyzers.secrets.values import (
    is_hash_or_integrity,
    is_hex_digest,
    is_salted_digest,
)
from shieldwall.analyzers.secrets.verdicts import severity
from shieldwall.model import Severity

_NAME = r"""[`"\[]?[\w$]+[`"\]]?(?:\s*\.\s*[`"\[]?[\w$]+[`"\]]?)*"""
_CREATE = re.compile(
    r"(?is)\bcreate\s+(?:temporary\s+)?table\s+(?:if\s+not\s+exists\s+)?(?P<t>" + _NAME + r")\s*\("
)
_INSERT = re.compile(
    r"(?is)\binsert\s+(?:ignore\s+)?into\s+(?P<t>"
    + _NAME
    + r")\s*(?:\((?P<cols>[^()]{1,4000})\)\s*)?values\s*"
)
# the word each statement begins with: the whole file is searched from there only
_CREATE_WORD, _INSERT_WORD = anchored.leading_word(_CREATE), anchored.leading_word(_INSERT)
_CONSTRAINT = re.compile(r"(?i)^(?:primary|foreign|unique|key|index|constraint|check)\b")
# the shape tests the keyword rules apply to tokens and keys: a table's column says
# what the value is, so a weak or short value there is still the stored credential
_WAIVED = frozenset({"", "short", "not-random", "not-key-material"})
# a digest SQL computes from its first argument, and a column that stores one
_HASH_CALL = re.compile(
    r"(?i)(?:^|[^\w$])(?:md5|sha1?|sha2|sha256|sha512|crypt|password|encrypt|digest|"
    r"crypt_blowfish|hash)\s*$"
)
_HASHED_LITERAL = re.compile(r"""\(\s*(?P<q>['"])(?P<v>[^'"\\\n{}$]{3,128})(?P=q)\s*[,)]""")
_DIGEST_COLUMN = re.compile(
    r"(?i)^(?:(?:pass(?:word)?|passwd|pwd|pw)_?(?:hash|digest)|hashed_?pass\w*)$"
)
_MAX_STATEMENT = 1 << 20
_TOKEN_FLOOR = 16


Found = tuple[int, str, str, Severity]
# a file holds a row only if it holds one of these (the prefilter's gates, exact case):
# the phrase as SQL is written, upper case, lower case, or the verb alone in capitals
# (`executeUpdate("INSERT into users(...) values (...)")`)
PHRASES = (b"INSERT INTO", b"insert into", b"INSERT into", b"Insert into", b"Insert Into")


def rows(data: bytes) -> Iterator[Found]:
    """(line, column, value, severity) of each credential in the file's INSERT rows."""
    if not any(phrase in data for phrase in PHRASES):
        return  # (`list.insert(` is everywhere in Python: the phrase, not the word)
    text = data.decode("utf-8", "replace")
    tables = _created_tables(text)
    counted, line = 0, 1  # rows come in file order: count newlines once
    for m in anchored.finditer(_INSERT, text, _INSERT_WORD):
        table = _bare(m.group("t"))
        cols = [_bare(c) for c in _split(m.group("cols"))] if m.group("cols") else None
        columns = cols if cols is not None else tables.get(table)
        if not columns:
            continue
        wanted = {i: c for i, c in enumerate(columns) if _stores_credential(c)}
        if not wanted:
            continue
        for values in _tuples(text, m.end()):
            for i, column in wanted.items():
                if i >= len(values):
                    continue
                item = values[i]
                if item is None:
                    continue
                value, at, hashed = item
                if hashed:
                    line += text.count("\n", counted, at)
                    counted = at
                    yield line, column, value, _hashed_severity(value)
                    continue
                if credential_kind(column) is None:
                    continue  # a digest column holds a digest unless SQL computes it here
                hit = generic.judge(column, value)
                if hit is None or hit.reason not in _WAIVED:
                    continue
                if hit.kind != "password" and (hit.reason or len(value) < _TOKEN_FLOOR):
                    continue  # `identificationToken` of a video: an id unless it is key-like
                if hit.kind == "password" and (
                    is_hex_digest(hit.value)
                    or is_salted_digest(hit.value)
                    or is_hash_or_integrity(hit.value)
                ):
                    continue  # a digest or a crypt(3) hash: what the table stores instead
                line += text.count("\n", counted, at)
                counted = at
                yield line, column, hit.value, severity(hit, False)


def _stores_credential(column: str) -> bool:
    return credential_kind(column) is not None or _DIGEST_COLUMN.match(column) is not None


def _hashed_severity(value: str) -> Severity:
    return severity(generic.GenericHit("password", value, "password", 0), False)


def _created_tables(text: str) -> dict[str, list[str]]:
    tables: dict[str, list[str]] = {}
    for m in anchored.finditer(_CREATE, text, _CREATE_WORD):
        body = _balanced(text, m.end())
        if body is None:
            continue
        names = []
        for part in _split(body):
            part = part.strip()
            if not part or _CONSTRAINT.match(part):
                continue
            names.append(_bare(part.split()[0]))
        tables[_bare(m.group("t"))] = names
    return tables


def _balanced(text: str, start: int) -> str | None:
    """The text up to the parenthesis closing the one just before `start`."""
    depth = 1
    end = min(len(text), start + 20000)
    for i in range(start, end):
        c = text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return text[start:i]
    return None


def _split(body: str) -> list[str]:
    """Split on commas outside parentheses (`decimal(10,2)` stays one part)."""
    parts, depth, last = [], 0, 0
    for i, c in enumerate(body):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(body[last:i])
            last = i + 1
    parts.append(body[last:])
    return parts


def _bare(name: str) -> str:
    return name.strip().rsplit(".", 1)[-1].strip().strip('`"[]').lower()


# a tuple's items: (value, offset in the text, hashed?) for a quoted string or a hash
# function's literal argument, None else
Item = tuple[str, int, bool] | None


def _tuples(text: str, start: int) -> Iterator[list[Item]]:
    """The VALUES tuples from `start` to the statement's end."""
    i, end = start, min(len(text), start + _MAX_STATEMENT)
    while i < end:
        c = text[i]
        if c == "(":
            items, i = _items(text, i + 1, end)
            yield items
        elif c == ";":
            return
        elif c in "'\"":
            i = _skip_string(text, i, end)
        elif not (c.isspace() or c == ","):
            return
        i += 1


def _items(text: str, i: int, end: int) -> tuple[list[Item], int]:
    items: list[Item] = []
    current: Item = None
    raw = False
    while i < end:
        c = text[i]
        if c in "'\"":
            stop = _skip_string(text, i, end)
            current = (_unquote(text[i + 1 : stop], c), i + 1, False)
            i = stop
        elif c == ",":
            items.append(current if not raw else None)
            current, raw = None, False
        elif c == ")":
            items.append(current if not raw else None)
            return items, i
        elif c == "(":  # a function call: its value is not a literal
            hashed = _hashed(text, i, end)
            depth = 1
            while i + 1 < end and depth:
                i += 1
                depth += {"(": 1, ")": -1}.get(text[i], 0)
            current, raw = hashed, hashed is None
        elif not c.isspace():
            raw = True
        i += 1
    return items, i


def _hashed(text: str, opening: int, end: int) -> Item:
    """The literal a hash function is given at `opening` (`MD5('...')`), else None."""
    if _HASH_CALL.search(text, max(0, opening - 40), opening) is None:
        return None
    m = _HASHED_LITERAL.match(text, opening, min(end, opening + 200))
    return (m.group("v"), m.start("v"), True) if m else None


def _skip_string(text: str, i: int, end: int) -> int:
    q = text[i]
    j = i + 1
    while j < end:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == q:
            if j + 1 < end and text[j + 1] == q:
                j += 2
                continue
            return j
        if c == "\n" and j - i > 4000:
            return j
        j += 1
    return j


def _unquote(body: str, q: str) -> str:
    return body.replace(q + q, q).replace("\\" + q, q)
