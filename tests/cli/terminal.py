"""Reading what a command wrote to a pty."""

from __future__ import annotations

import os


def drain(fd: int) -> bytes:
    """Everything readable from a pty's main side until the other side closes."""
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # the other side closed
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)
