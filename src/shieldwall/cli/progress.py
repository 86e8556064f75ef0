"""Progress on standard error while a scan runs: one transient status line (files
walked, the analyzer running, commits read by --history), shown only when the
scan has taken a second, and only on a terminal.

Never when standard error is not a terminal, nor with `NO_COLOR`, `CI` (set to
anything but "false" or "0"), `--no-progress` or `--quiet`: a log keeps no
spinner frames. The engine reports through the callback this gives it and never
prints; the line is erased when the scan ends, before any report is written."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.live import Live
from rich.spinner import Spinner
from rich.text import Text

from shieldwall.cli.terminal import no_color_env
from shieldwall.model.progress import Progress, no_progress

DELAY_SECONDS = 1.0
# Seconds before the line appears; 0 shows it at once (tests on a pty use it).
DELAY_ENV = "SHIELDWALL_PROGRESS_DELAY"


def progress_wanted(disabled: bool) -> bool:
    """Show progress: standard error is a terminal and nothing asks for quiet."""
    if disabled or no_color_env():
        return False
    if os.environ.get("CI", "").strip().lower() not in ("", "false", "0"):
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


class _StatusLine:
    """The latest status, drawn by Rich's refresh thread once the delay is over."""

    def __init__(self, console: Console) -> None:
        self.status = "starting"  # until the engine says what it does
        self._started = time.monotonic()
        self._spinner = Spinner("dots", style="cyan")
        self._live = Live(
            get_renderable=self._render,
            console=console,
            transient=True,
            refresh_per_second=8,
            redirect_stdout=False,
        )
        self._lock = threading.Lock()
        self._shown = False
        self._stopped = False
        self._timer: threading.Timer | None = None

    def __call__(self, status: str) -> None:
        self.status = status  # one assignment: the refresh thread reads it when it draws

    def _render(self) -> Spinner:
        elapsed = int(time.monotonic() - self._started)
        self._spinner.text = Text(f"shieldwall: {self.status} ({elapsed}s)", style="dim")
        return self._spinner

    def _show(self) -> None:
        with self._lock:
            if not self._stopped:
                self._live.start(refresh=True)
                self._shown = True

    def start(self, delay: float) -> None:
        if delay <= 0:
            self._show()
        else:
            self._timer = threading.Timer(delay, self._show)
            self._timer.daemon = True
            self._timer.start()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self._stopped = True
            if self._shown:
                self._live.stop()


def _delay() -> float:
    try:
        return float(os.environ.get(DELAY_ENV, DELAY_SECONDS))
    except ValueError:
        return DELAY_SECONDS


@contextmanager
def scan_progress(disabled: bool) -> Iterator[Progress]:
    """The callback to give `run_scan`: a status line on standard error when wanted."""
    if not progress_wanted(disabled):
        yield no_progress
        return
    line = _StatusLine(Console(file=sys.stderr, highlight=False))
    line.start(_delay())
    try:
        yield line
    finally:
        line.stop()
