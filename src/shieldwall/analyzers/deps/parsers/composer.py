"""composer.lock: ``packages`` and ``packages-dev`` arrays."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shieldwall.analyzers.deps import ecosystems as eco
from shieldwall.analyzers.deps.parsers import json_lines
from shieldwall.analyzers.deps.parsers.base import (
    Entry,
    LockFile,
    Parsed,
    broken,
    build,
    hex_hash,
)
from shieldwall.model import Hash

KIND = "composer.lock"
SECTIONS = {"packages": "", "packages-dev": "dev"}


def _platform(name: str) -> bool:
    """``php``, ``ext-json``, ``lib-curl``, ``composer-plugin-api``: not packages."""
    return "/" not in name


def _licenses(pkg: dict[str, Any]) -> list[str]:
    """composer's ``license`` array lists alternatives (dual licensing): one expression."""
    value = pkg.get("license")
    names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    names = [n.strip() for n in names if isinstance(n, str) and n.strip()]
    if len(names) > 1:
        return [" OR ".join(f"({n})" if " " in n else n for n in names)]
    return names


def _shasum(pkg: dict[str, Any]) -> Hash | None:
    """``dist.shasum``: SHA-1 of the dist archive (often empty for GitHub zipballs)."""
    dist = pkg.get("dist")
    shasum = dist.get("shasum") if isinstance(dist, dict) else None
    return hex_hash("sha1", shasum) if isinstance(shasum, str) else None


def parse(lock: LockFile) -> Parsed:
    data = json_lines.load(lock.text, KIND)
    if not isinstance(data, dict):
        raise broken(KIND, "the top level is not an object", 1)
    lines = json_lines.object_lines(lock.text, data)
    entries: list[Entry] = []
    versions: dict[str, str] = {}
    for section, scope in SECTIONS.items():
        packages = data.get(section) or []
        if not isinstance(packages, list):
            raise broken(KIND, f"`{section}` is not an array", None)
        for pkg in packages:
            if not isinstance(pkg, dict) or not isinstance(pkg.get("name"), str):
                raise broken(KIND, f"an entry of `{section}` has no name", lines.get(id(pkg)))
            name = pkg["name"].lower()
            version = str(pkg.get("version", ""))
            if version.startswith("v") and version[1:2].isdigit():
                version = version[1:]
            requires = pkg.get("require")
            deps = (
                [d.lower() for d in requires if not _platform(d)]
                if isinstance(requires, dict)
                else []
            )
            entries.append(
                Entry(
                    name,
                    version,
                    lines.get(id(pkg), 1),
                    scope=scope,
                    deps=deps,
                    licenses=_licenses(pkg),
                    hashes=[_shasum(pkg)],
                )
            )
            versions.setdefault(name, version)

    def resolve(name: str) -> Iterator[tuple[str, str]]:
        if name in versions:
            yield name, versions[name]

    return Parsed(build(eco.PACKAGIST, lock.path, entries, resolve))
