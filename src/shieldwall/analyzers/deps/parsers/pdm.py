"""pdm.lock: ``[[package]]`` tables; dependencies are PEP 508 strings."""

from __future__ import annotations

import re
from collections.abc import Iterator

from shieldwall.analyzers.deps import ecosystems as eco
from shieldwall.analyzers.deps.parsers import toml_lines
from shieldwall.analyzers.deps.parsers.base import Entry, LockFile, Parsed, broken, build
from shieldwall.analyzers.deps.parsers.poetry import file_hashes

_DEP_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


def parse(lock: LockFile) -> Parsed:
    data = toml_lines.load(lock.text, "pdm.lock")
    packages = data.get("package", [])
    if not isinstance(packages, list):
        raise broken("pdm.lock", "`package` is not an array of tables")
    lines = toml_lines.array_lines(lock.text, "package", packages)
    entries: list[Entry] = []
    versions: dict[str, list[str]] = {}
    for pkg, line in zip(packages, lines, strict=True):
        if not isinstance(pkg, dict) or not isinstance(pkg.get("name"), str):
            raise broken("pdm.lock", "a [[package]] without a name", line)
        name = eco.pep503(pkg["name"])
        version = str(pkg.get("version", ""))
        deps: list[str] = []
        dep_markers: dict[str, str] = {}
        for spec in pkg.get("dependencies", []) or []:
            m = _DEP_NAME.match(spec) if isinstance(spec, str) else None
            if m is not None:
                dep = eco.pep503(m.group(1))
                deps.append(dep)
                _, sep, marker = spec.partition(";")
                if sep and marker.strip():
                    dep_markers[dep] = marker.strip()
        groups = pkg.get("groups")
        scope = ""
        if isinstance(groups, list) and groups and "default" not in groups:
            scope = ",".join(str(g) for g in groups)
        marker = pkg.get("marker")
        entries.append(
            Entry(
                name,
                version,
                line,
                scope=scope,
                deps=deps,
                hashes=file_hashes(pkg.get("files")),
                marker=marker if isinstance(marker, str) else "",
                dep_markers=dep_markers,
            )
        )
        versions.setdefault(name, []).append(version)

    def resolve(dep: str) -> Iterator[tuple[str, str]]:
        for version in versions.get(dep, ()):
            yield dep, version

    return Parsed(build(eco.PYPI, lock.path, entries, resolve))
