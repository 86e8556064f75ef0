"""How strings from the scanned repository appear in every report.

A file name on Linux may hold any byte but `/` and NUL: newlines, escape sequences,
bytes that are not UTF-8 (Python hands those over as lone surrogates, by
surrogateescape). Resource names and messages carry repository text too. Every
report shows such strings the same way, so that it stays valid UTF-8, one line
stays one line, and no terminal control sequence gets through:

- a byte that is not UTF-8, and an ASCII control character: `\\xHH` (`bad\\xff.yaml`);
- other control characters, line and paragraph separators, and formatting characters
  (bidirectional overrides, zero-width characters; Unicode categories Cc, Cf, Zl,
  Zp): `\\uHHHH` (`\\u202e`), or `\\UHHHHHHHH` above U+FFFF;
- in paths only, a backslash: `\\\\`, so that a shown path always gives back the
  exact bytes of the file name (`path_bytes`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from shieldwall.model.service_map import MapEdge, MapNode, ServiceMap

# Control, format, line and paragraph separator characters, and lone surrogates.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_ESCAPE = re.compile(r"\\(?:x([0-9a-f]{2})|u([0-9a-f]{4})|U([0-9a-f]{8})|(\\))")


def _shown(char: str, path: bool) -> str:
    code = ord(char)
    if char == "\\" and path:
        return "\\\\"
    if unicodedata.category(char) not in _ESCAPED_CATEGORIES:
        return char
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, from surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x80:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def display_text(value: str) -> str:
    """A repository string (resource name, message, reason) as reports show it."""
    if value.isprintable():  # the usual case: nothing to escape
        return value
    return "".join(_shown(c, path=False) for c in value)


def shorten(text: str, limit: int) -> str:
    """`text` on one line in at most `limit` characters: cut at the last space
    that fits, never inside a word, and ended with an ellipsis when cut. Only a
    first word longer than `limit` is cut inside."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    space = text.rfind(" ", 0, limit)  # the prefix before it leaves room for the ellipsis
    head = text[:space] if space > 0 else text[: limit - 1]
    return head.rstrip(" ,;:") + "\u2026"


def display_path(path: str) -> str:
    """A file name or relative path as reports show it; `path_bytes` reverses it."""
    if path.isprintable() and "\\" not in path:
        return path
    return "".join(_shown(c, path=True) for c in path)


def path_bytes(shown: str) -> bytes:
    """The file name's bytes from a path as `display_path` shows it."""
    out = bytearray()
    pos = 0
    for match in _ESCAPE.finditer(shown):
        out += shown[pos : match.start()].encode("utf-8")
        byte, code, wide, _ = match.groups()
        if byte is not None:
            out.append(int(byte, 16))
        elif code is not None or wide is not None:
            out += chr(int(code or wide, 16)).encode("utf-8", "surrogatepass")
        else:
            out += b"\\"
        pos = match.end()
    out += shown[pos:].encode("utf-8")
    return bytes(out)


def _node(n: MapNode) -> MapNode:
    return replace(
        n,
        id=display_text(n.id),
        kind=display_text(n.kind),
        name=display_text(n.name),
        namespace=display_text(n.namespace),
        path=display_path(n.path),
        resources=tuple(display_text(r) for r in n.resources),
    )


def _edge(e: MapEdge) -> MapEdge:
    return replace(
        e,
        source=display_text(e.source),
        target=display_text(e.target),
        evidence=display_text(e.evidence),
        path=display_path(e.path),
    )


def display_map(service_map: ServiceMap) -> ServiceMap:
    """The service map with its repository strings as reports show them."""
    return ServiceMap(
        tuple(_node(n) for n in service_map.nodes), tuple(_edge(e) for e in service_map.edges)
    )
