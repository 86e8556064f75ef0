"""Waking up when a followed log changes (Linux inotify, through the C library),
instead of sleeping a whole poll interval. Only the wait is shortened: what is
read, and rotation, stay the follower's business, so a missed or unavailable
notification costs latency, never lines. Elsewhere `DirectoryWaiter` is None."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import sys
from collections.abc import Iterable
from pathlib import Path

# <sys/inotify.h>
IN_MODIFY = 0x002
IN_CLOSE_WRITE = 0x008
IN_MOVED_FROM = 0x040
IN_MOVED_TO = 0x080
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_NONBLOCK = 0o4000
IN_CLOEXEC = 0o2000000
_EVENTS = IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE


class DirectoryWaiter:
    """Watches the folders holding the logs (a rotated-in file is a new entry)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    @classmethod
    def for_paths(cls, paths: Iterable[str]) -> DirectoryWaiter | None:
        """None when inotify cannot be had (not Linux, no libc, a limit reached)."""
        if not sys.platform.startswith("linux"):
            return None
        name = ctypes.util.find_library("c")
        try:
            libc = ctypes.CDLL(name or "libc.so.6", use_errno=True)
            fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        except (OSError, AttributeError):
            return None
        if fd < 0:
            return None
        folders = {Path(p).absolute().parent for p in paths}
        for folder in folders:
            if libc.inotify_add_watch(fd, os.fsencode(folder), _EVENTS) < 0:
                os.close(fd)
                return None
        return cls(fd)

    def wait(self, timeout: float) -> bool:
        """Up to `timeout` seconds for a change; True when one came."""
        ready, _, _ = select.select([self._fd], [], [], max(timeout, 0.0))
        if not ready:
            return False
        try:
            while os.read(self._fd, 65536):
                pass
        except BlockingIOError:
            pass
        return True

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
