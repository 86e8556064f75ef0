"""go.mod: ``require`` lines and blocks with ``replace`` directives applied.

A replacement by another module takes its path and version (and the line of
the ``replace``); a replacement by a local directory leaves no version to
match. ``// indirect`` marks dependencies that are not direct."""

from __future__ import annotations

import posixpath
import re

from shieldwall.analyzers.deps import ecosystems as eco
from shieldwall.analyzers.deps.parsers.base import LockFile, Parsed, broken, component
from shieldwall.analyzers.deps.parsers.gosum import module_hashes
from shieldwall.errors import SourceError
from shieldwall.model import Component, Hash

KIND = "go.mod"
_VERBS = (
    "module",
    "go",
    "toolchain",
    "godebug",
    "require",
    "replace",
    "exclude",
    "retract",
    "tool",
    "ignore",
)


def _fields(text: str) -> list[str]:
    return [f.strip('"`') for f in text.split()]


def _is_local(path: str) -> bool:
    return (
        path.startswith(("./", "../", "/"))
        or path in (".", "..")
        or re.match(r"^[A-Za-z]:\\", path) is not None
    )


def parse(lock: LockFile) -> Parsed:
    requires: list[tuple[str, str, int, bool]] = []  # path, version, line, indirect
    replaces: dict[tuple[str, str], tuple[str, str, int]] = {}  # (old, oldver or "") -> new
    block = ""
    for number, raw in enumerate(lock.text.splitlines(), 1):
        code, _, comment = raw.partition("//")
        line = code.strip()
        indirect = comment.strip().startswith("indirect")
        if not line:
            continue
        if block:
            if line == ")":
                block = ""
                continue
            _directive(block, line, number, indirect, requires, replaces)
            continue
        verb, _, rest = line.partition(" ")
        rest = rest.strip()
        if verb not in _VERBS and not verb.endswith("("):
            raise broken(KIND, f"unknown directive {verb!r}", number)
        if rest == "(" or verb.endswith("("):
            block = verb.rstrip("(")
            continue
        _directive(verb, rest, number, indirect, requires, replaces)
    if block:
        raise broken(KIND, f"`{block} (` block is not closed", None)
    components: list[Component] = []
    sums = _sums(lock)
    for path, version, number, indirect in requires:
        new = replaces.get((path, version)) or replaces.get((path, ""))
        at = number
        if new is not None:
            new_path, new_version, at = new
            if _is_local(new_path):
                version = ""
            else:
                path, version = new_path, new_version
        components.append(
            component(
                eco.GO,
                path,
                version,
                lock.path,
                at,
                direct=not indirect,
                hashes=[sums.get((path, version))],
            )
        )
    return Parsed(tuple(components))


def _sums(lock: LockFile) -> dict[tuple[str, str], Hash]:
    """The h1: hashes of the go.sum beside go.mod (none when it is absent)."""
    try:
        text = lock.read_related(posixpath.join(posixpath.dirname(lock.path), "go.sum"))
    except SourceError:
        return {}
    return module_hashes(text)


def _directive(
    verb: str,
    rest: str,
    number: int,
    indirect: bool,
    requires: list[tuple[str, str, int, bool]],
    replaces: dict[tuple[str, str], tuple[str, str, int]],
) -> None:
    if verb == "require":
        fields = _fields(rest)
        if len(fields) != 2:
            raise broken(KIND, f"expected `module version`, found {rest[:60]!r}", number)
        requires.append((fields[0], fields[1], number, indirect))
    elif verb == "replace":
        left, arrow, right = rest.partition("=>")
        old, new = _fields(left), _fields(right)
        if not arrow or not 1 <= len(old) <= 2 or not 1 <= len(new) <= 2:
            raise broken(
                KIND, f"expected `old [version] => new [version]`, found {rest[:60]!r}", number
            )
        replaces[(old[0], old[1] if len(old) == 2 else "")] = (
            new[0],
            new[1] if len(new) == 2 else "",
            number,
        )
