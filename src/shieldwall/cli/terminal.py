"""The terminal and the pipe: `NO_COLOR`, and a reader that stops reading.

`shieldwall rules | head -1` closes the pipe early; the command then stops
quietly, with no traceback and no "Exception ignored" message, and exits 141
(128 + SIGPIPE) as a program killed by the signal would: never 0, so that a
`set -o pipefail` pipeline cannot take a cut-off report for a passing gate."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from shieldwall.cli import exit_codes


def no_color_env() -> bool:
    """https://no-color.org: set and not empty means no ANSI colour, TTY or not."""
    return bool(os.environ.get("NO_COLOR"))


def exit_broken_pipe() -> NoReturn:
    """Standard output's reader is gone: drop what is buffered and exit 141."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the final flush then writes nowhere
    except (OSError, ValueError):
        pass
    sys.exit(exit_codes.BROKEN_PIPE)


def flush_stdout() -> None:
    """Flush standard output now, when a closed pipe can still be handled quietly."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        exit_broken_pipe()
