"""The request a line longer than the reader's bound logged, read from its first part.

Text formats give the client, the time and the request line first: they are read with
the format's expression made optional from the request on (a field cut by the bound is
kept as far as it goes). JSON formats are searched for their address key, a key of the
object itself: its name in quotes after `{` or `,` and before `:`, which no escaped
string can spell. A format whose address lies past the bound (Envoy's text log ends
with it, the Kubernetes audit log is not a request) gives None: the line stays unparsed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import orjson

from shieldwall.runtime.events import HttpEvent
from shieldwall.runtime.sources.base import split_request, split_target, strip_port, unescape_nginx
from shieldwall.runtime.sources.timefmt import parse_clf, parse_ctime, parse_iso

Recover = Callable[[str], HttpEvent | None]

_REQUEST = (
    r'"(?:([A-Z]{1,20}) ([^ "?]*)(?:\?([^ "]*)|)(?: HTTP/[0-9.]{1,3}|)|([^"]*))'
    r'(?:" (\d{3})|)'
)
_COMBINED = re.compile(r"(\S+) \S+ (\S+) \[([^\]]+)\] " + _REQUEST)
_HAPROXY = re.compile(
    r"(?:.*?haproxy\[\d+\]: )?(\S+):\d+ \[([^\]]+)\] \S+ \S+ \S+ (-?\d{1,3}) \S+ \S+ \S+ \S+ "
    r'\S+ \S+(?: \{[^}]*\})?(?: \{[^}]*\})? "([^"]*)'
)
_JSON_STRING = r'\s*:\s*"((?:[^"\\]|\\.)*)("?)'


def _time(parse: Callable[[str], float], when: str) -> float:
    try:
        return parse(when)
    except (ValueError, OverflowError, IndexError, KeyError):
        return 0.0


def _combined(line: str) -> HttpEvent | None:
    match = _COMBINED.match(line)
    if match is None:
        return None
    remote, user, when, method, path, query, request, status = match.groups()
    if method is None or "\\x" in match.group(0):
        if request is None:
            request = f"{method} {path}?{query}" if query is not None else f"{method} {path}"
        method, path, query = split_request(unescape_nginx(request))
    return HttpEvent(
        time=_time(parse_clf, when),
        remote=remote,
        method=method,
        path=path,
        query=query or "",
        status=int(status or 0),
        user="" if user == "-" else user,
    )


def _haproxy(line: str) -> HttpEvent | None:
    match = _HAPROXY.match(line)
    if match is None:
        return None
    remote, when, status, request = match.groups()
    method, path, query = split_request(request)
    code = 0 if status.startswith("-") else int(status)
    return HttpEvent(_time(parse_clf, when), remote.strip("[]"), method, path, query, code)


@functools.cache
def _key_pattern(key: str) -> re.Pattern[str]:
    return re.compile(r'[{,]\s*"' + re.escape(key) + '"' + _JSON_STRING)


def _json_key(line: str, key: str, end: int = -1) -> str | None:
    """The string value of the object's own key `key` (as far as the line goes when
    the bound cut it), found before `end` when given; None when absent."""
    match = _key_pattern(key).search(line)
    if match is None or (end >= 0 and match.start() > end):
        return None
    value, closed = match.groups()
    if not closed:  # cut: a trailing escape left whole
        value = re.sub(r"\\(?:u[0-9a-fA-F]{0,3})?$", "", value)
    try:
        decoded = orjson.loads(f'"{value}"')
    except orjson.JSONDecodeError:
        return None
    return decoded if isinstance(decoded, str) else None


@dataclass(frozen=True, slots=True)
class _JsonKeys:
    """Where a flat JSON format keeps the fields read from a first part."""

    address: str
    times: tuple[str, ...]
    method: str
    target: str

    def __call__(self, line: str) -> HttpEvent | None:
        remote = strip_port(_json_key(line, self.address) or "")
        if not remote:
            return None
        when = next((t for k in self.times if (t := _json_key(line, k))), "")
        path, query = split_target(_json_key(line, self.target) or "")
        method = _json_key(line, self.method) or ""
        return HttpEvent(_time(parse_iso, when), remote, method, path, query, 0)


def _modsecurity_json(line: str) -> HttpEvent | None:
    """The transaction's keys come before its request's (whose headers an attacker
    names): only a key found before `"request":` is the transaction's own."""
    if not line.startswith('{"transaction":'):
        return None
    request = line.find('"request":')
    request = len(line) if request < 0 else request
    remote = _json_key(line, "client_ip", request)
    if not remote:
        return None
    when = _time(parse_ctime, _json_key(line, "time_stamp", request) or "")
    method = _json_key(line, "method") or ""
    uri = _json_key(line, "uri") or ""
    method, path, query = split_request(f"{method} {uri}")
    return HttpEvent(when, remote, method, path, query, 0)


RECOVER: dict[str, Recover] = {
    "nginx": _combined,
    "ingress-nginx": _combined,
    "haproxy": _haproxy,
    "nginx-json": _JsonKeys("remote_addr", ("time",), "method", "uri"),
    "envoy-json": _JsonKeys("downstream_remote_address", ("start_time",), "method", "path"),
    "traefik-json": _JsonKeys("ClientHost", ("StartUTC", "time"), "RequestMethod", "RequestPath"),
    "modsecurity-json": _modsecurity_json,
}


def recover(format_name: str, first_part: str) -> HttpEvent | None:
    """The request an over-long line logged, from its first part; None when that part
    does not name the client."""
    found = RECOVER.get(format_name)
    return None if found is None else found(first_part)
