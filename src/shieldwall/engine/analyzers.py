"""The explicit registry of analyzers the engine can run."""

from __future__ import annotations

from collections.abc import Callable

from shieldwall.analyzers.base import Analyzer
from shieldwall.analyzers.code import CodeAnalyzer
from shieldwall.analyzers.config import ConfigAnalyzer
from shieldwall.analyzers.deps import DepsAnalyzer
from shieldwall.analyzers.secrets import SecretsAnalyzer
from shieldwall.analyzers.topology import TopologyAnalyzer
from shieldwall.errors import UsageError

ANALYZERS: dict[str, Callable[[], Analyzer]] = {
    "config": ConfigAnalyzer,
    "code": CodeAnalyzer,
    "deps": DepsAnalyzer,
    "secrets": SecretsAnalyzer,
    "topology": TopologyAnalyzer,
}


def select(names: str | None) -> list[Analyzer]:
    """Analyzers named in a comma-separated list (None or "all": every one)."""
    if names is None or names.strip() in ("", "all"):
        wanted = list(ANALYZERS)
    else:
        wanted = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in ANALYZERS]
    if unknown:
        raise UsageError(
            f"unknown analyzer(s): {', '.join(unknown)}",
            f"choose from: {', '.join(ANALYZERS)}",
        )
    return [ANALYZERS[n]() for n in dict.fromkeys(wanted)]
