"""Walk a directory the way git sees it: files git tracks are always listed,
.gitignore applies to untracked files only (outside a git work tree, to every
file), vendored trees and `.git` skipped, symlink loops and unreadable entries
reported, never followed outside the scanned root."""

from __future__ import annotations

import os
import stat
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from shieldwall.errors import SourceError
from shieldwall.model import Skipped
from shieldwall.sources.git import run_git
from shieldwall.sources.safe_files import CONTROL_FILE_MAX_BYTES, read_bounded

# Directories that hold other people's code or generated state.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "vendor",
        "third_party",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".terraform",
        "site-packages",
    }
)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_SNIFF = 8192


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One regular file under the scanned root."""

    root: Path
    rel: str  # POSIX path relative to root
    size: int

    @property
    def path(self) -> Path:
        return self.root / self.rel

    @property
    def name(self) -> str:
        return self.rel.rsplit("/", 1)[-1]

    def read_text(self, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
        """The file as text, or a SourceError saying why it cannot be scanned."""
        if self.size > max_bytes:
            raise SourceError(
                f"file is {self.size} bytes, over the {max_bytes}-byte limit",
                "raise the limit with --max-file-size or exclude the file",
            )
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise SourceError(f"cannot read file: {exc.strerror or exc}") from exc
        if b"\x00" in data[:_SNIFF]:
            raise SourceError("binary file (contains NUL bytes)")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise SourceError(
                f"not valid UTF-8 at byte {exc.start} (line {line})",
                "re-encode the file as UTF-8",
                line=line,
            ) from exc


@dataclass
class FileTree:
    root: Path
    files: list[SourceFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    excludes: tuple[str, ...] = ()  # the exclude patterns the walk applied
    # Files left out, by why: "exclude" (the caller's patterns), "repository-exclude"
    # (the scanned repository's patterns), "gitignore" (untracked, or outside git: all).
    left_out: Counter[str] = field(default_factory=Counter)
    tracked_by_git: bool = False  # git listed the tracked files: .gitignore spared them
    selection_note: str = ""  # why git's list of tracked files was not used
    warnings: list[str] = field(default_factory=list)


def exclusion(excludes: Sequence[str]) -> Callable[[str], bool]:
    """A test for paths that are not on disk (git history): would `walk` leave out
    `rel` (POSIX, relative to the root) for an exclude pattern or a skipped
    directory? .gitignore is not applied: it does not apply to committed files."""
    spec = pathspec.GitIgnoreSpec.from_lines(excludes) if excludes else None

    def excluded(rel: str) -> bool:
        parts = rel.split("/")
        if any(part in SKIPPED_DIRS for part in parts[:-1]):
            return True
        if spec is None:
            return False
        dirs = ("/".join(parts[:i]) + "/" for i in range(1, len(parts)))
        return any(spec.match_file(d) for d in dirs) or spec.match_file(rel)

    return excluded


def _load_ignore(directory: Path, tree: FileTree | None = None) -> pathspec.GitIgnoreSpec | None:
    """The patterns of `directory/.gitignore`, if it is a regular file inside the
    scanned tree and under the size cap; a FIFO, a device, a link out of the tree
    or a huge file is not read (it would hang or exhaust the scan) and becomes a
    `Skipped` record of `tree`."""
    gitignore = directory / ".gitignore"
    if not os.path.lexists(gitignore):
        return None
    root = tree.root if tree is not None else directory
    rel = gitignore.relative_to(root).as_posix()
    try:
        data = read_bounded(gitignore, CONTROL_FILE_MAX_BYTES, root=root, what=rel)
    except SourceError as exc:
        if tree is not None:
            reason = exc.message.removeprefix(f"{rel}: ")
            tree.skipped.append(Skipped(rel, f"its ignore patterns are not applied: {reason}"))
        return None
    return pathspec.GitIgnoreSpec.from_lines(data.decode("utf-8", errors="replace").splitlines())


@dataclass(frozen=True, slots=True)
class _Ignore:
    base: str  # directory of the .gitignore, relative to root ("" for root)
    spec: pathspec.GitIgnoreSpec

    def verdict(self, rel: str, is_dir: bool) -> bool | None:
        """True: ignored, False: re-included by a `!` pattern, None: no pattern matched."""
        sub = rel[len(self.base) + 1 :] if self.base else rel
        return self.spec.check_file(sub + "/" if is_dir else sub).include


def walk(
    root: Path,
    excludes: Sequence[str] = (),
    use_gitignore: bool = True,
    repo_excludes: Sequence[str] = (),
    on_files: Callable[[int], None] | None = None,
) -> FileTree:
    """List the regular files under ``root`` that a scan should look at.

    ``excludes`` are the caller's own patterns; ``repo_excludes`` are patterns the
    scanned repository asked for: both apply, and the files each leaves out are
    counted apart. In a git work tree, .gitignore applies only to untracked files.
    ``on_files`` is told the number of files found so far, once per directory."""
    root = root.resolve() if root.is_dir() else root
    tree = FileTree(root, excludes=(*excludes, *repo_excludes))
    if root.is_file():
        tree.root = root.parent
        tree.files.append(SourceFile(root.parent, root.name, root.stat().st_size))
        return tree
    if not root.is_dir():
        raise SourceError(
            f"{root} is neither a file nor a directory",
            "check the path given to `shieldwall scan`",
        )
    tracked: frozenset[str] | None = None
    if use_gitignore:
        tracked = _tracked_files(tree)
    walker = _Walker(
        tree,
        _spec(excludes),
        _spec(repo_excludes),
        tracked,
        _parents(tracked) if tracked is not None else frozenset(),
        use_gitignore,
        on_files,
    )
    st = root.stat()
    walker.seen_dirs.add((st.st_dev, st.st_ino))
    ignores: list[_Ignore] = []
    if use_gitignore:
        spec = _load_ignore(root, tree)
        if spec is not None:
            ignores.append(_Ignore("", spec))
    walker.walk_dir(root, "", ignores, ignored=False)
    tree.files.sort(key=lambda f: f.rel)
    return tree


def _spec(patterns: Sequence[str]) -> pathspec.GitIgnoreSpec | None:
    return pathspec.GitIgnoreSpec.from_lines(patterns) if patterns else None


def _parents(paths: Iterable[str]) -> frozenset[str]:
    """Every directory that holds one of `paths` (POSIX, relative)."""
    out: set[str] = set()
    for path in paths:
        parts = path.split("/")
        for i in range(1, len(parts)):
            out.add("/".join(parts[:i]))
    return frozenset(out)


def _tracked_files(tree: FileTree) -> frozenset[str] | None:
    """The files git tracks under the root (submodules' too), relative to it; None
    outside a git work tree or when git cannot tell, with the reason in the tree."""
    # The repository's own configuration runs nothing (see sources.git); listing the
    # index needs no more trust than that, so a checkout owned by another user (a CI
    # container) is listed too rather than falling back to .gitignore.
    args = ("-c", "safe.directory=*", "ls-files", "-z")
    try:
        done = run_git(tree.root, *args, "--recurse-submodules")
        if done.returncode != 0 and _in_git_work_tree(tree.root):
            done = run_git(tree.root, *args)  # a broken submodule: the superproject alone
    except FileNotFoundError:
        _no_git(tree, "git is not installed")
        return None
    except (OSError, subprocess.SubprocessError) as exc:
        _no_git(tree, f"git failed: {exc}")
        return None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        _no_git(tree, f"git ls-files failed: {detail[0] if detail else done.returncode}")
        return None
    tree.tracked_by_git = True
    return frozenset(os.fsdecode(p) for p in done.stdout.split(b"\0") if p)


def _in_git_work_tree(root: Path) -> bool:
    """Is there a `.git` at or above `root`? Only to tell what a git failure means."""
    return any(os.path.lexists(d / ".git") for d in (root, *root.parents))


def _no_git(tree: FileTree, reason: str) -> None:
    if _in_git_work_tree(tree.root):
        tree.selection_note = f"{reason}: .gitignore applied to every file"
        tree.warnings.append(
            f"{tree.selection_note}; files it names were not scanned even if tracked"
        )
    else:
        tree.selection_note = "not a git work tree: .gitignore applied to every file"


@dataclass
class _Walker:
    tree: FileTree
    exclude: pathspec.GitIgnoreSpec | None
    repo_exclude: pathspec.GitIgnoreSpec | None
    tracked: frozenset[str] | None  # None: not a git work tree, .gitignore applies to all
    tracked_dirs: frozenset[str]
    use_gitignore: bool
    on_files: Callable[[int], None] | None = None
    seen_dirs: set[tuple[int, int]] = field(default_factory=set)

    def excluded_by(self, rel: str, is_dir: bool) -> str | None:
        """Which exclude leaves `rel` out: the caller's ("exclude") before the
        repository's ("repository-exclude")."""
        probe = rel + "/" if is_dir else rel
        if self.exclude is not None and self.exclude.match_file(probe):
            return "exclude"
        if self.repo_exclude is not None and self.repo_exclude.match_file(probe):
            return "repository-exclude"
        return None

    def kept_though_ignored(self, rel: str, is_dir: bool) -> bool:
        """Git tracks it (a file or a symlink) or, for a directory, something in it:
        .gitignore does not apply."""
        if self.tracked is None:
            return False
        return rel in self.tracked or (is_dir and rel in self.tracked_dirs)

    def leave_out(self, why: str, path: Path, is_dir: bool, is_link: bool) -> None:
        self.tree.left_out[why] += _count_files(path) if is_dir and not is_link else 1

    def walk_dir(
        self, directory: Path, rel_dir: str, ignores: list[_Ignore], ignored: bool
    ) -> None:
        """`ignored`: the directory itself is git-ignored (entered only for tracked files)."""
        tree = self.tree
        if self.on_files is not None:
            self.on_files(len(tree.files))
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            tree.skipped.append(Skipped(rel_dir or ".", f"cannot list directory: {exc.strerror}"))
            return
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                is_link = entry.is_symlink()
                st = entry.stat(follow_symlinks=True)
            except OSError as exc:
                if is_link:
                    tree.skipped.append(Skipped(rel, "broken symlink"))
                else:
                    tree.skipped.append(Skipped(rel, f"cannot stat: {exc.strerror}"))
                continue
            is_dir = stat.S_ISDIR(st.st_mode)
            if is_dir and entry.name in SKIPPED_DIRS:
                continue
            why = self.excluded_by(rel, is_dir)
            git_ignored = why is None and (ignored or _gitignored(rel, is_dir, ignores))
            if git_ignored and not self.kept_though_ignored(rel, is_dir):
                why = "gitignore"
            if why is not None:
                self.leave_out(why, Path(entry.path), is_dir, is_link)
                continue
            if is_dir:
                key = (st.st_dev, st.st_ino)
                if key in self.seen_dirs:
                    reason = "symlink loop" if is_link else "directory already scanned"
                    tree.skipped.append(Skipped(rel, f"{reason}: not followed"))
                    continue
                if is_link and not _inside(Path(entry.path), tree.root):
                    tree.skipped.append(Skipped(rel, "symlink points outside the scanned tree"))
                    continue
                self.seen_dirs.add(key)
                child_ignores = ignores
                if self.use_gitignore and not git_ignored:
                    spec = _load_ignore(Path(entry.path), tree)
                    if spec is not None:
                        child_ignores = [*ignores, _Ignore(rel, spec)]
                self.walk_dir(Path(entry.path), rel, child_ignores, git_ignored)
            elif stat.S_ISREG(st.st_mode):
                if is_link and not _inside(Path(entry.path), tree.root):
                    tree.skipped.append(Skipped(rel, "symlink points outside the scanned tree"))
                    continue
                tree.files.append(SourceFile(tree.root, rel, st.st_size))
            else:
                tree.skipped.append(Skipped(rel, "not a regular file (device, socket or FIFO)"))


def _gitignored(rel: str, is_dir: bool, ignores: Sequence[_Ignore]) -> bool:
    # As git: the deepest .gitignore with a matching pattern decides.
    for ignore in reversed(ignores):
        verdict = ignore.verdict(rel, is_dir)
        if verdict is not None:
            return verdict
    return False


def _count_files(directory: Path) -> int:
    """How many entries (not directories) a left-out directory holds, for the report.
    Symlinks are counted, never followed; vendored trees are not counted."""
    count = 0
    stack = [directory]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir(follow_symlinks=False)
                    except OSError:
                        is_dir = False
                    if not is_dir:
                        count += 1
                    elif entry.name not in SKIPPED_DIRS:
                        stack.append(Path(entry.path))
        except OSError:
            continue
    return count


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True
