"""Which lines of a file's new version differ from its old one, computed here
rather than by git (a diff against the work tree would run the repository's
filters).

Lines are split on `\\n` as git splits them and compared without a trailing
`\\r`, so a checkout that converts line endings does not change every line.
Lines left unchanged are matched to their old numbers, so that the lines an
earlier change touched can be carried over to the new version.

The common start and end of the two versions are matched first, in linear
time; the differing middle goes to `difflib.SequenceMatcher`, whose cost grows
with the product of the sides. A middle of more than `MAX_MIDDLE_LINES` on
either side is counted as changed in full instead: the comparison may report
more lines than changed, never fewer.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Iterable
from dataclasses import dataclass

MAX_MIDDLE_LINES = 20_000


@dataclass(frozen=True, slots=True)
class LineEdit:
    """`changed`: line numbers (from 1) of the new version that are new or
    replaced, and both neighbours of a removal; `kept`: the blocks of lines
    equal in both, as (old start, new start, length), from 0, in order."""

    changed: frozenset[int]
    kept: tuple[tuple[int, int, int], ...]

    def carry(self, old_lines: Iterable[int]) -> set[int]:
        """The new numbers of those old lines (from 1) that are kept unchanged."""
        starts = [block[0] for block in self.kept]
        moved: set[int] = set()
        for line in old_lines:
            at = bisect.bisect_right(starts, line - 1) - 1
            if at < 0:
                continue
            old, new, length = self.kept[at]
            if line - 1 < old + length:
                moved.add(new + line - 1 - old + 1)
        return moved


def _lines(data: bytes) -> list[bytes]:
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return [line[:-1] if line.endswith(b"\r") else line for line in lines]


def compare(old: bytes, new: bytes) -> LineEdit:
    """The lines that changed from `old` to `new`."""
    a, b = _lines(old), _lines(new)
    shortest = min(len(a), len(b))
    head = 0
    while head < shortest and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < shortest - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
    opcodes: list[tuple[str, int, int, int, int]]
    if max(len(middle_a), len(middle_b)) > MAX_MIDDLE_LINES:
        opcodes = [("replace", 0, len(middle_a), 0, len(middle_b))]
    else:
        # autojunk (the default) skips lines that recur in more than 1% of a long
        # file: faster, and what it matches is still equal on both sides.
        opcodes = list(difflib.SequenceMatcher(None, middle_a, middle_b).get_opcodes())
    kept = [(0, 0, head)] if head else []
    changed: set[int] = set()
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            kept.append((head + i1, head + j1, i2 - i1))
        elif j2 > j1:  # inserted or replaced
            changed.update(range(head + j1 + 1, head + j2 + 1))
        elif i2 > i1:  # removed after line head + j1: mark both neighbours
            changed.update(n for n in (head + j1, head + j1 + 1) if n > 0)
    if tail:
        kept.append((len(a) - tail, len(b) - tail, tail))
    return LineEdit(frozenset(changed), tuple(kept))
