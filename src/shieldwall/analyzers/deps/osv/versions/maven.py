"""Maven: the ordering of Maven's ComparableVersion.

A version splits at ``.``, ``-`` and digit/letter transitions; a ``-`` or a
transition opens a nested list. Trailing "null" items (0, "", "final", "ga",
"release") are dropped. Numbers beat qualifiers; known qualifiers order
alpha < beta < milestone < rc (= cr) < snapshot < "" (release) < sp, and
unknown ones come after them, alphabetically (case-insensitive).
"""

from __future__ import annotations

from shieldwall.analyzers.deps.osv.versions.base import CmpVersion, sign

_QUALIFIERS = ("alpha", "beta", "milestone", "rc", "snapshot", "", "sp")
_ALIASES = {"ga": "", "final": "", "release": "", "cr": "rc"}
_SHORT = {"a": "alpha", "b": "beta", "m": "milestone"}
_RELEASE_RANK = str(_QUALIFIERS.index(""))



def _qualifier_rank(value: str) -> str:
    if value in _QUALIFIERS:
        return str(_QUALIFIERS.index(value))
    return f"{len(_QUALIFIERS)}-{value}"


def _string_item(value: str, followed_by_digit: bool) -> str:
    if followed_by_digit and value in _SHORT:
        value = _SHORT[value]
    return _ALIASES.get(value, value)


def _is_null(item: object) -> bool:
    if isinstance(item, int):
        return item == 0
    if isinstance(item, str):
        return _qualifier_rank(item) == _RELEASE_RANK
    assert isinstance(item, list)
    return not item


def _normalize(items: list[object]) -> None:
    for i in range(len(items) - 1, -1, -1):
        if _is_null(items[i]):
            del items[i]
        elif not isinstance(items[i], list):
            break


def _parse(text: str) -> list[object]:
    version = text.strip().lower()
    top: list[object] = []
    current = top
    stack = [top]
    digit = False
    start = 0

    def token(end: int) -> object:
        part = version[start:end]
        return int(part) if digit else _string_item(part, False)

    for i, char in enumerate(version):
        if char == ".":
            current.append(0 if i == start else token(i))
            start = i + 1
        elif char == "-":
            current.append(0 if i == start else token(i))
            start = i + 1
            nested: list[object] = []
            current.append(nested)
            current = nested
            stack.append(current)
        elif char.isdigit():
            if not digit and i > start:
                current.append(_string_item(version[start:i], True))
                start = i
                nested = []
                current.append(nested)
                current = nested
                stack.append(current)
            digit = True
        else:
            if digit and i > start:
                current.append(int(version[start:i]))
                start = i
                nested = []
                current.append(nested)
                current = nested
                stack.append(current)
            digit = False
    if len(version) > start:
        current.append(token(len(version)))
    while stack:
        _normalize(stack.pop())
    return _collapse(top)


def _collapse(items: list[object]) -> list[object]:
    """A list left holding one list (what "1-ga-1" becomes once "ga" is dropped)
    is that list: "1-ga-1" orders as "1-1"."""
    out: list[object] = []
    for item in items:
        if isinstance(item, list):
            inner = _collapse(item)
            while len(inner) == 1 and isinstance(inner[0], list):
                inner = inner[0]
            out.append(inner)
        else:
            out.append(item)
    return out


def _compare(a: object, b: object) -> int:
    """Compare two items; ``b`` may be None (the padding of a shorter list)."""
    if isinstance(a, int):
        if b is None:
            return 0 if a == 0 else 1
        if isinstance(b, int):
            return sign(a - b)
        return 1  # a number beats a qualifier and a list
    if isinstance(a, str):
        if b is None:
            return _str_cmp(_qualifier_rank(a), _RELEASE_RANK)
        if isinstance(b, int):
            return -1
        if isinstance(b, str):
            return _str_cmp(_qualifier_rank(a), _qualifier_rank(b))
        return -1
    assert isinstance(a, list)
    if b is None:
        for item in a:
            result = _compare(item, None)
            if result:
                return result
        return 0
    if isinstance(b, int):
        return -1
    if isinstance(b, str):
        return 1
    assert isinstance(b, list)
    for i in range(max(len(a), len(b))):
        left = a[i] if i < len(a) else None
        right = b[i] if i < len(b) else None
        if left is None:
            result = 0 if right is None else -_compare(right, None)
        else:
            result = _compare(left, right)
        if result:
            return result
    return 0


def _str_cmp(a: str, b: str) -> int:
    return (a > b) - (a < b)


class MavenVersion(CmpVersion):
    __slots__ = ("items",)

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.items = _parse(text)

    def compare(self, other: CmpVersion) -> int:
        assert isinstance(other, MavenVersion)
        return _compare(self.items, other.items)


def parse(text: str) -> MavenVersion:
    return MavenVersion(text)
