"""The Python code analyzer: taint tracking from request to sink, and pattern rules."""

from shieldwall.analyzers.code.analyzer import CodeAnalyzer

__all__ = ["CodeAnalyzer"]
