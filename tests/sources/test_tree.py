from __future__ import annotations

import os
from pathlib import Path

import pytest

from shieldwall.errors import SourceError
from shieldwall.sources.tree import walk


def _rels(root: Path, **kw) -> list[str]:
    return [f.rel for f in walk(root, **kw).files]


def test_gitignore_root_and_nested_and_excludes(write) -> None:
    root = write(
        {
            ".gitignore": "build/\n*.log\n",
            "app/.gitignore": "secret.yaml\n!keep.log\n",
            "app/deploy.yaml": "a: 1\n",
            "app/secret.yaml": "a: 1\n",
            "app/keep.log": "x\n",
            "app/other.log": "x\n",
            "build/out.yaml": "a: 1\n",
            "docs/x.yaml": "a: 1\n",
            "node_modules/pkg/k.yaml": "a: 1\n",
            ".git/config": "x\n",
        }
    )
    rels = _rels(root, excludes=("docs/",))
    assert rels == [".gitignore", "app/.gitignore", "app/deploy.yaml", "app/keep.log"]


def test_gitignore_can_be_disabled(write) -> None:
    root = write({".gitignore": "*.yaml\n", "a.yaml": "a: 1\n"})
    assert "a.yaml" not in _rels(root)
    assert "a.yaml" in _rels(root, use_gitignore=False)


def test_symlink_loop_and_outside_links_are_reported_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "k8s").mkdir(parents=True)
    (root / "k8s" / "a.yaml").write_text("a: 1\n")
    os.symlink(root, root / "k8s" / "loop")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.yaml").write_text("a: 1\n")
    os.symlink(outside, root / "out")
    os.symlink(root / "missing", root / "dangling")
    tree = walk(root)
    assert [f.rel for f in tree.files] == ["k8s/a.yaml"]
    reasons = {s.path: s.reason for s in tree.skipped}
    assert "symlink loop" in reasons["k8s/loop"]
    assert "outside" in reasons["out"]
    assert reasons["dangling"] == "broken symlink"


def test_fifo_is_skipped_with_reason(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    tree = walk(tmp_path)
    assert tree.files == []
    assert tree.skipped[0].path == "pipe.yaml"
    assert "not a regular file" in tree.skipped[0].reason


def test_read_text_refuses_binary_non_utf8_and_large(tmp_path: Path) -> None:
    (tmp_path / "bin.yaml").write_bytes(b"a: 1\x00\x01")
    (tmp_path / "latin.yaml").write_bytes(b"a: 1\nb: caf\xe9\n")
    (tmp_path / "big.yaml").write_text("a: 1\n" * 100)
    files = {f.rel: f for f in walk(tmp_path).files}
    with pytest.raises(SourceError, match="binary"):
        files["bin.yaml"].read_text()
    with pytest.raises(SourceError, match=r"not valid UTF-8 .*line 2"):
        files["latin.yaml"].read_text()
    with pytest.raises(SourceError, match="over the 100-byte limit"):
        files["big.yaml"].read_text(max_bytes=100)


def test_unreadable_file_becomes_source_error(tmp_path: Path, monkeypatch) -> None:
    # As root, permissions cannot make a file unreadable; simulate the OS refusal.
    (tmp_path / "a.yaml").write_text("a: 1\n")
    file = walk(tmp_path).files[0]

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(SourceError, match="Permission denied"):
        file.read_text()


def test_single_file_target(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    tree = walk(tmp_path / "Dockerfile")
    assert [f.rel for f in tree.files] == ["Dockerfile"]
    assert tree.root == tmp_path
