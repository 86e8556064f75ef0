"""SemVer 2.0 as npm, crates.io and Go use it: an optional leading ``v``;
missing minor/patch read as 0; build metadata (and, leniently, anything after
the third number) ignored; Go pseudo-versions are ordinary pre-releases."""

from __future__ import annotations

import re

from shieldwall.analyzers.deps.osv.versions.base import CmpVersion, InvalidVersionError, sign

_CORE = re.compile(r"[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?")


class SemVer(CmpVersion):
    __slots__ = ("core", "pre")

    def __init__(self, text: str) -> None:
        super().__init__(text)
        stripped = text.strip()
        match = _CORE.match(stripped)
        if match is None:
            raise InvalidVersionError(f"not a SemVer version: {text!r}")
        self.core = tuple(int(g) if g else 0 for g in match.groups())
        rest = stripped[match.end() :]
        pre: tuple[int | str, ...] = ()
        if rest.startswith("-"):
            label = rest[1:].split("+", 1)[0]
            pre = tuple(int(p) if p.isdigit() else p for p in label.split("."))
        # "+build", ".4.5" after the core, or anything else: not part of the order.
        self.pre = pre

    def compare(self, other: CmpVersion) -> int:
        assert isinstance(other, SemVer)
        if self.core != other.core:
            return -1 if self.core < other.core else 1
        return compare_prerelease(self.pre, other.pre)


def compare_prerelease(a: tuple[int | str, ...], b: tuple[int | str, ...]) -> int:
    """SemVer 2.0 pre-release precedence (also NuGet's, on lower-cased labels)."""
    if a == b:
        return 0
    if not a:
        return 1  # a release sorts after its pre-releases
    if not b:
        return -1
    for x, y in zip(a, b, strict=False):
        if x == y:
            continue
        if isinstance(x, int) and isinstance(y, int):
            return sign(x - y)
        if isinstance(x, int):
            return -1  # numeric identifiers sort before alphanumeric ones
        if isinstance(y, int):
            return 1
        return -1 if x < y else 1
    return sign(len(a) - len(b))


def parse(text: str) -> SemVer:
    return SemVer(text)
