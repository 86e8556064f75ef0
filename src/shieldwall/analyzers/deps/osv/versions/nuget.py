"""NuGet: up to four numbers (missing ones are 0), a dot-separated
pre-release label compared case-insensitively, metadata after ``+`` ignored."""

from __future__ import annotations

import re

from shieldwall.analyzers.deps.osv.versions.base import CmpVersion, InvalidVersionError
from shieldwall.analyzers.deps.osv.versions.semver import compare_prerelease

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
        return compare_prerelease(self.pre, other.pre)


def parse(text: str) -> NuGetVersion:
    return NuGetVersion(text)
