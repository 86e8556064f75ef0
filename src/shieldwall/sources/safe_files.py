"""Reading and writing files that a scanned repository may have planted.

A pull request controls what sits at every path inside it: a symlink to
`/dev/zero` or to a file on the runner, a FIFO, a device, a file of gigabytes.
Small control files (`.gitignore`, `.shieldwall.yaml`, baselines) are read only
when they are regular files, within a size cap and, when they come from the
scanned tree, inside it; nothing is read from a FIFO or device, so nothing can
hang or exhaust memory. Reports and baselines are written to a new file beside
the target and renamed over it, never through a symlink.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from shieldwall.errors import FormatError, SourceError, UnsafeOutputError

CONTROL_FILE_MAX_BYTES = 1024 * 1024  # .gitignore, .shieldwall.yaml
BASELINE_MAX_BYTES = 64 * 1024 * 1024

_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def inside(path: Path, root: Path) -> bool:
    """Does `path`, with every symlink resolved, lie under `root`?"""
    try:
        path.resolve(strict=True).relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def read_bounded(path: Path, max_bytes: int, root: Path | None = None, what: str = "") -> bytes:
    """The bytes of a regular file of at most `max_bytes`.

    With `root`, the file (symlinks resolved) must also lie inside it: a file
    the scanned repository provides may not point the scan at the host's files.
    Errors name the file and why, never its content."""
    label = what or str(path)
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # missing, dangling symlink, symlink loop
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "symlink loop"
        raise SourceError(f"{label}: cannot open: {reason}") from exc
    if root is not None and not inside(real, root):
        raise SourceError(
            f"{label}: points outside the scanned tree; not read",
            "a repository's control files must be regular files inside it",
        )
    not_regular = SourceError(
        f"{label}: not a regular file (FIFO, device, socket or directory); not read",
        "replace it with a regular file",
    )
    try:
        if not stat.S_ISREG(real.stat().st_mode):
            raise not_regular  # devices are not even opened
        fd = os.open(real, _READ_FLAGS | _NOFOLLOW)
    except OSError as exc:
        raise SourceError(f"{label}: cannot open: {exc.strerror or exc}") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped since the check above
            raise not_regular
        if st.st_size > max_bytes:
            raise SourceError(
                f"{label}: {st.st_size} bytes, over the {max_bytes}-byte limit; not read",
                "keep control files small",
            )
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:  # grew while being read
                raise SourceError(f"{label}: over the {max_bytes}-byte limit; not read")
        return b"".join(chunks)
    except OSError as exc:
        raise SourceError(f"{label}: cannot read: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)


def _check_parents(target: Path) -> None:
    """No directory on a relative output path may be a symlink: a repository
    that commits `reports -> /usr/local/bin` must not steer where we write."""
    if target.is_absolute():
        cwd = Path.cwd()
        try:
            rel = target.parent.relative_to(cwd)
        except ValueError:
            return  # outside the working directory: the caller chose it
        base = cwd
    else:
        rel = target.parent
        base = Path()
    current = base
    for part in rel.parts:
        current = current / part
        if current.is_symlink():
            raise UnsafeOutputError(
                f"refusing to write {target}: {current} is a symlink",
                "write to a path that no symlink leads to",
            )


def check_target(target: Path) -> None:
    """Raise UnsafeOutputError if `write_atomic` would refuse `target`: it is a
    symlink, not a regular file, or reached through a symlinked directory.
    Commands check their outputs before the work, so a refusal costs nothing."""
    try:
        st = target.lstat()
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise FormatError(f"cannot write {target}: {exc.strerror or exc}") from exc
    if st is not None and stat.S_ISLNK(st.st_mode):
        raise UnsafeOutputError(
            f"refusing to write {target}: it is a symlink",
            "remove the symlink or write to another path",
        )
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise UnsafeOutputError(
            f"refusing to write {target}: it is not a regular file",
            "write to another path",
        )
    _check_parents(target)


def write_atomic(target: Path, data: bytes, mode: int = 0o644, overwrite: bool = True) -> bool:
    """Write `data` to `target` through a new temporary file in the same directory,
    renamed over it. Refuses (UnsafeOutputError, nothing written) a target that
    is a symlink or not a regular file, or that a symlinked directory leads to.

    With `overwrite=False` the file is linked into place only if `target` does not
    exist yet; if it does (another process was first), it is left as it is and
    the result is False."""
    check_target(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FormatError(
            f"cannot create the directory of {target}: {exc.strerror or exc}",
            "check that the directory is writable",
        ) from exc
    _check_parents(target)
    tmp = target.parent / f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW
    try:
        fd = os.open(tmp, flags, mode)
    except OSError as exc:
        raise FormatError(
            f"cannot write {target}: {exc.strerror or exc}",
            "check that the directory is writable",
        ) from exc
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        if not overwrite:
            try:
                os.link(tmp, target)
            except FileExistsError:
                return False
            finally:
                tmp.unlink(missing_ok=True)
            return True
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FormatError(
            f"cannot write {target}: {exc.strerror or exc}",
            "check that the directory is writable and has room",
        ) from exc
    return True
