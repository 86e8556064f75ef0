"""Cargo.lock: ``[[package]]`` tables. Packages without a ``source`` are the
workspace's own crates: not components, but what they depend on is direct."""

from __future__ import annotations

from collections.abc import Iterator

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

KIND = "Cargo.lock"


def _dep_key(spec: str) -> tuple[str, str]:
    """``name``, ``name version`` or ``name version (source)`` -> (name, version or "")."""
    parts = spec.split()
    return parts[0], parts[1] if len(parts) > 1 else ""


def parse(lock: LockFile) -> Parsed:
    data = toml_lines.load(lock.text, KIND)
    packages = data.get("package", [])
    if not isinstance(packages, list):
        raise broken(KIND, "`package` is not an array of tables")
    lines = toml_lines.array_lines(lock.text, "package", packages)
    entries: list[Entry] = []
    versions: dict[str, list[str]] = {}
    direct: set[tuple[str, str]] = set()
    for pkg, line in zip(packages, lines, strict=True):
        if not isinstance(pkg, dict) or not isinstance(pkg.get("name"), str):
            raise broken(KIND, "a [[package]] without a name", line)
        deps = [_dep_key(d) for d in pkg.get("dependencies", []) or [] if isinstance(d, str)]
        if "source" not in pkg:
            direct.update(deps)
            continue
        name, version = pkg["name"], str(pkg.get("version", ""))
        checksum = pkg.get("checksum")  # SHA-256 of the .crate archive; Cargo.lock has no licence
        entries.append(
            Entry(
                name,
                version,
                line,
                deps=[f"{n}\x00{v}" for n, v in deps],
                hashes=[hex_hash("sha256", checksum)] if isinstance(checksum, str) else [],
            )
        )
        versions.setdefault(name, []).append(version)
    for entry in entries:
        entry.direct = (entry.name, entry.version) in direct or (entry.name, "") in direct

    def resolve(key: str) -> Iterator[tuple[str, str]]:
        name, _, version = key.partition("\x00")
        for v in [version] if version else versions.get(name, ())[:1]:
            yield name, v

    return Parsed(build(eco.CRATES_IO, lock.path, entries, resolve))
