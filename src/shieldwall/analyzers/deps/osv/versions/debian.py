"""Debian: dpkg's ordering of ``[epoch:]upstream[-revision]``."""

from __future__ import annotations

from shieldwall.analyzers.deps.osv.versions.base import CmpVersion, InvalidVersionError, sign


def _order(char: str) -> int:
    if char == "~":
        return -1
    if char.isalpha():
        return ord(char)
    return ord(char) + 256


def _compare_part(a: str, b: str) -> int:
    """dpkg's verrevcmp: alternate non-digit runs (by _order) and digit runs (numerically)."""
    i = j = 0
    while i < len(a) or j < len(b):
        first_diff = 0
        while (i < len(a) and not a[i].isdigit()) or (j < len(b) and not b[j].isdigit()):
            ac = _order(a[i]) if i < len(a) and not a[i].isdigit() else 0
            bc = _order(b[j]) if j < len(b) and not b[j].isdigit() else 0
            if ac != bc:
                return sign(ac - bc)
            i += 1
            j += 1
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        while i < len(a) and a[i].isdigit() and j < len(b) and b[j].isdigit():
            if not first_diff:
                first_diff = ord(a[i]) - ord(b[j])
            i += 1
            j += 1
        if i < len(a) and a[i].isdigit():
            return 1
        if j < len(b) and b[j].isdigit():
            return -1
        if first_diff:
            return sign(first_diff)
    return 0


class DebianVersion(CmpVersion):
    __slots__ = ("epoch", "revision", "upstream")

    def __init__(self, text: str) -> None:
        super().__init__(text)
        rest = text.strip()
        epoch = 0
        if ":" in rest:
            head, rest = rest.split(":", 1)
            if not head.isdigit():
                raise InvalidVersionError(f"epoch of Debian version {text!r} is not a number")
            epoch = int(head)
        upstream, _, revision = rest.rpartition("-")
        if not upstream:
            upstream, revision = rest, ""
        if not upstream:
            raise InvalidVersionError(f"empty Debian version {text!r}")
        self.epoch = epoch
        self.upstream = upstream
        self.revision = revision

    def compare(self, other: CmpVersion) -> int:
        assert isinstance(other, DebianVersion)
        if self.epoch != other.epoch:
            return sign(self.epoch - other.epoch)
        return _compare_part(self.upstream, other.upstream) or _compare_part(
            self.revision, other.revision
        )


def parse(text: str) -> DebianVersion:
    return DebianVersion(text)
