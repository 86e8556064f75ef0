"""A `.gitignore` that cannot be read safely (FIFO, device, link out of the
tree, too large) is not read: it becomes a skipped record and the walk goes on."""

from __future__ import annotations

import os
from pathlib import Path

from shieldwall.sources.safe_files import CONTROL_FILE_MAX_BYTES
from shieldwall.sources.tree import walk
from tests.fifos import fifo


def _reasons(root: Path, rel: str) -> list[str]:
    return [s.reason for s in walk(root).skipped if s.path == rel]


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "a.yaml").write_text("a: 1\n")
    return root


def test_fifo_gitignore_is_skipped_and_the_walk_goes_on(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    with fifo(root / "docs" / ".gitignore"):
        assert "docs/a.yaml" in [f.rel for f in walk(root).files]
        reasons = _reasons(root, "docs/.gitignore")
    assert "its ignore patterns are not applied: not a regular file" in " ".join(reasons)


def test_gitignore_linked_to_a_device_or_outside_is_not_read(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    os.symlink("/dev/zero", root / ".gitignore")
    outside = tmp_path / "host-ignore"
    outside.write_text("*.yaml\n")
    os.symlink(outside, root / "docs" / ".gitignore")
    tree = walk(root)
    assert [f.rel for f in tree.files] == ["docs/a.yaml"]  # the outside patterns do not apply
    for rel in (".gitignore", "docs/.gitignore"):
        assert any("not applied: points outside the scanned tree" in r for r in _reasons(root, rel))


def test_oversized_gitignore_is_not_read(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    (root / ".gitignore").write_text("*.yaml\n" + "#\n" * (CONTROL_FILE_MAX_BYTES // 2))
    assert "docs/a.yaml" in [f.rel for f in walk(root).files]
    assert any("over the" in r for r in _reasons(root, ".gitignore"))


def test_gitignore_linked_inside_the_tree_still_applies(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    (root / "shared-ignore").write_text("*.yaml\n")
    os.symlink("../shared-ignore", root / "docs" / ".gitignore")
    tree = walk(root)
    assert "docs/a.yaml" not in [f.rel for f in tree.files]
    assert not any(s.path == "docs/.gitignore" for s in tree.skipped)
