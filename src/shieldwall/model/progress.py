"""Progress of a long scan. The engine and the analyzers report it through a
callback their caller passes in, one short status line at a time ("walking
files: 1200", "history: 340 commits"); none of them prints. The command line
decides whether and where to show it."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str], None]


def no_progress(_status: str) -> None:
    """The callback when nobody listens."""
