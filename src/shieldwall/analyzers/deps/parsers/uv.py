"""uv.lock: ``[[package]]`` tables; the project's own package (a virtual or
editable source) names the direct dependencies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shieldwall.analyzers.deps import ecosystems as eco
from shieldwall.analyzers.deps.parsers import toml_lines
from shieldwall.analyzers.deps.parsers.base import (
    Entry,
    LockFile,
    Parsed,
    broken,
    build,
    prefixed_hash,
)
from shieldwall.model import Hash

_LOCAL_SOURCES = ("virtual", "editable", "directory", "path")


def _dep_names(pkg: dict[str, Any], *tables: str) -> list[tuple[str, str]]:
    """(name, version or "") of dependencies listed in the given tables."""
    return [(n, v) for n, v, _ in _deps(pkg, *tables)]


def _deps(pkg: dict[str, Any], *tables: str) -> list[tuple[str, str, str]]:
    """(name, version or "", marker or "") of dependencies listed in the given tables."""
    out: list[tuple[str, str, str]] = []
    for table in tables:
        value = pkg.get(table)
        groups = (
            [value]
            if isinstance(value, list)
            else (list(value.values()) if isinstance(value, dict) else [])
        )
        for group in groups:
            if not isinstance(group, list):
                continue
            for dep in group:
                if isinstance(dep, dict) and isinstance(dep.get("name"), str):
                    marker = dep.get("marker")
                    out.append(
                        (
                            eco.pep503(dep["name"]),
                            str(dep.get("version", "")),
                            marker if isinstance(marker, str) else "",
                        )
                    )
    return out


def _hashes(pkg: dict[str, Any]) -> list[Hash | None]:
    """The ``hash`` of the sdist and of every wheel."""
    files = [pkg.get("sdist"), *(pkg.get("wheels") or [])]
    return [
        prefixed_hash(f["hash"])
        for f in files
        if isinstance(f, dict) and isinstance(f.get("hash"), str)
    ]


def _resolution_markers(pkg: dict[str, Any]) -> str:
    """A package resolved for some environments only (``resolution-markers``: any of them)."""
    markers = pkg.get("resolution-markers")
    if not isinstance(markers, list):
        return ""
    found = [m for m in markers if isinstance(m, str) and m]
    if len(found) != len(markers) or not found:
        return ""
    return found[0] if len(found) == 1 else " or ".join(f"({m})" for m in found)


def parse(lock: LockFile) -> Parsed:
    data = toml_lines.load(lock.text, "uv.lock")
    packages = data.get("package", [])
    if not isinstance(packages, list):
        raise broken("uv.lock", "`package` is not an array of tables")
    lines = toml_lines.array_lines(lock.text, "package", packages)
    direct: set[str] = set()
    dev: set[str] = set()
    entries: list[Entry] = []
    versions: dict[str, list[str]] = {}
    for pkg, line in zip(packages, lines, strict=True):
        if not isinstance(pkg, dict) or not isinstance(pkg.get("name"), str):
            raise broken("uv.lock", "a [[package]] without a name", line)
        source = pkg.get("source", {})
        if isinstance(source, dict) and any(k in source for k in _LOCAL_SOURCES):
            direct.update(n for n, _ in _dep_names(pkg, "dependencies", "optional-dependencies"))
            dev.update(n for n, _ in _dep_names(pkg, "dev-dependencies"))
            continue
        name = eco.pep503(pkg["name"])
        version = str(pkg.get("version", ""))
        entry = Entry(
            name,
            version,
            line,
            hashes=_hashes(pkg),
            marker=_resolution_markers(pkg),
        )
        for n, v, marker in _deps(pkg, "dependencies", "optional-dependencies"):
            key = f"{n}\x00{v}"
            entry.deps.append(key)
            if marker:
                entry.dep_markers[key] = marker
        entries.append(entry)
        versions.setdefault(name, []).append(version)
    for entry in entries:
        if direct or dev:
            entry.direct = entry.name in direct or entry.name in dev
            if entry.name in dev and entry.name not in direct:
                entry.scope = "dev"

    def resolve(key: str) -> Iterator[tuple[str, str]]:
        name, _, version = key.partition("\x00")
        for v in [version] if version else versions.get(name, ()):
            yield name, v

    return Parsed(build(eco.PYPI, lock.path, entries, resolve))
