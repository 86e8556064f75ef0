"""Line formats: nginx combined, ingress-nginx upstreaminfo, Envoy's default, HAProxy HTTP."""

from __future__ import annotations

import re

from shieldwall.runtime.events import HttpEvent
from shieldwall.runtime.sources.base import (
    dash,
    split_request,
    split_target,
    strip_port,
    unescape_nginx,
)
from shieldwall.runtime.sources.timefmt import TimeCache, parse_clf, parse_iso

# $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
# "$http_referer" "$http_user_agent", then optionally "$http_x_forwarded_for"
# and/or $request_time.
# The request line is split by the expression when it is a plain one
# (groups 4-6: method, path, query), else kept whole (group 7). An optional part
# is spelled `(?:X|)`, not `(?:X)?`: the same matches, tried in the same order,
# found sooner by Python's engine.
_REQUEST = r'"(?:([A-Z]{1,20}) ([^ "?]*)(?:\?([^ "]*)|) HTTP/[0-9.]{1,3}|([^"]*))"'
_NGINX = re.compile(
    r"(\S+) \S+ (\S+) \[([^\]]+)\] " + _REQUEST + r' (\d{3}) (?:\d+|-) "([^"]*)" "([^"]*)"'
    r'(?: "([^"]*)"|)(?: (?:\d+(?:\.\d+|)|-)|)\s*'
)
# ingress-nginx upstreaminfo: combined, then $request_length $request_time
# [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr ...
_INGRESS = re.compile(
    r"(\S+) - (\S+) \[([^\]]+)\] " + _REQUEST + r' (\d{3}) (?:\d+|-) "([^"]*)" "([^"]*)" '
    r"\d+ (?:\d+(?:\.\d+)?|-) \[([^\]]*)\] \[[^\]]*\] .*"
)
_clf_time = TimeCache(parse_clf)
_clf_known = _clf_time.known  # the cache itself (cleared in place), read without a call
_new = tuple.__new__
assert len(HttpEvent._fields) == 13, "_combined gives every field of HttpEvent"
_iso_time = TimeCache(parse_iso)


def _combined(match: re.Match[str], xff_logged: bool) -> HttpEvent:
    """A combined line's event (nginx's, or ingress-nginx's whose group 11 is not
    X-Forwarded-For)."""
    remote, user, when, method, path, query, request, status, referer, agent, last = match.groups()
    if method is None or "\\" in match.string:  # a request line split by hand, or escapes
        method, path, query, referer, agent = _unescaped(
            method, path, query, request, referer, agent
        )
    at = _clf_known.get(when)
    if at is None:
        at = _clf_time(when)
    return _new(  # every field given: a plain tuple's constructor, without the defaults' call
        HttpEvent,
        (
            at,
            remote,
            method,
            path,
            query or "",
            int(status),
            "" if agent == "-" else agent,
            "" if referer == "-" else referer,
            last if xff_logged and last is not None and last != "-" else "",
            "" if user == "-" else user,
            "",
            "",
            (),
        ),
    )


def _unescaped(
    method: str | None, path: str, query: str | None, request: str | None, referer: str, agent: str
) -> tuple[str, str, str, str, str]:
    """nginx's `\\xHH` escapes given back; a request line the expression kept whole, split."""
    if method is None or "\\x" in path or (query and "\\x" in query):
        if request is None:
            request = f"{method} {path}?{query}" if query is not None else f"{method} {path}"
        method, path, query = split_request(unescape_nginx(request))
    if "\\x" in agent:
        agent = unescape_nginx(agent)
    if "\\x" in referer:
        referer = unescape_nginx(referer)
    return method, path, query or "", referer, agent


def parse_nginx(line: str) -> HttpEvent | None:
    match = _NGINX.fullmatch(line)
    return None if match is None else _combined(match, True)


def parse_ingress_nginx(line: str) -> HttpEvent | None:
    match = _INGRESS.fullmatch(line)
    if match is None:
        return None
    event = _combined(match, False)
    upstream = match.group(11)
    return event._replace(host=upstream) if upstream else event


# [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%"
# %RESPONSE_CODE% %RESPONSE_FLAGS% ... "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
# "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" [istio's tail:
# %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS%
# %DOWNSTREAM_REMOTE_ADDRESS% ...]
_ENVOY = re.compile(r'\[([^\]]+)\] "(\S+) (\S*) ([^"]*)" (\d{3}|0) (.*)')
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


def parse_envoy(line: str) -> HttpEvent | None:
    match = _ENVOY.fullmatch(line)
    if match is None:
        return None
    when, method, target, _protocol, status, rest = match.groups()
    tokens = [(m.group(1) is not None, m.group(1) or m.group(2)) for m in _TOKEN.finditer(rest)]
    last_quoted = max((i for i, (quoted, _) in enumerate(tokens) if quoted), default=-1)
    if last_quoted < 4:
        return None
    xff, agent, _request_id, authority, _upstream = (v for _, v in tokens[last_quoted - 4 :][:5])
    tail = [v for _, v in tokens[last_quoted + 1 :]]
    if len(tail) >= 4 and tail[3] != "-":
        remote = strip_port(tail[3])  # DOWNSTREAM_REMOTE_ADDRESS (istio)
    else:  # Envoy appended its peer to X-Forwarded-For
        remote = dash(xff).rpartition(",")[2].strip() or "-"
    path, query = split_target(target)
    return HttpEvent(
        time=_iso_time(when),
        remote=remote,
        method=method,
        path=path,
        query=query,
        status=int(status),
        user_agent=dash(agent),
        xff=dash(xff),
        host=dash(authority),
    )


# [syslog prefix] haproxy[pid]: ip:port [accept_date] frontend backend/server
# Tq/Tw/Tc/Tr/Ta status bytes cookie cookie state conns queues {req hdrs} {resp hdrs} "request"
_HAPROXY = re.compile(
    r"(?:.*?haproxy\[\d+\]: )?(\S+):\d+ \[([^\]]+)\] \S+ \S+ \S+ (-?\d{1,3}) \S+ \S+ \S+ \S+ "
    r'\S+ \S+(?: \{([^}]*)\})?(?: \{[^}]*\})? "([^"]*)"?\s*'
)


def parse_haproxy(line: str) -> HttpEvent | None:
    match = _HAPROXY.fullmatch(line)
    if match is None:
        return None
    remote, when, status, captured, request = match.groups()
    method, path, query = split_request(request)
    headers = (captured or "").split("|")
    agent = max(headers, key=len) if len(headers) > 1 else ""
    return HttpEvent(
        time=_clf_time(when),
        remote=remote.strip("[]"),
        method=method,
        path=path,
        query=query,
        status=int(status) if not status.startswith("-") else 0,
        user_agent=agent,
    )
