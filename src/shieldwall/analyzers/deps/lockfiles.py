"""Find the lock files of a tree, parse each, and gather what they declare."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from shieldwall.analyzers.deps.parsers.base import LockFile, Parsed, Unpinned
from shieldwall.analyzers.deps.parsers.registry import LockFormat, format_of
from shieldwall.errors import SourceError
from shieldwall.model import Component, Skipped
from shieldwall.sources.tree import FileTree, SourceFile


@dataclass(frozen=True, slots=True)
class Dependencies:
    """Every component and unpinned requirement of a tree, and what was skipped."""

    components: tuple[Component, ...]
    unpinned: tuple[Unpinned, ...]
    skipped: tuple[Skipped, ...]
    lock_files: tuple[str, ...]  # paths of the files parsed


def lock_files(tree: FileTree) -> list[tuple[SourceFile, LockFormat]]:
    """The lock files of the tree with their formats, superseded ones left out."""
    present = {f.rel for f in tree.files}
    found: list[tuple[SourceFile, LockFormat]] = []
    for f in tree.files:
        fmt = format_of(f.rel)
        if fmt is None:
            continue
        directory = posixpath.dirname(f.rel)
        if any(posixpath.join(directory, other) in present for other in fmt.superseded_by):
            continue
        found.append((f, fmt))
    return found


def _reader(tree: FileTree, max_bytes: int) -> Callable[[str], str]:
    def read_related(rel: str) -> str:
        rel = posixpath.normpath(rel)
        if rel.startswith("../") or rel == ".." or posixpath.isabs(rel):
            raise SourceError(f"{rel} is outside the scanned tree")
        path = tree.root / rel
        try:
            if not path.resolve().is_relative_to(tree.root.resolve()):
                raise SourceError(f"{rel} is outside the scanned tree")
            size = path.stat().st_size
        except OSError as exc:
            raise SourceError(f"cannot read {rel}: {exc.strerror or exc}") from exc
        if not path.is_file():
            raise SourceError(f"{rel} is not a file")
        return SourceFile(tree.root, rel, size).read_text(max_bytes)

    return read_related


def parse_one(f: SourceFile, fmt: LockFormat, tree: FileTree, max_bytes: int) -> Parsed:
    """Parse one lock file; SourceError when it cannot be read or parsed."""
    text = f.read_text(max_bytes)
    lock = LockFile(f.rel, text, _reader(tree, max_bytes))
    try:
        return fmt.parse(lock)
    except SourceError:
        raise
    except (
        KeyError,
        TypeError,
        ValueError,
        AttributeError,
        IndexError,
        RecursionError,
        MemoryError,
    ) as exc:
        # Shapes the parser did not expect, or nesting too deep for it: the file is
        # skipped, never the scan.
        raise SourceError(
            f"unexpected {fmt.name} content ({type(exc).__name__}: {exc})",
            "regenerate the file with its tool",
        ) from exc


def collect(tree: FileTree, max_bytes: int) -> Dependencies:
    components: dict[tuple[str, str, str, str, int], Component] = {}
    unpinned: dict[tuple[str, str, int, str], Unpinned] = {}
    skipped: list[Skipped] = []
    parsed_files: list[str] = []
    for f, fmt in lock_files(tree):
        try:
            parsed = parse_one(f, fmt, tree, max_bytes)
        except SourceError as exc:
            skipped.append(Skipped(f.rel, exc.message))
            continue
        parsed_files.append(f.rel)
        for c in parsed.components:
            # Files included by several requirements files are reported once.
            components.setdefault((c.ecosystem, c.name, c.version, c.path, c.line), c)
        for u in parsed.unpinned:
            unpinned.setdefault((u.name, u.path, u.line, u.reason), u)
        skipped.extend(parsed.skipped)
    return Dependencies(
        tuple(components.values()),
        tuple(unpinned.values()),
        tuple(dict.fromkeys(skipped)),
        tuple(parsed_files),
    )
