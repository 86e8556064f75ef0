"""Changed lines since a ref's merge base, read from git in repositories built here."""

from __future__ import annotations

from pathlib import Path

import pytest

from shieldwall.errors import UsageError
from shieldwall.sources.changes import changed_lines
from tests.gitrepo import git, make_repo, needs_git

pytestmark = needs_git

TEN = "".join(f"line {n}\n" for n in range(1, 11))
NAMES = [
    "with space.txt",
    "tab\there.txt",
    "new\nline.txt",
    'quo"te.txt',
    "ünï cödé.txt",
    "back\\slash.txt",
    "-dash.txt",
]


def _branch(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = make_repo(tmp_path / "repo", files)
    git(repo, "checkout", "-q", "-b", "pr")
    return repo


def test_names_with_special_characters_are_read_exactly(tmp_path: Path) -> None:
    repo = _branch(tmp_path, dict.fromkeys(NAMES, TEN))
    for name in NAMES:
        (repo / name).write_text(TEN.replace("line 4\n", "four\n"))
    git(repo, "commit", "-q", "-am", "edit")
    changes = changed_lines(repo, "main")
    assert set(changes.lines) == set(NAMES)
    assert all(changes.lines[name] == {4} for name in NAMES)


def test_added_modified_deleted_renamed(tmp_path: Path) -> None:
    repo = _branch(tmp_path, {"keep.txt": TEN, "gone.txt": TEN, "old.txt": TEN, "cut.txt": TEN})
    (repo / "keep.txt").write_text(TEN.replace("line 2\n", "two\n") + "line 11\n")
    (repo / "added.txt").write_text("a\nb\n")
    git(repo, "rm", "-q", "gone.txt")
    git(repo, "mv", "old.txt", "new.txt")
    (repo / "cut.txt").write_text(TEN.replace("line 5\n", ""))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "pr")
    changes = changed_lines(repo, "main")
    assert changes.base == git(repo, "rev-parse", "main")
    assert changes.lines["keep.txt"] == {2, 11}
    assert "added.txt" in changes.whole
    assert changes.touches("added.txt", 0, 0) and changes.touches("added.txt", 2, 2)
    assert "gone.txt" not in changes.lines and "gone.txt" not in changes.whole
    assert changes.lines["new.txt"] == frozenset()  # renamed, no line changed
    assert changes.touches("new.txt", 0, 0) and not changes.touches("new.txt", 3, 3)
    assert changes.lines["cut.txt"] == {4, 5}  # the neighbours of the removed line
    assert "old.txt" not in changes.lines and "old.txt" not in changes.whole


def test_binary_change_counts_the_whole_file(tmp_path: Path) -> None:
    repo = _branch(tmp_path, {"blob.bin": "a\0b\n"})
    (repo / "blob.bin").write_bytes(b"c\0d\n")
    changes = changed_lines(repo, "main")  # uncommitted: still part of the change
    assert changes.whole == {"blob.bin"}


