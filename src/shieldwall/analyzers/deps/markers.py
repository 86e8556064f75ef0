"""Environment markers (PEP 508) evaluated for a target Python, so that an SBOM
lists what is installed there: ``pywin32; sys_platform == "win32"`` is left out
on Linux, ``futures; python_version < "3"`` for any Python 3.

A component goes when its own marker is false, or when every path to it from
its lock file's top goes through a dependency required under a false marker.
A marker that does not parse keeps the component (it may be installed)."""

from __future__ import annotations

import platform
import re
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from packaging.markers import InvalidMarker, Marker, default_environment

from shieldwall.errors import UsageError
from shieldwall.model import Component

_VERSION = re.compile(r"^3\.\d{1,2}(?:\.\d{1,3})?$|^2\.7(?:\.\d{1,3})?$")


@dataclass(frozen=True, slots=True)
class Target:
    """The environment markers are evaluated against."""

    values: Mapping[str, str]

    @property
    def label(self) -> str:
        return f"Python {self.values['python_full_version']} on {self.values['sys_platform']}"


def target(python_version: str | None = None) -> Target:
    """The running interpreter's environment, with ``python_version`` (X.Y or
    X.Y.Z) in place of its version when given."""
    values = {k: str(v) for k, v in default_environment().items()}
    if python_version is not None:
        if not _VERSION.match(python_version):
            raise UsageError(
                f"--python-version {python_version!r} is not a Python version",
                "give X.Y or X.Y.Z, for example 3.12",
            )
        parts = python_version.split(".")
        values["python_version"] = ".".join(parts[:2])
        values["python_full_version"] = python_version if len(parts) == 3 else f"{python_version}.0"
    values.setdefault("python_full_version", platform.python_version())
    return Target(values)


def holds(marker: str, env: Target) -> bool:
    """Whether ``marker`` is true in ``env`` ("" and a marker that does not parse: true)."""
    if not marker:
        return True
    try:
        return bool(Marker(marker).evaluate(dict(env.values)))
    except (InvalidMarker, ValueError, TypeError):
        return True


def select(components: Sequence[Component], env: Target) -> tuple[list[Component], int]:
    """The components installed in ``env``, and how many were left out."""
    by_file: dict[str, list[Component]] = {}
    for c in components:
        by_file.setdefault(c.path, []).append(c)
    kept: list[Component] = []
    for group in by_file.values():
        kept.extend(_select_file(group, env))
    keep = {id(c) for c in kept}
    out = [c for c in components if id(c) in keep]
    return out, len(components) - len(out)


def _select_file(group: list[Component], env: Target) -> list[Component]:
    if not any(c.marker or c.dependency_markers for c in group):
        return group
    edges: dict[str, list[tuple[str, str]]] = {}
    for c in group:
        markers = dict(c.dependency_markers)
        edges.setdefault(c.purl, []).extend((d, markers.get(d, "")) for d in c.dependencies)
    required = {d for targets in edges.values() for d, _ in targets}
    tops = [c.purl for c in group if c.direct is True or c.purl not in required]
    own = {c.purl for c in group if holds(c.marker, env)}
    before = _reach(tops, edges, lambda purl, marker: True)
    after = _reach(
        [t for t in tops if t in own],
        edges,
        lambda purl, marker: purl in own and holds(marker, env),
    )
    # Not reached even before (a cycle of its own): kept on its own marker.
    return [c for c in group if c.purl in own and (c.purl in after or c.purl not in before)]


def _reach(
    start: list[str], edges: dict[str, list[tuple[str, str]]], follow: Callable[[str, str], bool]
) -> set[str]:
    seen = set(start)
    queue = deque(start)
    while queue:
        for dep, marker in edges.get(queue.popleft(), ()):
            if dep not in seen and follow(dep, marker):
                seen.add(dep)
                queue.append(dep)
    return seen
