"""Changed lines computed in Python, and old line numbers carried to new ones."""

from __future__ import annotations

import pytest

from shieldwall.sources import line_diff
from shieldwall.sources.line_diff import compare

TEN = "".join(f"line {n}\n" for n in range(1, 11)).encode()


def test_replaced_and_inserted_lines_are_changed() -> None:
    new = TEN.replace(b"line 3\n", b"three\n").replace(b"line 7\n", b"line 7\nextra\n")
    assert compare(TEN, new).changed == {3, 8}


def test_a_removal_marks_both_neighbours() -> None:
    assert compare(TEN, TEN.replace(b"line 5\n", b"")).changed == {4, 5}
    assert compare(TEN, TEN.replace(b"line 1\n", b"")).changed == {1}


def test_line_endings_converted_to_crlf_change_nothing() -> None:
    edit = compare(TEN, TEN.replace(b"\n", b"\r\n"))
    assert edit.changed == frozenset()
    assert edit.carry([2, 9]) == {2, 9}


def test_old_lines_move_with_insertions_and_vanish_when_replaced() -> None:
    new = b"top\n" + TEN.replace(b"line 6\n", b"six\n")
    edit = compare(TEN, new)
    assert edit.changed == {1, 7}
    assert edit.carry([2, 6, 10]) == {3, 11}  # line 6 was replaced: already changed


def test_a_middle_too_long_to_align_counts_in_full(monkeypatch: pytest.MonkeyPatch) -> None:
    old = b"a\nx0\nx1\nx2\nx3\nx4\nz\n"
    new = b"a\ny0\nx1\nx2\nx3\ny4\nz\n"
    assert compare(old, new).changed == {2, 6}
    monkeypatch.setattr(line_diff, "MAX_MIDDLE_LINES", 3)
    assert compare(old, new).changed == {2, 3, 4, 5, 6}  # every line between a and z
