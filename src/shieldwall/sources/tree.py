"""Walk a directory the way git sees it: .gitignore aware, vendored trees and
`.git` skipped, symlink loops and unreadable entries reported, never followed
outside the scanned root."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from shieldwall.errors import SourceError
from shieldwall.model import Skipped
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
) -> FileTree:
    """List the regular files under ``root`` that a scan should look at."""
    root = root.resolve() if root.is_dir() else root
    tree = FileTree(root, excludes=tuple(excludes))
    if root.is_file():
        tree.root = root.parent
        tree.files.append(SourceFile(root.parent, root.name, root.stat().st_size))
        return tree
    if not root.is_dir():
        raise SourceError(
            f"{root} is neither a file nor a directory",
            "check the path given to `shieldwall scan`",
        )
    exclude_spec = pathspec.GitIgnoreSpec.from_lines(excludes) if excludes else None
    seen_dirs: set[tuple[int, int]] = set()
    st = root.stat()
    seen_dirs.add((st.st_dev, st.st_ino))
    ignores: list[_Ignore] = []
    if use_gitignore:
        spec = _load_ignore(root, tree)
        if spec is not None:
            ignores.append(_Ignore("", spec))
    _walk_dir(tree, root, "", ignores, exclude_spec, seen_dirs, use_gitignore)
    tree.files.sort(key=lambda f: f.rel)
    return tree


def _ignored(
    rel: str, is_dir: bool, ignores: Sequence[_Ignore], exclude: pathspec.GitIgnoreSpec | None
) -> bool:
    if exclude is not None and exclude.match_file(rel + "/" if is_dir else rel):
        return True
    # As git: the deepest .gitignore with a matching pattern decides.
    for ignore in reversed(ignores):
        verdict = ignore.verdict(rel, is_dir)
        if verdict is not None:
            return verdict
    return False


def _walk_dir(
    tree: FileTree,
    directory: Path,
    rel_dir: str,
    ignores: list[_Ignore],
    exclude: pathspec.GitIgnoreSpec | None,
    seen_dirs: set[tuple[int, int]],
    use_gitignore: bool,
) -> None:
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
        if stat.S_ISDIR(st.st_mode):
            if entry.name in SKIPPED_DIRS or _ignored(rel, True, ignores, exclude):
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                reason = "symlink loop" if is_link else "directory already scanned"
                tree.skipped.append(Skipped(rel, f"{reason}: not followed"))
                continue
            if is_link and not _inside(Path(entry.path), tree.root):
                tree.skipped.append(Skipped(rel, "symlink points outside the scanned tree"))
                continue
            seen_dirs.add(key)
            child_ignores = ignores
            if use_gitignore:
                spec = _load_ignore(Path(entry.path), tree)
                if spec is not None:
                    child_ignores = [*ignores, _Ignore(rel, spec)]
            _walk_dir(tree, Path(entry.path), rel, child_ignores, exclude, seen_dirs, use_gitignore)
        elif stat.S_ISREG(st.st_mode):
            if _ignored(rel, False, ignores, exclude):
                continue
            if is_link and not _inside(Path(entry.path), tree.root):
                tree.skipped.append(Skipped(rel, "symlink points outside the scanned tree"))
                continue
            tree.files.append(SourceFile(tree.root, rel, st.st_size))
        elif not _ignored(rel, False, ignores, exclude):
            tree.skipped.append(Skipped(rel, "not a regular file (device, socket or FIFO)"))


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True