def test_merge_base_not_the_tip_of_ref(tmp_path: Path) -> None:
    repo = _branch(tmp_path, {"a.txt": TEN})
    (repo / "a.txt").write_text(TEN.replace("line 1\n", "one\n"))
    git(repo, "commit", "-q", "-am", "pr")
    git(repo, "checkout", "-q", "main")
    (repo / "b.txt").write_text("on main after the branch\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "main moves on")
    git(repo, "checkout", "-q", "pr")
    changes = changed_lines(repo, "main")
    assert set(changes.lines) == {"a.txt"} and not changes.whole  # b.txt is main's, not the PR's


def test_repository_config_runs_nothing(tmp_path: Path) -> None:
    repo = _branch(tmp_path, {"a.txt": TEN})
    marker = tmp_path / "ran"
    git(repo, "config", "diff.external", f"touch {marker}")
    git(repo, "config", "core.fsmonitor", f"touch {marker}")
    git(repo, "config", "diff.interHunkContext", "10")  # would join hunks over unchanged lines
    git(repo, "config", "diff.noprefix", "true")
    (repo / "a.txt").write_text(TEN.replace("line 2\n", "two\n").replace("line 8\n", "eight\n"))
    assert changed_lines(repo, "main").lines == {"a.txt": {2, 8}}
    assert not marker.exists()


@pytest.mark.parametrize("ref", ["nope", "--output=x", ""])
def test_bad_ref_is_a_usage_error(tmp_path: Path, ref: str) -> None:
    repo = _branch(tmp_path, {"a.txt": TEN})
    with pytest.raises(UsageError):
        changed_lines(repo, ref)
    assert not (repo / "x").exists()


def test_a_file_git_does_not_track_is_new_even_when_ignored(tmp_path: Path) -> None:
    repo = _branch(tmp_path, {"a.txt": TEN})
    (repo / ".git" / "info" / "exclude").write_text("local.txt\n")
    (repo / "local.txt").write_text("scanned, ignored only by this clone\n")
    changes = changed_lines(repo, "main")
    assert "local.txt" not in changes.whole  # git does not list it ...
    assert changes.touches("local.txt", 1, 1)  # ... yet it is not part of main either
    assert not changes.touches("a.txt", 1, 1)


def test_uncommitted_edits_move_the_committed_lines(tmp_path: Path) -> None:
    repo = _branch(tmp_path, {"a.txt": TEN})
    (repo / "a.txt").write_text(TEN.replace("line 5\n", "five\n"))
    git(repo, "commit", "-q", "-am", "pr")
    (repo / "a.txt").write_text("new top\n" + TEN.replace("line 5\n", "five\n"))
    assert changed_lines(repo, "main").lines == {"a.txt": {1, 6}}


def test_a_line_reverted_in_the_work_tree_still_counts(tmp_path: Path) -> None:
    repo = _branch(tmp_path, {"a.txt": TEN})
    (repo / "a.txt").write_text(TEN.replace("line 5\n", "five\n"))
    git(repo, "commit", "-q", "-am", "pr")
    (repo / "a.txt").write_text(TEN)
    assert changed_lines(repo, "main").lines == {"a.txt": {5}}  # more, never fewer


def test_staged_new_file_counts_in_full_and_a_deleted_one_is_gone(tmp_path: Path) -> None:
    repo = _branch(tmp_path, {"a.txt": TEN, "b.txt": TEN})
    (repo / "staged.txt").write_text("new\n")
    git(repo, "add", "staged.txt")
    (repo / "b.txt").unlink()
    changes = changed_lines(repo, "main")
    assert changes.whole == {"staged.txt"} and changes.lines == {}


def test_a_symlink_retargeted_in_the_work_tree_counts(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.txt": TEN})
    (repo / "link").symlink_to("a.txt")
    git(repo, "add", "link")
    git(repo, "commit", "-q", "-m", "link")
    git(repo, "checkout", "-q", "-b", "pr")
    assert not changed_lines(repo, "main").touches("link", 0, 0)
    (repo / "link").unlink()
    (repo / "link").symlink_to("b.txt")
    assert changed_lines(repo, "main").touches("link", 0, 0)


def test_clean_and_smudge_filters_never_run(tmp_path: Path) -> None:
    repo = _branch(tmp_path, {"a.txt": TEN, ".gitattributes": "* filter=x\n"})
    marker = tmp_path / "ran"
    for key in ("clean", "smudge", "process"):
        git(repo, "config", f"filter.x.{key}", f"touch {marker}-{key}; cat")
    (repo / "a.txt").write_text(TEN.replace("line 3\n", "three\n"))
    (repo / "b.txt").write_text("untracked\n")
    changes = changed_lines(repo, "main")
    assert changes.lines == {"a.txt": {3}} and changes.whole == {"b.txt"}
    assert list(tmp_path.glob("ran*")) == []


def test_sha256_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "--object-format=sha256", "-b", "main")
    (repo / "a.txt").write_text(TEN)
    git(repo, "add", "a.txt")
    git(repo, "commit", "-q", "-m", "one")
    (repo / "a.txt").write_text(TEN.replace("line 7\n", "seven\n"))
    changes = changed_lines(repo, "main")
    assert len(changes.base) == 64 and changes.lines == {"a.txt": {7}}
