"""gradle.lockfile: ``group:artifact:version=configuration,...`` lines."""

from __future__ import annotations

from shieldwall.analyzers.deps import ecosystems as eco
from shieldwall.analyzers.deps.parsers.base import LockFile, Parsed, broken, component
from shieldwall.model import Component


def parse(lock: LockFile) -> Parsed:
    components: list[Component] = []
    for number, raw in enumerate(lock.text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        coordinates, _, configurations = line.partition("=")
        if coordinates == "empty":
            continue
        parts = coordinates.split(":")
        if len(parts) != 3 or not all(parts):
            raise broken(
                "gradle.lockfile", f"expected group:artifact:version, found {line[:60]!r}", number
            )
        group, artifact, version = parts
        configs = [c for c in configurations.split(",") if c]
        test_only = bool(configs) and all(c.lower().startswith("test") for c in configs)
        components.append(
            component(
                eco.MAVEN,
                f"{group}:{artifact}",
                version,
                lock.path,
                number,
                scope="test" if test_only else "",
            )
        )
    return Parsed(tuple(components))
