"""Gemfile.lock: ``specs:`` of the GEM, GIT and PATH sections (``name (version)``
at four spaces, its dependencies at six); DEPENDENCIES names the direct gems."""

from __future__ import annotations

import re
from collections.abc import Iterator

from shieldwall.analyzers.deps import ecosystems as eco
from shieldwall.analyzers.deps.parsers.base import Entry, LockFile, Parsed, broken, build

_SPEC = re.compile(r"^ {4}([^\s(]+) \(([^)]+)\)$")
_DEP = re.compile(r"^ {6}([^\s(]+)")
_DIRECT = re.compile(r"^ {2}([^\s(!]+)")
_SECTIONS_WITH_SPECS = ("GEM", "GIT", "PATH", "PLUGIN SOURCE")


def parse(lock: LockFile) -> Parsed:
    entries: list[Entry] = []
    direct: set[str] = set()
    section = ""
    in_specs = False
    current: Entry | None = None
    for number, raw in enumerate(lock.text.splitlines(), 1):
        line = raw.rstrip()
        if not line:
            continue
        if not line.startswith(" "):
            section, in_specs, current = line.strip(), False, None
            continue
        if section in _SECTIONS_WITH_SPECS:
            if line == "  specs:":
                in_specs = True
                continue
            if not in_specs:
                continue
            spec = _SPEC.match(line)
            if spec is not None:
                # "1.12.5-x86_64-linux": the platform follows the version
                version = spec.group(2).split("-", 1)[0]
                current = Entry(spec.group(1), version, number)
                entries.append(current)
                continue
            dep = _DEP.match(line)
            if dep is not None and current is not None:
                current.deps.append(dep.group(1))
                continue
            if line.startswith("    ") and not line.startswith("      "):
                raise broken(
                    "Gemfile.lock",
                    f"expected `name (version)`, found {line.strip()[:60]!r}",
                    number,
                )
        elif section == "DEPENDENCIES":
            m = _DIRECT.match(line)
            if m is not None:
                direct.add(m.group(1))
    versions: dict[str, str] = {}
    for entry in entries:
        versions.setdefault(entry.name, entry.version)
        if direct:
            entry.direct = entry.name in direct

    def resolve(name: str) -> Iterator[tuple[str, str]]:
        if name in versions:
            yield name, versions[name]

    return Parsed(build(eco.RUBYGEMS, lock.path, entries, resolve))
