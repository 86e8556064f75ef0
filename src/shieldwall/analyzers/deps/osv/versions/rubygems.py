"""RubyGems: Gem::Version ordering. Segments are runs of digits (numbers) or
letters (strings, pre-release markers); ``-`` reads as ``.pre.``; trailing
zeros of the release and of the pre-release part do not count; a string
sorts before a number at the same position."""

from __future__ import annotations

import re

from shieldwall.analyzers.deps.osv.versions.base import CmpVersion, InvalidVersionError

_SEGMENT = re.compile(r"[0-9]+|[a-zA-Z]+")


def _drop_trailing_zeros(segments: list[int | str]) -> list[int | str]:
    while segments and segments[-1] == 0:
        segments.pop()
    return segments


class GemVersion(CmpVersion):
    __slots__ = ("segments",)

    def __init__(self, text: str) -> None:
        super().__init__(text)
        stripped = text.strip() or "0"
        # Lenient: "1beta" is not valid for Gem::Version, but such versions
        # exist in advisories and order as their segments say.
        if not _SEGMENT.search(stripped):
            raise InvalidVersionError(f"not a RubyGems version: {text!r}")
        stripped = stripped.replace("-", ".pre.")
        segments: list[int | str] = [
            int(s) if s.isdigit() else s for s in _SEGMENT.findall(stripped)
        ]
        first_string = next(
            (i for i, s in enumerate(segments) if isinstance(s, str)), len(segments)
        )
        self.segments = tuple(
            _drop_trailing_zeros(segments[:first_string])
            + _drop_trailing_zeros(segments[first_string:])
        )

    def compare(self, other: CmpVersion) -> int:
        assert isinstance(other, GemVersion)
        a, b = self.segments, other.segments
        for i in range(max(len(a), len(b))):
            left: int | str = a[i] if i < len(a) else 0
            right: int | str = b[i] if i < len(b) else 0
            if left == right:
                continue
            if isinstance(left, str) and isinstance(right, int):
                return -1
            if isinstance(left, int) and isinstance(right, str):
                return 1
            return -1 if left < right else 1  # type: ignore[operator]
        return 0


def parse(text: str) -> GemVersion:
    return GemVersion(text)
