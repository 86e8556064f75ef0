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
    prefixed_hash,
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
            hashes = info.get("hashes")
            marker = info.get("markers")
            entry = Entry(
                name,
                "",  # git, path or file entries pin no version
                line,
                scope=scope,
                hashes=[prefixed_hash(h) for h in hashes if isinstance(h, str)]
                if isinstance(hashes, list)
                else [],
                marker=marker if isinstance(marker, str) else "",
            )
            if isinstance(version, str) and version.startswith("=="):
                entry.version = version[2:].strip()
            entries.append(entry)
    return Parsed(build(eco.PYPI, lock.path, entries))
