"""FIFOs for in-process tests that must fail, not hang, if a FIFO is ever read."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def fifo(path: Path, release_after: float = 10.0) -> Iterator[Path]:
    """Make a FIFO at `path`. A reader blocked on it is released with an empty
    read after `release_after` seconds, so a regression shows as a failed
    assertion instead of a test run that never ends."""
    os.mkfifo(path)
    done = threading.Event()

    def release() -> None:
        while not done.wait(release_after):
            with contextlib.suppress(OSError):  # ENXIO: nobody is reading
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))

    thread = threading.Thread(target=release, daemon=True)
    thread.start()
    try:
        yield path
    finally:
        done.set()
        thread.join()
