"""poetry.lock: ``[[package]]`` tables with their dependencies by name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shieldwall.analyzers.deps import ecosystems as eco
from shieldwall.analyzers.deps.parsers import toml_lines
from shieldwall.analyzers.deps.parsers.base import Entry, LockFile, Parsed, broken, build


def parse(lock: LockFile) -> Parsed:
    data = toml_lines.load(lock.text, "poetry.lock")
    packages = data.get("package", [])
    if not isinstance(packages, list):
        raise broken("poetry.lock", "`package` is not an array of tables")
    lines = toml_lines.array_lines(lock.text, "package", packages)
    entries: list[Entry] = []
    versions: dict[str, list[str]] = {}
    for pkg, line in zip(packages, lines, strict=True):
        if not isinstance(pkg, dict) or not isinstance(pkg.get("name"), str):
            raise broken("poetry.lock", "a [[package]] without a name", line)
        source = pkg.get("source")
        if isinstance(source, dict) and source.get("type") in ("directory", "file"):
            continue  # the project itself or a local path
        name = eco.pep503(pkg["name"])
        version = str(pkg.get("version", ""))
        deps = pkg.get("dependencies", {})
        entries.append(
            Entry(
                name,
                version,
                line,
                scope=_scope(pkg),
                deps=[eco.pep503(d) for d in deps] if isinstance(deps, dict) else [],
            )
        )
        versions.setdefault(name, []).append(version)

    def resolve(dep: str) -> Iterator[tuple[str, str]]:
        for version in versions.get(dep, ()):
            yield dep, version

    return Parsed(build(eco.PYPI, lock.path, entries, resolve))


def _scope(pkg: dict[str, Any]) -> str:
    category = pkg.get("category")
    if isinstance(category, str) and category != "main":
        return category
    groups = pkg.get("groups")
    if isinstance(groups, list) and groups and "main" not in groups:
        return ",".join(str(g) for g in groups)
    return "optional" if pkg.get("optional") is True else ""
