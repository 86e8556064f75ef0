"""Dependency analyzer: lock files matched against OSV advisories, and SBOMs."""

from shieldwall.analyzers.deps.analyzer import DepsAnalyzer
from shieldwall.analyzers.deps.lockfiles import Dependencies, collect

__all__ = ["Dependencies", "DepsAnalyzer", "collect"]
