"""What `shieldwall scan` is pointed at: one tree, or some files of one tree."""

from __future__ import annotations

from pathlib import Path

from shieldwall.errors import UsageError


def scan_paths(paths: tuple[Path, ...], root: Path | None) -> tuple[Path, tuple[str, ...]]:
    """The tree to walk and, with `--root`, the POSIX paths under it to report on.

    Without `--root` one PATH is the whole scan (its own .shieldwall.yaml, .gitignore
    and git repository apply). With `--root`, the repository's policy applies as
    for a full scan and only the files at or under PATHS are analysed: what a
    pre-commit hook or a pull request's changed files need."""
    if root is None:
        if len(paths) > 1:
            raise UsageError(
                "several PATHs need --root",
                "scan one directory, or give --root REPO and the files under it to scan",
            )
        return (paths[0] if paths else Path()), ()
    if not root.is_dir():
        raise UsageError(f"--root {root} is not a directory", "give the repository to scan")
    base = root.resolve()
    only: list[str] = []
    for p in paths:
        if not p.exists():
            raise UsageError(f"{p} does not exist", "give files or directories under --root")
        absolute = p.absolute()
        try:
            rel = absolute.relative_to(base)
        except ValueError:
            try:
                rel = absolute.resolve().relative_to(base)
            except ValueError:
                raise UsageError(
                    f"{p} is not under --root {root}", "give files inside the scanned repository"
                ) from None
        only.append(rel.as_posix())
    return root, tuple(only)
