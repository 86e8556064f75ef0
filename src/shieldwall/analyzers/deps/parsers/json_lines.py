"""Lines of JSON objects without a second parser.

``json.loads`` keeps no positions. One regular-expression pass over the text
finds every ``{`` outside strings (strings are matched whole, so nothing inside
one is mistaken for structure); JSON keeps key order, so the n-th ``{`` in the
text is the n-th object of a pre-order walk of the parsed value. The result
maps ``id(obj)`` of each parsed dict to the line its ``{`` is on (for a keyed
object, the line of its key in any formatter's output). A duplicated key
(json keeps its first position and last value) may take the line of either
occurrence; the key check re-aligns the objects after it."""

from __future__ import annotations

import json
import re
from typing import Any

from shieldwall.analyzers.deps.parsers.base import broken

_TOKEN = re.compile(r'"((?:[^"\\\n]|\\.)*)"(\s*:\s*\{)?|\{')


def _braces(text: str) -> list[tuple[str | None, int]]:
    """(key or None, line) of every object opening in the text, in order."""
    out: list[tuple[str | None, int]] = []
    line = 1
    pos = 0
    count = text.count
    for m in _TOKEN.finditer(text):
        if m.group(2) is None and m.group(0) != "{":
            continue  # a plain string
        start = m.start()
        line += count("\n", pos, start)
        pos = start
        out.append((m.group(1), line))
    return out


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw
    try:
        value = json.loads(f'"{raw}"')
    except ValueError:
        return raw
    return value if isinstance(value, str) else raw


def object_lines(text: str, data: Any) -> dict[int, int]:
    """``id(dict) -> line`` for every dict in ``data`` (parsed from ``text``)."""
    braces = _braces(text)
    lines: dict[int, int] = {}
    cursor = 0
    total = len(braces)
    # Iterative pre-order walk; each item is (value, key it sits under or None).
    stack: list[tuple[Any, str | None]] = [(data, None)]
    while stack:
        value, key = stack.pop()
        if isinstance(value, dict):
            if cursor < total:
                found_key, line = braces[cursor]
                if key is not None and found_key != key and _unescape(found_key or "") != key:
                    # A duplicate key dropped an earlier object: find this one's key.
                    cursor = _seek(braces, cursor, key)
                    found_key, line = braces[cursor] if cursor < total else (None, 1)
                lines[id(value)] = line
                cursor += 1
            children = [(v, k) for k, v in value.items() if isinstance(v, dict | list)]
            stack.extend(reversed(children))
        elif isinstance(value, list):
            items = [(v, None) for v in value if isinstance(v, dict | list)]
            stack.extend(reversed(items))
    return lines


def _seek(braces: list[tuple[str | None, int]], start: int, key: str) -> int:
    for i in range(start, len(braces)):
        found = braces[i][0]
        if found is not None and (found == key or _unescape(found) == key):
            return i
    return len(braces)


def load(text: str, kind: str) -> Any:
    """Parsed JSON, or the SourceError saying where it breaks."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise broken(kind, exc.msg, exc.lineno) from exc
    except (RecursionError, MemoryError) as exc:
        raise broken(kind, "nested too deeply") from exc
