"""NuGet: up to four numbers (missing ones are 0), a dot-separated
pre-release label compared case-insensitively, metadata after ``+`` ignored."""

from __future__ import annotations

import re

from shieldwall.analyzers.deps.osv.versions.base import CmpVersion, InvalidVersionError, sign

_VERSION = re.compile(r"[vV]?(\d+(?:\.\d+){0,3})(?:-([0-9A-Za-z.-]*))?(?:\+.*)?")


class NuGetVersion(CmpVersion):
    __slots__ = ("numbers", "pre")

    def __init__(self, text: str) -> None:
        super().__init__(text)
        match = _VERSION.fullmatch(text.strip())
        if match is None:
            raise InvalidVersionError(f"not a NuGet version: {text!r}")
        numbers = [int(n) for n in match.group(1).split(".")]
        self.numbers = tuple(numbers + [0] * (4 - len(numbers)))
        label = match.group(2)
        self.pre: tuple[int | str, ...] = (
            tuple(int(p) if p.isdigit() else p.lower() for p in label.split(".")) if label else ()
        )

    def compare(self, other: CmpVersion) -> int:
        assert isinstance(other, NuGetVersion)
        if self.numbers != other.numbers:
            return -1 if self.numbers < other.numbers else 1
        a, b = self.pre, other.pre
        if a == b:
            return 0
        if not a:
            return 1
        if not b:
            return -1
        for x, y in zip(a, b, strict=False):
            if x == y:
                continue
            if isinstance(x, int) and isinstance(y, int):
                return sign(x - y)
            if isinstance(x, int):
                return -1
            if isinstance(y, int):
                return 1
            return -1 if x < y else 1
        return sign(len(a) - len(b))


def parse(text: str) -> NuGetVersion:
    return NuGetVersion(text)
