"""pnpm-lock.yaml, lockfile versions 5, 6 and 9.

Package keys changed between versions: ``/name/1.0.0_peer`` (5),
``/name@1.0.0(peer)`` (6), ``name@1.0.0`` with dependencies moved to
``snapshots`` (9). Importers (or the root in single-project lock files) name
the direct dependencies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shieldwall.analyzers.deps import ecosystems as eco
from shieldwall.analyzers.deps.parsers.base import (
    Entry,
    LockFile,
    Parsed,
    broken,
    build,
    sri_hashes,
)
from shieldwall.model import Hash
from shieldwall.sources.yaml_tree import BrokenDocument, YMap, parse_documents

KIND = "pnpm-lock.yaml"
_DEP_FIELDS = ("dependencies", "optionalDependencies", "devDependencies")


def parse_key(key: str, major: int) -> tuple[str, str]:
    """(name, version) of a package key, peer suffixes removed."""
    key = key.lstrip("/")
    paren = key.find("(")
    if paren > 0:
        key = key[:paren]
    if major < 6:
        name, _, version = key.rpartition("/")
        return name, version.split("_", 1)[0]
    at = key.find("@", 1)
    if at < 0:
        return key, ""
    return key[:at], key[at + 1 :]


def _major(data: YMap) -> int:
    raw = str(data.get("lockfileVersion", "5"))
    try:
        return int(float(raw.split(".")[0]))
    except ValueError:
        return 5


def _ref_target(name: str, ref: Any, major: int) -> tuple[str, str] | None:
    """(name, version) a dependency reference points to, or None (links, files)."""
    if isinstance(ref, dict):  # importers in v6+: {specifier, version}
        ref = ref.get("version")
    if not isinstance(ref, str | int | float):
        return None
    ref = str(ref)
    if ref.startswith(("link:", "file:", "workspace:")):
        return None
    if ref.startswith("/"):
        return parse_key(ref, major)
    if major >= 9 and not ref[:1].isdigit() and "@" in ref[1:]:
        return parse_key(ref, major)  # an alias: other@1.0.0
    cut = ref.find("(")
    if cut > 0:
        ref = ref[:cut]
    if major < 6:
        ref = ref.split("_", 1)[0]
    return name, ref


def parse(lock: LockFile) -> Parsed:
    data: Any = None
    for doc in parse_documents(lock.text):
        if isinstance(doc, BrokenDocument):
            raise doc.error
        data = doc.content
        break
    if data is None:
        return Parsed()
    if not isinstance(data, YMap):
        raise broken(KIND, "the top level is not a mapping", 1)
    major = _major(data)
    direct: set[tuple[str, str]] = set()
    importers = data.get("importers")
    roots: list[Any] = list(importers.values()) if isinstance(importers, dict) else [data]
    for root in roots:
        if not isinstance(root, dict):
            continue
        for field in _DEP_FIELDS:
            deps = root.get(field)
            if isinstance(deps, dict):
                for name, ref in deps.items():
                    target = _ref_target(str(name), ref, major)
                    if target is not None:
                        direct.add(target)
    packages = data.get("packages") or {}
    if not isinstance(packages, YMap):
        raise broken(KIND, "`packages` is not a mapping", data.line_of("packages"))
    snapshots = data.get("snapshots") if major >= 9 else None
    snapshot_deps: dict[tuple[str, str], list[tuple[str, str]]] = {}
    if isinstance(snapshots, dict):
        for key, info in snapshots.items():
            if isinstance(info, dict):
                snapshot_deps.setdefault(parse_key(str(key), major), []).extend(
                    _deps_of(info, major)
                )
    entries: list[Entry] = []
    seen: set[tuple[str, str]] = set()
    for key, info in packages.items():
        info = info if isinstance(info, dict) else {}
        name, version = parse_key(str(key), major)
        if isinstance(info.get("name"), str):
            name = info["name"]
        if isinstance(info.get("version"), str | int | float):
            version = str(info["version"])
        if not name or (name, version) in seen:
            continue  # the same package under several peer sets
        seen.add((name, version))
        deps = _deps_of(info, major) + snapshot_deps.get((name, version), [])
        entries.append(
            Entry(
                name,
                version,
                packages.line_of(key),
                direct=(name, version) in direct if direct else None,
                scope="dev" if info.get("dev") is True else "",
                deps=[f"{n}\x00{v}" for n, v in deps],
                hashes=_integrity(info),
            )
        )

    def resolve(ref: str) -> Iterator[tuple[str, str]]:
        name, _, version = ref.partition("\x00")
        yield name, version

    return Parsed(build(eco.NPM, lock.path, entries, resolve))


def _integrity(info: dict[str, Any]) -> list[Hash | None]:
    resolution = info.get("resolution")
    integrity = resolution.get("integrity") if isinstance(resolution, dict) else None
    return sri_hashes(integrity) if isinstance(integrity, str) else []


def _deps_of(info: dict[str, Any], major: int) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for field in ("dependencies", "optionalDependencies"):
        deps = info.get(field)
        if isinstance(deps, dict):
            for name, ref in deps.items():
                target = _ref_target(str(name), ref, major)
                if target is not None:
                    out.append(target)
    return out
