"""The log formats by name, and sniffing one from a file's first lines."""

from __future__ import annotations

from collections.abc import Iterable

from shieldwall.errors import UsageError
from shieldwall.runtime.sources.base import Parser
from shieldwall.runtime.sources.json_logs import (
    parse_envoy_json,
    parse_modsecurity_json,
    parse_nginx_json,
    parse_traefik_json,
)
from shieldwall.runtime.sources.k8s_audit import parse_k8s_audit
from shieldwall.runtime.sources.text_logs import (
    parse_envoy,
    parse_haproxy,
    parse_ingress_nginx,
    parse_nginx,
)

# Most specific first: sniffing keeps the first format that reads the most lines.
PARSERS: dict[str, Parser] = {
    p.name: p
    for p in (
        Parser("k8s-audit", parse_k8s_audit, "Kubernetes audit log, audit.k8s.io/v1 JSON lines"),
        Parser("modsecurity-json", parse_modsecurity_json, "ModSecurity JSON audit log"),
        Parser("nginx-json", parse_nginx_json, "shieldwall's JSON nginx log format"),
        Parser("envoy-json", parse_envoy_json, "Envoy JSON access log (Istio's keys)"),
        Parser("traefik-json", parse_traefik_json, "Traefik JSON access log"),
        Parser("ingress-nginx", parse_ingress_nginx, "ingress-nginx upstreaminfo"),
        Parser("nginx", parse_nginx, "nginx combined, optional $request_time"),
        Parser("envoy", parse_envoy, "Envoy default text access log"),
        Parser("haproxy", parse_haproxy, "HAProxy HTTP log (option httplog)"),
    )
}
_DAMAGED = (ValueError, KeyError, TypeError, IndexError, OverflowError)


def parser(name: str) -> Parser:
    try:
        return PARSERS[name]
    except KeyError:
        raise UsageError(
            f"unknown log format {name!r}",
            f"use one of: {', '.join(PARSERS)} (or leave it out to sniff it)",
        ) from None


def reads(p: Parser, line: str) -> bool:
    try:
        return p.parse(line) is not None
    except _DAMAGED:
        return False


def sniff(lines: Iterable[str]) -> Parser | None:
    """The format that reads the most of these lines (ties to the more specific)."""
    sample = [line for line in lines if line.strip()][:20]
    best: Parser | None = None
    best_count = 0
    for p in PARSERS.values():
        count = sum(reads(p, line) for line in sample)
        if count > best_count:
            best, best_count = p, count
    return best


def split_log_arg(arg: str) -> tuple[str, Parser | None]:
    """`PATH[:FORMAT]` -> (path, parser or None to sniff). A colon that is not
    followed by a format name is part of the path."""
    path, sep, name = arg.rpartition(":")
    if sep and path and name in PARSERS:
        return path, PARSERS[name]
    if sep and path and name and "/" not in name and name.replace("-", "").isalpha():
        parser(name)  # an unknown format name: say so rather than read "x.log:ngnix"
    return arg, None
