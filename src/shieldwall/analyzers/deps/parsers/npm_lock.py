"""package-lock.json (and npm-shrinkwrap.json), lockfile versions 1 to 3.

v2 and v3 list every installed package under ``packages`` keyed by its path
(``node_modules/a/node_modules/b``); v1 nests ``dependencies``. A dependency
resolves the way Node does: the nearest ``node_modules`` up the tree."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from shieldwall.analyzers.deps import ecosystems as eco
from shieldwall.analyzers.deps.parsers import json_lines
from shieldwall.analyzers.deps.parsers.base import (
    Entry,
    LockFile,
    Parsed,
    broken,
    build,
    sri_hashes,
)

KIND = "package-lock.json"
_DEP_FIELDS = ("dependencies", "optionalDependencies", "peerDependencies")
_ROOT_DEP_FIELDS = (*_DEP_FIELDS, "devDependencies")
_SEP = "node_modules/"


def _scope(info: dict[str, Any]) -> str:
    if info.get("dev") is True or info.get("devOptional") is True:
        return "dev"
    if info.get("optional") is True:
        return "optional"
    return ""


def _licenses(info: dict[str, Any]) -> list[str]:
    """``license`` as a string (an SPDX expression), or the legacy ``{type}`` object
    and ``licenses`` array some packages still publish."""
    value = info.get("license")
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and isinstance(value.get("type"), str):
        return [value["type"]]
    legacy = info.get("licenses")
    if isinstance(legacy, list):
        names = [x.get("type") if isinstance(x, dict) else x for x in legacy]
        return [n for n in names if isinstance(n, str)]
    return []


def _integrity(info: dict[str, Any]) -> list[Any]:
    value = info.get("integrity")
    return list(sri_hashes(value)) if isinstance(value, str) else []


def _name_from_path(path: str) -> str:
    return path.rsplit(_SEP, 1)[-1]


def _parent(path: str) -> str | None:
    """``a/node_modules/b/node_modules/c`` -> ``a/node_modules/b``; top level -> None."""
    idx = path.rfind("/" + _SEP)
    return path[:idx] if idx >= 0 else None


def _resolver(
    by_path: dict[str, tuple[str, str]],
) -> Callable[[str], Iterator[tuple[str, str]]]:
    """Resolve ``"<package path>\\x00<dependency name>"`` as Node does."""

    def resolve(ref: str) -> Iterator[tuple[str, str]]:
        base: str | None
        base, _, dep = ref.partition("\x00")
        while base:
            found = by_path.get(f"{base}/{_SEP}{dep}")
            if found is not None:
                yield found
                return
            base = _parent(base)
        found = by_path.get(_SEP + dep)
        if found is not None:
            yield found

    return resolve


def parse(lock: LockFile) -> Parsed:
    data = json_lines.load(lock.text, KIND)
    if not isinstance(data, dict):
        raise broken(KIND, "the top level is not an object", 1)
    lines = json_lines.object_lines(lock.text, data)
    packages = data.get("packages")
    if isinstance(packages, dict) and packages:
        return _parse_packages(lock, packages, lines)
    deps = data.get("dependencies")
    if isinstance(deps, dict):
        return _parse_v1(lock, deps, lines)
    return Parsed()


def _parse_packages(lock: LockFile, packages: dict[str, Any], lines: dict[int, int]) -> Parsed:
    root = packages.get("", {})
    direct_names: set[str] = set()
    if isinstance(root, dict):
        for field in _ROOT_DEP_FIELDS:
            names = root.get(field)
            if isinstance(names, dict):
                direct_names.update(names)
    by_path: dict[str, tuple[str, str]] = {}
    entries: list[tuple[str, Entry]] = []
    for key, info in packages.items():
        if not key or not isinstance(info, dict) or _SEP not in key:
            continue  # the root project and workspace folders
        if info.get("link") is True:
            continue  # a symlink to a workspace folder, listed under its own key
        given = info.get("name")
        name = given if isinstance(given, str) else _name_from_path(key)
        version = info.get("version", "")
        if not isinstance(version, str):
            version = ""
        top_level = key.startswith(_SEP) and _parent(key) is None
        entry = Entry(
            name,
            version,
            lines.get(id(info), 1),
            direct=top_level and _name_from_path(key) in direct_names if direct_names else None,
            scope=_scope(info),
            licenses=_licenses(info),
            hashes=_integrity(info),
        )
        for field in _DEP_FIELDS:
            names = info.get(field)
            if isinstance(names, dict):
                entry.deps.extend(f"{key}\x00{dep}" for dep in names)
        by_path[key] = (name, version)
        entries.append((key, entry))

    return Parsed(build(eco.NPM, lock.path, (e for _, e in entries), _resolver(by_path)))


def _parse_v1(lock: LockFile, deps: dict[str, Any], lines: dict[int, int]) -> Parsed:
    by_path: dict[str, tuple[str, str]] = {}
    entries: list[Entry] = []
    stack: list[tuple[str, dict[str, Any]]] = [("", deps)]
    while stack:
        prefix, level = stack.pop()
        for name, info in level.items():
            if not isinstance(info, dict):
                continue
            key = f"{prefix}{_SEP}{name}"
            version = info.get("version", "")
            if not isinstance(version, str):
                version = ""
            if version.startswith("npm:") and "@" in version[5:]:  # an alias: npm:real@1.0.0
                real, _, version = version[4:].rpartition("@")
                name = real
            entry = Entry(
                name,
                version,
                lines.get(id(info), 1),
                scope=_scope(info),
                licenses=_licenses(info),
                hashes=_integrity(info),
            )
            entry.direct = None
            requires = info.get("requires")
            if isinstance(requires, dict):
                entry.deps.extend(f"{key}\x00{dep}" for dep in requires)
            by_path[key] = (name, version)
            entries.append(entry)
            nested = info.get("dependencies")
            if isinstance(nested, dict):
                stack.append((key + "/", nested))
    entries.sort(key=lambda e: e.line)

    return Parsed(build(eco.NPM, lock.path, entries, _resolver(by_path)))
