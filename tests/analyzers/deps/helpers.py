"""Shared helpers for the dependency analyzer tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from shieldwall.analyzers.deps import collect
from shieldwall.analyzers.deps.lockfiles import Dependencies
from shieldwall.model import Component
from shieldwall.sources.tree import walk
from tests.conftest import FIXTURES

DEPS_FIXTURES = FIXTURES / "deps"


def scan_dir(root: Path) -> Dependencies:
    return collect(walk(root), 50 * 1024 * 1024)


def fixture_dir(rel: str, tmp_path: Path) -> Path:
    """Copy tests/fixtures/deps/<rel> (a folder) to tmp_path and return the copy."""
    target = tmp_path / "tree"
    shutil.copytree(DEPS_FIXTURES / rel, target)
    return target


def by_name(components: tuple[Component, ...] | list[Component]) -> dict[str, Component]:
    return {c.name: c for c in components}


def rows(components: tuple[Component, ...]) -> set[tuple[str, str, int]]:
    """(name, version, line) of each component."""
    return {(c.name, c.version, c.line) for c in components}
