"""Following a log as it grows, across rotation: rename (a new file appears at
the path; the old one is read to its end first) and copytruncate (the file
shrinks: read again from its start)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from shieldwall.runtime.reader import MAX_LINE

_CHUNK = 1 << 20


class FileFollower:
    """Polled by the caller: `read()` returns the complete lines added since
    the last call (a partial last line waits for its newline)."""

    def __init__(self, path: str, from_start: bool = False) -> None:
        self.path = path
        self._file: BinaryIO | None = None
        self._ino: tuple[int, int] | None = None
        self._buffer = b""
        self._skipping = b""  # the first part of a line longer than MAX_LINE, while inside it
        self.rotations = 0
        self._open(from_start)

    def _open(self, from_start: bool) -> None:
        try:
            handle = open(self.path, "rb")  # noqa: SIM115
        except OSError:
            self._file, self._ino = None, None
            return
        st = os.fstat(handle.fileno())
        self._file, self._ino = handle, (st.st_dev, st.st_ino)
        if not from_start:
            handle.seek(0, os.SEEK_END)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _drain(self) -> list[bytes]:
        assert self._file is not None
        out: list[bytes] = []
        while True:
            chunk = self._file.read(_CHUNK)
            if not chunk:
                return out
            data = self._buffer + chunk
            parts = data.split(b"\n")
            self._buffer = parts.pop()
            for part in parts:
                if self._skipping:
                    out.append(self._skipping)
                    self._skipping = b""
                elif len(part) >= MAX_LINE:
                    out.append(part[:MAX_LINE])
                else:
                    out.append(part)
            if len(self._buffer) >= MAX_LINE and not self._skipping:
                self._skipping = self._buffer[:MAX_LINE]
                self._buffer = b""
            elif self._skipping:
                self._buffer = b""

    def read(self) -> list[bytes]:
        if self._file is None:
            self._open(from_start=True)  # created since: read it all
            return self._drain() if self._file is not None else []
        out = self._drain()
        try:
            st = Path(self.path).stat()
        except OSError:
            return out  # moved away, the new one not there yet
        if (st.st_dev, st.st_ino) != self._ino:  # renamed: the old file is done
            out.extend(self._drain())
            self.close()
            self._buffer, self._skipping = b"", b""
            self.rotations += 1
            self._open(from_start=True)
            if self._file is not None:
                out.extend(self._drain())
        elif self._file is not None and st.st_size < self._file.tell():  # copytruncate
            self._file.seek(0)
            self._buffer, self._skipping = b"", b""
            self.rotations += 1
            out.extend(self._drain())
        return out
