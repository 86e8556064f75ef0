"""Lines of ``[[table]]`` entries in TOML lock files, which tomllib does not keep.

TOML keeps the order of an array of tables, so the n-th ``[[package]]`` header
in the text is the n-th element of the parsed array. One pass over the lines
finds each header and the ``name = ...`` line inside its block."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from shieldwall.analyzers.deps.parsers.base import broken

_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*([A-Za-z0-9_.\-]+)[ \t]*\]\][ \t]*(?:#.*)?$")
_TABLE = re.compile(r"^[ \t]*\[")
_NAME = re.compile(r"""^[ \t]*name[ \t]*=[ \t]*["']([^"']*)["']""")


def entry_lines(text: str, table: str) -> list[tuple[int, str]]:
    """(line, name) of each ``[[table]]`` entry: the line of its ``name = ...``
    key, else of its header; name is "" when the block has no name line."""
    out: list[tuple[int, str]] = []
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("["):
            header = _HEADER.match(line)
            if header is not None and header.group(1) == table:
                out.append((number, ""))
                inside = True
                continue
            if _TABLE.match(line):
                inside = False  # a sub-table of the entry ([package.dependencies]) or another table
                continue
        if inside and out[-1][1] == "":
            name = _NAME.match(line)
            if name is not None:
                out[-1] = (number, name.group(1))
    return out


def array_lines(text: str, table: str, items: list[Any]) -> list[int]:
    """The line of each element of the parsed ``[[table]]`` array ``items``."""
    found = entry_lines(text, table)
    if len(found) == len(items):
        return [line for line, _ in found]
    # Headers written in another style ([["package"]], inline arrays): match by name.
    by_name: dict[str, list[int]] = {}
    for line, found_name in found:
        by_name.setdefault(found_name, []).append(line)
    lines: list[int] = []
    for item in items:
        name: Any = item.get("name") if isinstance(item, dict) else None
        candidates = by_name.get(name, []) if isinstance(name, str) else []
        lines.append(candidates.pop(0) if candidates else 1)
    return lines


def load(text: str, kind: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"line (\d+)", message)
        raise broken(kind, message, int(match.group(1)) if match else None) from exc
