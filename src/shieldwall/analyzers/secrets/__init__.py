"""Secrets: provider token formats with structure checks, a generic detector for
credential-named keys, git history, optional live verification."""

from shieldwall.analyzers.secrets.analyzer import SecretsAnalyzer

__all__ = ["SecretsAnalyzer"]
