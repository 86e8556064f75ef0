"""Packagist: PHP's version_compare, as Composer applies it (a leading ``v``
or ``V`` ignored).

The version is canonicalised (``-``, ``_``, ``+`` and other non-alphanumerics
become ``.``; a ``.`` goes between a digit and a non-digit) and the parts are
compared in turn: numbers numerically, words by their special form
(dev < alpha = a < beta = b < RC = rc < # < pl = p, unknown words lowest), a
number against a word as ``#``. When one side has parts left over, a number
left over makes it newer, a word is compared against ``#``.
"""

from __future__ import annotations

from shieldwall.analyzers.deps.osv.versions.base import CmpVersion, sign

_FORMS = (("dev", 0), ("alpha", 1), ("a", 1), ("beta", 2), ("b", 2), ("RC", 3), ("rc", 3))
_FORMS_TAIL = (("#", 4), ("pl", 5), ("p", 5))
_NUMBER = "#"  # how a number ranks against a word


def _canonical(version: str) -> list[str]:
    if not version:
        return []
    out = [version[0]]
    last = version[0]
    for char in version[1:]:
        if char in "-_+":
            if out[-1] != ".":
                out.append(".")
        elif (_is_non_digit(last) and _is_digit(char)) or (
            _is_digit(last) and _is_non_digit(char)
        ):
            if out[-1] != ".":
                out.append(".")
            out.append(char)
        elif not char.isalnum() and char != "#":
            if out[-1] != ".":
                out.append(".")
        else:
            out.append(char)
        last = char
    return "".join(out).split(".")


def _is_digit(char: str) -> bool:
    return char.isdigit()


def _is_non_digit(char: str) -> bool:
    # "#" is a word of its own (it ranks like a number), not a separator.
    return not char.isdigit() and char != "."


def _form(word: str) -> int:
    for name, rank in (*_FORMS, *_FORMS_TAIL):
        if word.startswith(name):
            return rank
    return -6


def _compare_forms(a: str, b: str) -> int:
    return sign(_form(a) - _form(b))


def _compare_parts(a: list[str], b: list[str]) -> int:
    i = 0
    while i < len(a) and i < len(b):
        x, y = a[i], b[i]
        x_num, y_num = x.isdigit(), y.isdigit()
        if x_num and y_num:
            result = sign(int(x) - int(y))
        elif not x_num and not y_num:
            result = _compare_forms(x, y)
        elif x_num:
            result = _compare_forms(_NUMBER, y)
        else:
            result = _compare_forms(x, _NUMBER)
        if result:
            return result
        i += 1
    if i < len(a):
        return 1 if a[i].isdigit() else _compare_parts(a[i:], [_NUMBER])
    if i < len(b):
        return -1 if b[i].isdigit() else _compare_parts([_NUMBER], b[i:])
    return 0


class PackagistVersion(CmpVersion):
    __slots__ = ("parts",)

    def __init__(self, text: str) -> None:
        super().__init__(text)
        stripped = text.strip()
        if stripped[:1] in ("v", "V") and stripped[1:2].isdigit():
            stripped = stripped[1:]
        self.parts = _canonical(stripped)

    def compare(self, other: CmpVersion) -> int:
        assert isinstance(other, PackagistVersion)
        return _compare_parts(self.parts, other.parts)


def parse(text: str) -> PackagistVersion:
    return PackagistVersion(text)
