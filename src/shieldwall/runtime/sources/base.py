"""What every log parser shares: the Parser shape and request-line splitting."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from shieldwall.runtime.events import AuditEvent, HttpEvent

Event = HttpEvent | AuditEvent
ParseFn = Callable[[str], Event | None]

_HEX_ESCAPE = re.compile(r"\\x([0-9A-Fa-f]{2})")


@dataclass(frozen=True, slots=True)
class Parser:
    """A log format: `parse` returns None for a line it does not recognise and
    may raise ValueError, KeyError, TypeError or IndexError on a damaged one."""

    name: str
    parse: ParseFn
    description: str


def unescape_nginx(text: str) -> str:
    """nginx writes `"` and bytes it does not print as `\\xHH`: give them back."""
    if "\\x" not in text:
        return text
    return _HEX_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def split_request(request: str) -> tuple[str, str, str]:
    """`GET /a?b=1 HTTP/1.1` -> (method, path, query). A request line that is not
    one (TLS bytes on the HTTP port) keeps its text as the path, method ""."""
    method, sep, target = request.partition(" ")
    if sep and method.isalpha() and method.isupper():
        head, sep, protocol = target.rpartition(" ")
        if sep and protocol.startswith("HTTP/"):
            target = head
    else:
        method, target = "", request
    path, _, query = target.partition("?")
    return method, path, query


def split_target(target: str) -> tuple[str, str]:
    path, _, query = target.partition("?")
    return path, query


def dash(value: str) -> str:
    return "" if value == "-" else value


def int_or(value: object, default: int = 0) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 6:
        return int(value)
    return default


def text(value: object) -> str:
    """A JSON field as text: absent, null and non-strings become ""."""
    return value if isinstance(value, str) else ""


def strip_port(address: str) -> str:
    """The host of `host:port`, `[v6]:port` or a bare address (an IPv6 address has
    several colons and keeps them)."""
    if address.startswith("["):
        return address[1:].partition("]")[0]
    return address.partition(":")[0] if address.count(":") == 1 else address
