"""packages.lock.json (.NET): per target framework, the resolved packages."""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.deps import ecosystems as eco
from shieldwall.analyzers.deps.parsers import json_lines
from shieldwall.analyzers.deps.parsers.base import Entry, LockFile, Parsed, broken, build

KIND = "packages.lock.json"


def parse(lock: LockFile) -> Parsed:
    data = json_lines.load(lock.text, KIND)
    if not isinstance(data, dict) or not isinstance(data.get("dependencies", {}), dict):
        raise broken(KIND, "expected an object with `dependencies` by target framework", 1)
    lines = json_lines.object_lines(lock.text, data)
    entries: dict[tuple[str, str], Entry] = {}
    versions: dict[str, str] = {}
    for framework in data.get("dependencies", {}).values():
        if not isinstance(framework, dict):
            continue
        for name, info in framework.items():
            if not isinstance(info, dict) or info.get("type") == "Project":
                continue  # another project of the solution
            version = str(info.get("resolved", ""))
            key = (name.lower(), version)
            direct = info.get("type") == "Direct"
            if key in entries:
                entries[key].direct = entries[key].direct or direct
                continue
            deps = info.get("dependencies")
            entries[key] = Entry(
                name,
                version,
                lines.get(id(info), 1),
                direct=direct,
                deps=[d.lower() for d in deps] if isinstance(deps, dict) else [],
            )
            versions.setdefault(name.lower(), version)
    names = {k[0]: e.name for k, e in entries.items()}

    def resolve(dep: str) -> Iterator[tuple[str, str]]:
        if dep in versions:
            yield names.get(dep, dep), versions[dep]

    return Parsed(build(eco.NUGET, lock.path, entries.values(), resolve))
