"""pylock.toml (PEP 751): ``[[packages]]`` with name, optional version and
dependencies that name locked packages."""

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
    hex_hash,
)
from shieldwall.model import Hash


def _hashes(pkg: dict[str, Any]) -> list[Hash | None]:
    """``hashes = {sha256 = "..."}`` of the sdist, the archive and every wheel."""
    files = [pkg.get("sdist"), pkg.get("archive"), *(pkg.get("wheels") or [])]
    out: list[Hash | None] = []
    for f in files:
        hashes = f.get("hashes") if isinstance(f, dict) else None
        if isinstance(hashes, dict):
            out.extend(hex_hash(a, v) for a, v in hashes.items() if isinstance(v, str))
    return out


def parse(lock: LockFile) -> Parsed:
    data = toml_lines.load(lock.text, "pylock.toml")
    packages = data.get("packages", [])
    if not isinstance(packages, list):
        raise broken("pylock.toml", "`packages` is not an array of tables")
    lines = toml_lines.array_lines(lock.text, "packages", packages)
    entries: list[Entry] = []
    versions: dict[str, list[str]] = {}
    for pkg, line in zip(packages, lines, strict=True):
        if not isinstance(pkg, dict) or not isinstance(pkg.get("name"), str):
            raise broken("pylock.toml", "a [[packages]] entry without a name", line)
        if "directory" in pkg and "version" not in pkg:
            continue  # a local project tree (usually the project itself)
        name = eco.pep503(pkg["name"])
        version = str(pkg.get("version", ""))
        deps: list[str] = []
        for dep in pkg.get("dependencies", []) or []:
            if isinstance(dep, dict) and isinstance(dep.get("name"), str):
                deps.append(f"{eco.pep503(dep['name'])}\x00{dep.get('version', '')}")
        marker = pkg.get("marker")
        entries.append(
            Entry(
                name,
                version,
                line,
                deps=deps,
                hashes=_hashes(pkg),
                marker=marker if isinstance(marker, str) else "",
            )
        )
        versions.setdefault(name, []).append(version)

    def resolve(key: str) -> Iterator[tuple[str, str]]:
        name, _, version = key.partition("\x00")
        for v in [version] if version else versions.get(name, ()):
            yield name, v

    return Parsed(build(eco.PYPI, lock.path, entries, resolve))
