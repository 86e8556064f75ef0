"""go.sum: one line per module version (``/go.mod`` lines only hash the
module's go.mod and do not mean its code is built). Read only when no go.mod
sits beside it, since go.mod names what the build uses."""

from __future__ import annotations

from shieldwall.analyzers.deps import ecosystems as eco
from shieldwall.analyzers.deps.parsers.base import LockFile, Parsed, broken, component
from shieldwall.model import Component, Hash
from shieldwall.model.component import GO_H1


def module_hashes(text: str) -> dict[tuple[str, str], Hash]:
    """(module, version) -> its ``h1:`` tree hash, from go.sum lines."""
    out: dict[tuple[str, str], Hash] = {}
    for raw in text.splitlines():
        fields = raw.split()
        if len(fields) == 3 and not fields[1].endswith("/go.mod") and fields[2].startswith("h1:"):
            out.setdefault((fields[0], fields[1]), Hash(GO_H1, fields[2]))
    return out


def parse(lock: LockFile) -> Parsed:
    seen: set[tuple[str, str]] = set()
    components: list[Component] = []
    hashes = module_hashes(lock.text)
    for number, raw in enumerate(lock.text.splitlines(), 1):
        fields = raw.split()
        if not fields:
            continue
        if len(fields) != 3:
            raise broken("go.sum", f"expected `module version hash`, found {raw[:60]!r}", number)
        path, version, _ = fields
        if version.endswith("/go.mod") or (path, version) in seen:
            continue
        seen.add((path, version))
        components.append(
            component(
                eco.GO, path, version, lock.path, number, hashes=[hashes.get((path, version))]
            )
        )
    return Parsed(tuple(components))
