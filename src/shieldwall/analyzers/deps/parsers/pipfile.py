"""Pipfile.lock: JSON with ``default`` and ``develop`` sections of pinned packages."""

from __future__ import annotations

from shieldwall.analyzers.deps import ecosystems as eco
from shieldwall.analyzers.deps.parsers import json_lines
from shieldwall.analyzers.deps.parsers.base import (
    Entry,
    LockFile,
    Parsed,
    broken,
    build,
)

SECTIONS = {"default": "", "develop": "dev"}


def parse(lock: LockFile) -> Parsed:
    data = json_lines.load(lock.text, "Pipfile.lock")
    if not isinstance(data, dict):
        raise broken("Pipfile.lock", "the top level is not an object", 1)
    lines = json_lines.object_lines(lock.text, data)
    entries: list[Entry] = []
    for section, scope in SECTIONS.items():
        packages = data.get(section, {})
        if not isinstance(packages, dict):
            raise broken("Pipfile.lock", f"`{section}` is not an object", lines.get(id(data)))
        for name, info in packages.items():
            if not isinstance(info, dict):
                continue
            line = lines.get(id(info), 1)
            version = info.get("version", "")
            if isinstance(version, str) and version.startswith("=="):
                entries.append(Entry(name, version[2:].strip(), line, scope=scope))
                continue
            entries.append(Entry(name, "", line, scope=scope))  # git, path or file entries
    return Parsed(build(eco.PYPI, lock.path, entries))
