"""A file is read whole, to its end, whatever size the walk saw: grown, shrunk,
empty or larger than one read."""

from __future__ import annotations

from pathlib import Path

import pytest

from shieldwall.analyzers.secrets import analyzer


@pytest.mark.parametrize(
    ("length", "seen"), [(0, 0), (10, 10), (10, 3), (10, 50), (300_000, 1), (300_000, 300_000)]
)
def test_a_file_is_read_whole_whatever_size_the_walk_saw(
    tmp_path: Path, length: int, seen: int
) -> None:
    path = tmp_path / "f.txt"
    body = bytes(i % 251 + 1 for i in range(length))
    path.write_bytes(body)
    assert analyzer._read(str(path), seen, 1 << 30) == body


def test_a_missing_file_says_why_and_a_binary_one_is_skipped(tmp_path: Path) -> None:
    assert str(analyzer._read(str(tmp_path / "gone"), 1, 100)).startswith("cannot read file")
    binary = tmp_path / "b.bin"
    binary.write_bytes(b"ab\x00cd")
    assert analyzer._read(str(binary), 5, 100) == "binary file (contains NUL bytes)"
