"""Secrets: provider token formats with structure checks, a generic detector for
credential-named keys, git history, optional live verification.

The analyzer is imported on first use: the redaction pass (`scrub`) runs on every
scan and needs only the rules, not the analyzer's history, verification and
process-pool machinery."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shieldwall.analyzers.secrets.analyzer import SecretsAnalyzer

__all__ = ["SecretsAnalyzer"]


def __getattr__(name: str) -> Any:
    if name == "SecretsAnalyzer":
        from shieldwall.analyzers.secrets.analyzer import SecretsAnalyzer

        return SecretsAnalyzer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
