"""Field paths of kustomize's `replacements:`, read and written in parsed objects:
`spec.template.spec.containers.[name=api].image`, a list item by position
(`containers.0`), every item (`*`), a key holding dots in brackets
(`metadata.annotations.[example.com/name]`). The value copied from the source,
with the `delimiter` / `index` options of source and target, as kustomize does
(a target index past the end appends, a negative one prepends)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shieldwall.sources.yaml_tree import YMap, YSeq


class ReplaceError(Exception):
    """Why a replacement does not apply (reported with the replacement's line)."""


@dataclass(frozen=True, slots=True)
class Place:
    """Where a field path ends: its container and the key or index in it."""

    parent: YMap | YSeq
    key: Any

    @property
    def value(self) -> Any:
        return self.parent[self.key]

    @property
    def line(self) -> int:
        return self.parent.line_of(self.key)


def parse_path(text: str) -> list[str]:
    """`a.[b.c].d` -> [`a`, `[b.c]`, `d`]: dots inside brackets do not split."""
    segments, current, depth = [], "", 0
    for char in text:
        depth += (char == "[") - (char == "]")
        if char == "." and depth == 0:
            segments.append(current)
            current = ""
        else:
            current += char
    segments.append(current)
    return [s for s in segments if s]


def _steps(node: Any, segment: str, create: bool, line: int) -> list[tuple[Any, Any]]:
    """(container, key) pairs one segment reaches from `node`."""
    inner = segment[1:-1] if segment.startswith("[") and segment.endswith("]") else None
    if isinstance(node, YSeq):
        if segment == "*":
            return [(node, i) for i in range(len(node))]
        if segment.isdigit():
            return [(node, int(segment))] if int(segment) < len(node) else []
        if inner is not None and "=" in inner:
            key, _, want = inner.partition("=")
            return [
                (node, i)
                for i, item in enumerate(node)
                if (str(item.get(key)) if key and isinstance(item, YMap) else str(item)) == want
            ]
        return []
    if isinstance(node, YMap):
        key = inner if inner is not None and "=" not in inner else segment
        if key not in node and create:
            node[key] = YMap(line)
            node.key_lines[key] = line
        return [(node, key)] if key in node else []
    return []


def find(node: YMap, path: str, create: bool = False, line: int = 0) -> list[Place]:
    """The places `path` names in `node` (created as maps on the way when asked)."""
    segments = parse_path(path)
    current: list[tuple[Any, Any]] = [(None, node)]
    for segment in segments:
        current = [
            step
            for parent, key in current
            for step in _steps(node if parent is None else parent[key], segment, create, line)
        ]
    return [Place(p, k) for p, k in current if p is not None]


def source_value(value: Any, options: object) -> Any:
    """The source value, a part of it with `delimiter` and `index`."""
    delimiter, index = _options(options)
    if not delimiter:
        return value
    parts = str(value).split(delimiter)
    if not -len(parts) <= index < len(parts):
        raise ReplaceError(f"source has no part {index} split by {delimiter!r}")
    return parts[index]


def target_value(old: Any, new: Any, options: object) -> Any:
    """What the target holds after: `new`, or `old` with its part replaced."""
    delimiter, index = _options(options)
    if not delimiter:
        return new
    parts = "" if old is None else str(old)
    split = parts.split(delimiter)
    if index >= len(split):
        split.append(str(new))
    elif index < 0:
        split.insert(0, str(new))
    else:
        split[index] = str(new)
    return delimiter.join(split)


def _options(options: object) -> tuple[str, int]:
    if not isinstance(options, YMap):
        return "", 0
    index = options.get("index")
    return str(options.get("delimiter") or ""), index if isinstance(index, int) else 0
