"""A test's deliberately refused input: a password written in a test whose title says
the value is turned away (`test('should return 400 error if password length is less
than 8 characters', ...)` with `newUser.password = '...'` below it, Python's
`def test_register_rejects_a_short_password():`). The value exists to fail a
validation rule; no system opens with it. Only test files are read this way, and only
the nearest title above the value, a few lines up."""

from __future__ import annotations

import re
from collections.abc import Callable

# a test's title: Jest / Mocha / Jasmine `it(` / `test(` with a string, or a Python
# test function's name
_TITLE = re.compile(
    r"""^\s*(?:(?:it|test)(?:\.only)?\s*\(\s*(?P<q>['"`])(?P<t>[^'"`]{4,200})(?P=q)"""
    r"""|(?:async\s+)?def\s+(?P<f>test_\w+))"""
)
# what a refused value's test says of it: the value breaks a rule of length or shape
# (a test of a wrong or unknown password is not one: it often logs in as a real user)
_REFUSED = re.compile(
    r"(?i)(?:\b|_)(?:less[ _]than|too[ _](?:short|long|weak|simple)|short|weak|"
    r"(?:does[ _])?not[ _]contain)(?:\b|_)"
)
_REACH = 16  # lines looked up from the value for its test's title


def refused_in_test(line: str, above: Callable[[int], str | None]) -> bool:
    """Whether `line` stands in a test whose title says its input is refused: the
    nearest title within _REACH lines above (`above(-n)`: the n-th line up, None
    past the file's start), the line itself included."""
    for n in range(_REACH + 1):
        text = line if n == 0 else above(-n)
        if text is None:
            return False
        title = _TITLE.match(text)
        if title is not None:
            return bool(_REFUSED.search(title.group("t") or title.group("f") or ""))
    return False
