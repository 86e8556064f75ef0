"""The explicit registry of analyzers the engine can run."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from shieldwall.analyzers.base import Analyzer
from shieldwall.errors import UsageError


def _lazy(module: str, name: str) -> Callable[[], Analyzer]:
    """A factory that imports the analyzer when it is first asked for: a scan that
    runs one analyzer does not pay for loading the others (hyperscan, cvss...)."""

    def factory() -> Analyzer:
        analyzer: Analyzer = getattr(importlib.import_module(module), name)()
        return analyzer

    return factory


ANALYZERS: dict[str, Callable[[], Analyzer]] = {
    "config": _lazy("shieldwall.analyzers.config", "ConfigAnalyzer"),
    "code": _lazy("shieldwall.analyzers.code", "CodeAnalyzer"),
    "deps": _lazy("shieldwall.analyzers.deps", "DepsAnalyzer"),
    "secrets": _lazy("shieldwall.analyzers.secrets", "SecretsAnalyzer"),
    "topology": _lazy("shieldwall.analyzers.topology", "TopologyAnalyzer"),
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
