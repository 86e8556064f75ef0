"""JSON line formats: shieldwall's nginx-json, Envoy JSON, Traefik JSON, ModSecurity audit."""

from __future__ import annotations

from typing import Any

import orjson

from shieldwall.runtime.events import HttpEvent
from shieldwall.runtime.sources.base import (
    dash,
    int_or,
    split_request,
    split_target,
    strip_port,
    text,
)
from shieldwall.runtime.sources.timefmt import TimeCache, parse_ctime, parse_iso

_iso_time = TimeCache(parse_iso)
_ctime = TimeCache(parse_ctime)


def load_object(line: str) -> dict[str, Any] | None:
    """One JSON object per line; anything else (a list, a number, broken JSON) is None."""
    if not line.startswith("{"):
        return None
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def parse_nginx_json(line: str) -> HttpEvent | None:
    data = load_object(line)
    if data is None or "remote_addr" not in data or "uri" not in data:
        return None
    path, query = split_target(text(data["uri"]))
    return HttpEvent(
        time=_iso_time(text(data.get("time"))),
        remote=text(data["remote_addr"]),
        method=text(data.get("method")),
        path=path,
        query=query,
        status=int_or(data.get("status")),
        user_agent=text(data.get("user_agent")),
        referer=text(data.get("referer")),
        xff=text(data.get("xff")),
        user=dash(text(data.get("user"))),
        host=text(data.get("host")),
    )


def parse_envoy_json(line: str) -> HttpEvent | None:
    data = load_object(line)
    if data is None or "start_time" not in data or "response_code" not in data:
        return None
    xff = dash(text(data.get("x_forwarded_for")))
    remote = strip_port(text(data.get("downstream_remote_address")))
    if not remote:
        remote = xff.rpartition(",")[2].strip() or "-"
    path, query = split_target(text(data.get("path")))
    return HttpEvent(
        time=_iso_time(text(data["start_time"])),
        remote=remote,
        method=text(data.get("method")),
        path=path,
        query=query,
        status=int_or(data.get("response_code")),
        user_agent=dash(text(data.get("user_agent"))),
        referer=dash(text(data.get("referer"))),
        xff=xff,
        host=dash(text(data.get("authority"))),
    )


def parse_traefik_json(line: str) -> HttpEvent | None:
    data = load_object(line)
    if data is None or "ClientHost" not in data or "RequestMethod" not in data:
        return None
    path, query = split_target(text(data.get("RequestPath")))
    when = text(data.get("StartUTC")) or text(data.get("time"))
    return HttpEvent(
        time=_iso_time(when),
        remote=text(data["ClientHost"]),
        method=text(data["RequestMethod"]),
        path=path,
        query=query,
        status=int_or(data.get("DownstreamStatus")),
        user_agent=text(data.get("request_User-Agent")),
        referer=text(data.get("request_Referer")),
        xff=text(data.get("request_X-Forwarded-For")),
        user=dash(text(data.get("ClientUsername"))),
        host=text(data.get("RequestHost")),
    )


def _header(headers: dict[str, Any], name: str) -> str:
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == name:
            return text(value)
    return ""


# Headers the event carries as fields of their own, or that say nothing about a payload.
_OWN_HEADERS = frozenset(
    {"user-agent", "referer", "x-forwarded-for", "host", "content-length", "connection"}
)


def _other_headers(headers: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    out = []
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() not in _OWN_HEADERS:
            out.append((key.lower(), text(value)[:8192]))
    return tuple(out[:64])


def parse_modsecurity_json(line: str) -> HttpEvent | None:
    data = load_object(line)
    transaction = data.get("transaction") if data else None
    if not isinstance(transaction, dict):
        return None
    request = transaction.get("request")
    request = request if isinstance(request, dict) else {}
    response = transaction.get("response")
    response = response if isinstance(response, dict) else {}
    headers = request.get("headers")
    headers = headers if isinstance(headers, dict) else {}
    method, path, query = split_request(f"{text(request.get('method'))} {text(request.get('uri'))}")
    return HttpEvent(
        time=_ctime(text(transaction.get("time_stamp"))),
        remote=text(transaction.get("client_ip")),
        method=method,
        path=path,
        query=query,
        status=int_or(response.get("http_code")),
        user_agent=_header(headers, "user-agent"),
        referer=_header(headers, "referer"),
        xff=_header(headers, "x-forwarded-for"),
        body=text(request.get("body"))[:65536],
        host=_header(headers, "host"),
        headers=_other_headers(headers),
    )
