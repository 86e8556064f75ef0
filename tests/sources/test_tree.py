from __future__ import annotations

import os
from pathlib import Path

import pytest

from shieldwall.errors import SourceError
from shieldwall.sources.tree import walk
from tests.gitrepo import git, make_repo, needs_git


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


# -- in a git work tree, what is tracked is scanned ------------------------------------------


@needs_git
def test_tracked_files_are_listed_whatever_gitignore_says(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo",
        {".gitignore": "*\n", "k8s/pod.yaml": "a: 1\n", "Dockerfile": "FROM scratch\n"},
        {"build/out.yaml": "a: 1\n", "notes.txt": "x\n", "k8s/local.yaml": "a: 1\n"},
    )
    tree = walk(root)
    assert [f.rel for f in tree.files] == [".gitignore", "Dockerfile", "k8s/pod.yaml"]
    assert tree.tracked_by_git and tree.selection_note == ""
    # untracked files stay ignored, and are counted
    assert tree.left_out["gitignore"] == 3


@needs_git
def test_tracked_file_inside_an_ignored_directory_is_listed(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo",
        {".gitignore": "deploy/\n", "deploy/prod/app.yaml": "a: 1\n"},
        {"deploy/prod/tmp.yaml": "a: 1\n", "deploy/cache/x.yaml": "a: 1\n"},
    )
    rels = _rels(root)
    assert rels == [".gitignore", "deploy/prod/app.yaml"]


@needs_git
def test_subdirectory_of_a_repository_keeps_paths_relative_to_it(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo",
        {"svc/.gitignore": "*.yaml\n", "svc/k8s/pod.yaml": "a: 1\n", "other/x.yaml": "a: 1\n"},
        {"svc/k8s/scratch.yaml": "a: 1\n"},
    )
    tree = walk(root / "svc")
    assert [f.rel for f in tree.files] == [".gitignore", "k8s/pod.yaml"]
    assert tree.tracked_by_git
    assert tree.left_out["gitignore"] == 1


@needs_git
def test_excludes_apply_to_tracked_files_and_are_counted_by_origin(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo",
        {"a/1.yaml": "a: 1\n", "a/2.yaml": "a: 1\n", "b/3.yaml": "a: 1\n", "c.yaml": "a: 1\n"},
    )
    tree = walk(root, excludes=("a/",), repo_excludes=("*",))
    assert tree.files == []
    assert tree.left_out == {"exclude": 2, "repository-exclude": 2}
    assert tree.excludes == ("a/", "*")


@needs_git
def test_submodule_is_listed_without_crashing(tmp_path: Path) -> None:
    inner = make_repo(tmp_path / "inner", {".gitignore": "*\n", "pod.yaml": "a: 1\n"})
    root = make_repo(tmp_path / "repo", {"top.yaml": "a: 1\n"})
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner), "sm")
    git(root, "commit", "-q", "-m", "submodule")
    rels = _rels(root)
    assert {"top.yaml", "sm/pod.yaml", "sm/.gitignore"} <= set(rels)


@needs_git
def test_tracked_symlink_outside_the_tree_is_still_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.yaml").write_text("a: 1\n")
    root = tmp_path / "repo"
    root.mkdir()
    os.symlink(outside / "x.yaml", root / "link.yaml")
    os.symlink(outside, root / "linkdir")
    make_repo(root, {".gitignore": "*\n", "pod.yaml": "a: 1\n"})
    git(root, "add", "-f", "link.yaml", "linkdir")
    git(root, "commit", "-q", "-m", "links")
    tree = walk(root)
    assert [f.rel for f in tree.files] == [".gitignore", "pod.yaml"]
    reasons = {s.path: s.reason for s in tree.skipped}
    assert "outside" in reasons["link.yaml"]
    assert "outside" in reasons["linkdir"]


def test_outside_a_work_tree_gitignore_applies_and_is_noted(write) -> None:
    root = write({".gitignore": "*.yaml\n", "a.yaml": "a: 1\n", "b.txt": "x\n"})
    tree = walk(root)
    assert [f.rel for f in tree.files] == [".gitignore", "b.txt"]
    assert not tree.tracked_by_git
    assert "not a git work tree" in tree.selection_note
    assert tree.left_out["gitignore"] == 1
    assert tree.warnings == []


def test_without_git_a_work_tree_falls_back_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("*.yaml\n")
    (tmp_path / "a.yaml").write_text("a: 1\n")
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    tree = walk(tmp_path)
    assert [f.rel for f in tree.files] == [".gitignore"]
    assert tree.selection_note.startswith("git is not installed")
    assert tree.warnings and "not scanned even if tracked" in tree.warnings[0]


def test_excluded_directory_counts_its_files_without_following_links(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    for i in range(5):
        (outside / f"{i}.yaml").write_text("a: 1\n")
    root = tmp_path / "repo"
    (root / "docs" / "deep").mkdir(parents=True)
    (root / "docs" / "a.md").write_text("x\n")
    (root / "docs" / "deep" / "b.md").write_text("x\n")
    os.symlink(outside, root / "docs" / "out")
    tree = walk(root, repo_excludes=("docs/",))
    assert tree.left_out == {"repository-exclude": 3}


@needs_git
def test_listing_tracked_files_runs_nothing_the_repository_configures(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {".gitignore": "*\n", "pod.yaml": "a: 1\n"})
    marker = tmp_path / "ran"
    # plain `git ls-files` would run this
    git(root, "config", "core.fsmonitor", f"touch {marker}; false")
    assert [f.rel for f in walk(root).files] == [".gitignore", "pod.yaml"]
    assert not marker.exists()


@needs_git
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_checkout_owned_by_another_user_is_still_listed_by_git(tmp_path: Path) -> None:
    # CI containers often run as another user than the one who checked out.
    root = make_repo(tmp_path / "repo", {".gitignore": "*\n", "pod.yaml": "a: 1\n"})
    for path in [root, *root.rglob("*")]:
        os.lchown(path, 65534, 65534)
    tree = walk(root)
    assert tree.tracked_by_git
    assert [f.rel for f in tree.files] == [".gitignore", "pod.yaml"]
