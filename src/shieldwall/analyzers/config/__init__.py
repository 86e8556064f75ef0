"""The misconfiguration analyzer: Kubernetes, compose and Dockerfiles."""

from shieldwall.analyzers.config.analyzer import ConfigAnalyzer

__all__ = ["ConfigAnalyzer"]
