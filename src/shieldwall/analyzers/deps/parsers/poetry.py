"""poetry.lock: ``[[package]]`` tables with their dependencies by name."""

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
        deps = deps if isinstance(deps, dict) else {}
        entry = Entry(
            name,
            version,
            line,
            scope=_scope(pkg),
            deps=[eco.pep503(d) for d in deps],
            hashes=file_hashes(pkg.get("files")),
            marker=_markers(pkg.get("markers")),
        )
        for dep, spec in deps.items():
            marker = _dependency_marker(spec)
            if marker:
                entry.dep_markers[eco.pep503(dep)] = marker
        entries.append(entry)
        versions.setdefault(name, []).append(version)

    def resolve(dep: str) -> Iterator[tuple[str, str]]:
        for version in versions.get(dep, ()):
            yield dep, version

    return Parsed(build(eco.PYPI, lock.path, entries, resolve))


def file_hashes(files: Any) -> list[Hash | None]:
    """``files = [{file = "...", hash = "sha256:..."}]`` (poetry and pdm)."""
    if not isinstance(files, list):
        return []
    return [
        prefixed_hash(f["hash"])
        for f in files
        if isinstance(f, dict) and isinstance(f.get("hash"), str)
    ]


def _markers(value: Any) -> str:
    """The package's ``markers`` (poetry 2): a string, or one per group (any of them)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        found = list(dict.fromkeys(v for v in value.values() if isinstance(v, str) and v))
        if len(found) == len(value) and found:
            return found[0] if len(found) == 1 else " or ".join(f"({m})" for m in found)
    return ""


def _dependency_marker(spec: Any) -> str:
    """``{version = "...", markers = "..."}``, or a list of such (one per
    condition): the marker under which the dependency is required."""
    specs = spec if isinstance(spec, list) else [spec]
    markers: list[str] = []
    for one in specs:
        marker = one.get("markers") if isinstance(one, dict) else None
        if not isinstance(marker, str) or not marker:
            return ""  # required unconditionally by this constraint
        markers.append(marker)
    unique = list(dict.fromkeys(markers))
    if not unique:
        return ""
    return unique[0] if len(unique) == 1 else " or ".join(f"({m})" for m in unique)


def _scope(pkg: dict[str, Any]) -> str:
    category = pkg.get("category")
    if isinstance(category, str) and category != "main":
        return category
    groups = pkg.get("groups")
    if isinstance(groups, list) and groups and "main" not in groups:
        return ",".join(str(g) for g in groups)
    return "optional" if pkg.get("optional") is True else ""
