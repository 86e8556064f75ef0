"""What a value limited to a set of characters is still dangerous for: a regex
substitution that deletes everything but `[A-Za-z0-9_-]` leaves nothing that
can break out of a header, a shell word or an SQL string."""

from __future__ import annotations

import re
from functools import lru_cache

# The characters each sink class needs at least one of to be abused. Classes whose
# abuse needs no special character at all (an SSRF host name, a session value, a
# redirect) are absent: a character set never makes them safe.
DANGEROUS: dict[str, frozenset[str]] = {
    "sql": frozenset("'\"\\;-()=/*# \t\n\r"),
    "cmd": frozenset(";|&$`\n\r<>(){}"),
    "code": frozenset("()[]'\".\n"),
    "path": frozenset("/\\."),
    "xss": frozenset("<>\"'&`"),
    "header": frozenset("\r\n"),
    "log": frozenset("\r\n"),
    "ldap": frozenset("*()\\&|=\x00"),
    "xpath": frozenset("'\"[]()/=@"),
    "xxe": frozenset("<&%"),
    "template": frozenset("{}%"),
}
_CANDIDATES = [chr(c) for c in range(1, 128)]


def safe_classes(allowed: frozenset[str]) -> frozenset[str]:
    """The sink classes a string made only of `allowed` characters cannot abuse."""
    return frozenset(cls for cls, bad in DANGEROUS.items() if not bad & allowed)


@lru_cache(maxsize=256)
def removal_survivors(pattern: str) -> frozenset[str] | None:
    """The ASCII characters left in place by `re.sub(pattern, "", s)` (those the
    pattern does not match on their own); None when the pattern does not compile
    or leaves every character (then it proves nothing)."""
    try:
        rx = re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    left = frozenset(c for c in _CANDIDATES if rx.fullmatch(c) is None)
    return None if len(left) == len(_CANDIDATES) else left
