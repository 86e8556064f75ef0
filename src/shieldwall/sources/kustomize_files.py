"""Files a kustomization's generators read (`configMapGenerator`,
`secretGenerator`: `files:`, `envs:`), read as kustomize's default load
restrictor allows: inside the kustomization's own directory, symbolic links
followed only when they stay inside it, and within a size bound. The repository
is untrusted: `../../etc/passwd`, an absolute path or a link to the host's files
is refused with the reason, never read."""

from __future__ import annotations

import os
import posixpath
import stat
from pathlib import Path

# A ConfigMap or Secret holds at most 1 MiB (the API server refuses a bigger one),
# so a bigger file could not be deployed as one.
MAX_GENERATOR_FILE_BYTES = 1024 * 1024


def inside(directory: str, entry: str) -> str | None:
    """The repository path `entry` names from `directory`, or None when it leaves
    the directory (an absolute path, `..` past it)."""
    if entry.startswith(("/", "\\")) or (len(entry) > 1 and entry[1] == ":"):
        return None
    joined = posixpath.normpath(posixpath.join(directory, entry))
    base = posixpath.normpath(directory)
    if base in ("", "."):
        return None if joined == ".." or joined.startswith("../") else joined
    return joined if joined.startswith(base + "/") else None


def read_generator_file(root: Path, directory: str, rel: str) -> bytes | str:
    """The bytes of `rel` (a repository path inside `directory`), or why not."""
    try:
        real_dir = (root / directory).resolve(strict=True)
        real = (root / rel).resolve(strict=True)
    except (OSError, RuntimeError):
        return "no such file"
    try:
        real.relative_to(real_dir)
        real.relative_to(root.resolve())
    except ValueError:
        return "a symbolic link out of the kustomization's directory"
    # Opened without following a link and without waiting on a pipe, then checked
    # on the open descriptor: what is read is the regular file that was checked.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            return "not a regular file"
        if status.st_size > MAX_GENERATOR_FILE_BYTES:
            return f"{status.st_size} bytes, over the {MAX_GENERATOR_FILE_BYTES}-byte bound"
        try:
            data = handle.read(MAX_GENERATOR_FILE_BYTES + 1)
        except OSError as exc:
            return f"cannot be read: {exc.strerror or exc}"
    if len(data) > MAX_GENERATOR_FILE_BYTES:
        return f"over the {MAX_GENERATOR_FILE_BYTES}-byte bound"
    return data
