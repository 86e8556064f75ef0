"""Traffic between services, from configuration: plaintext service URLs,
database connections with TLS turned off, TLS verification disabled by
environment. Reads Kubernetes env, ConfigMaps, container args and compose
environment alike: one policy whatever the platform."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Severity
from shieldwall.sources.workloads import get_seq
from shieldwall.sources.yaml_tree import YMap, YSeq

_APPLIES = ("workload", "compose-service", "ConfigMap")

RULES = (
    config_rule(
        "NET-PLAINTEXT-URL",
        Control.ENCRYPTION,
        Severity.MEDIUM,
        "Service called over a plaintext protocol",
        "A URL such as http://, ws://, redis://, amqp:// or ldap:// sends requests, tokens and "
        "data between services in clear text; anyone on the network path (a compromised pod, "
        "a node, a misrouted packet) can read or change them.",
        "Use the TLS form (https://, wss://, rediss://, amqps://, ldaps://) or put the services "
        "in a mesh with STRICT mTLS.",
        _APPLIES,
        cwe=("CWE-319",),
        references=("https://owasp.org/Top10/A02_2021-Cryptographic_Failures/",),
    ),
    config_rule(
        "NET-DB-TLS-DISABLED",
        Control.ENCRYPTION,
        Severity.HIGH,
        "Database connection with TLS disabled",
        "`sslmode=disable`, `ssl=false`, `useSSL=false`, `tls=false` or similar make the "
        "application send credentials and query results to the database in clear text.",
        "Use `sslmode=verify-full` (PostgreSQL), `ssl-mode=VERIFY_IDENTITY` (MySQL), `tls=true` "
        "(MongoDB, Redis) with the server's CA.",
        _APPLIES,
        cwe=("CWE-319",),
        references=("https://www.postgresql.org/docs/current/libpq-ssl.html",),
    ),
    config_rule(
        "NET-TLS-VERIFY-DISABLED",
        Control.ENCRYPTION,
        Severity.HIGH,
        "TLS certificate verification disabled by configuration",
        "Variables such as NODE_TLS_REJECT_UNAUTHORIZED=0, PYTHONHTTPSVERIFY=0 or "
        "GIT_SSL_NO_VERIFY=true turn off certificate checks for every connection of the "
        "process: TLS then protects against nobody in the middle.",
        "Remove the variable and give the process the CA bundle it needs "
        "(SSL_CERT_FILE, REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS).",
        _APPLIES,
        cwe=("CWE-295",),
        references=("https://cwe.mitre.org/data/definitions/295.html",),
    ),
)

_PLAIN_URL = re.compile(
    r"\b(http|ws|redis|amqp|ldap|ftp|mqtt|nats|telnet)://"
    r"(?:[^\s:@/]+(?::[^\s@/]*)?@)?([A-Za-z0-9._-]+|\[[0-9a-fA-F:]+\])(?::(\d+))?"
)
_DB_TLS_OFF = re.compile(
    r"(?i)\b(sslmode=disable|sslmode=allow|ssl=false|ssl=0|usessl=false|"
    r"ssl-mode=disabled|sslmode=disabled|tls=false|tls=disable|"
    r"encrypt=false|requiressl=false|trustservercertificate=true|tlsinsecure=true|"
    r"tlsallowinvalidcertificates=true)\b"
)
_KEY = re.compile(r"\s*[A-Za-z_][A-Za-z0-9_.-]*\s*")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "[::1]", "::1"}  # noqa: S104 (a host name, not a bind)
_SCHEMA_HOSTS = re.compile(r"(^|\.)(w3\.org|xmlns\.com|purl\.org|schemas\.|example\.(com|org))")

# (variable name pattern, values that mean "verification off")
_VERIFY_OFF: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile(r"^NODE_TLS_REJECT_UNAUTHORIZED$"), frozenset({"0"})),
    (re.compile(r"^PYTHONHTTPSVERIFY$"), frozenset({"0"})),
    (
        re.compile(r"^(GIT_SSL_NO_VERIFY|CURL_INSECURE|[A-Z0-9_]*INSECURE_SKIP_VERIFY)$"),
        frozenset({"1", "true", "yes"}),
    ),
    (
        re.compile(r"^[A-Z0-9_]*(TLS|SSL)_(VERIFY|VERIFICATION|CERT_VERIFY|VERIFY_PEER)$"),
        frozenset({"0", "false", "no", "none", "off"}),
    ),
    (
        re.compile(r"^[A-Z0-9_]*(TLS|SSL)_(NO_VERIFY|SKIP_VERIFY|INSECURE)$"),
        frozenset({"1", "true", "yes", "on"}),
    ),
)


@dataclass(frozen=True, slots=True)
class _Value:
    """A configuration string and where it is written."""

    path: str
    resource: str
    name: str  # variable or key name ("" for args)
    text: str
    line: int
    key: str


def check(ctx: ConfigContext) -> Iterator[Hit]:
    internal = _internal_hosts(ctx)
    for value in _values(ctx):
        yield from _check_value(value, internal)


def _internal_hosts(ctx: ConfigContext) -> set[str]:
    hosts: set[str] = set()
    for svc in ctx.objects("Service"):
        hosts |= {svc.name, f"{svc.name}.{svc.namespace}"}
    for cf in ctx.inventory.compose:
        hosts |= set(cf.services)
    return hosts


def _is_internal(host: str, internal: set[str]) -> bool:
    host = host.lower()
    return (
        host in internal
        or "." not in host
        or host.endswith((".svc", ".svc.cluster.local", ".cluster.local", ".internal", ".local"))
    )


def _check_value(v: _Value, internal: set[str]) -> Iterator[Hit]:
    upper = v.name.upper()
    lowered = v.text.strip().lower()
    for pattern, values in _VERIFY_OFF:
        if pattern.match(upper) and lowered in values:
            yield Hit(
                "NET-TLS-VERIFY-DISABLED",
                v.path,
                v.line,
                v.resource,
                f"{v.name}={v.text.strip()} in {v.resource} turns TLS certificate verification off",
                f"{v.key}|verify",
            )
            break
    tls_off = _DB_TLS_OFF.search(v.text)
    if tls_off and ("://" in v.text or "=" in v.text):
        yield Hit(
            "NET-DB-TLS-DISABLED",
            v.path,
            v.line,
            v.resource,
            f"{v.name or 'a connection string'} in {v.resource} sets {tls_off.group(1)}: the "
            "database connection is not encrypted",
            f"{v.key}|db",
        )
    for match in _PLAIN_URL.finditer(v.text):
        scheme, host = match.group(1), match.group(2)
        if host.lower() in _LOCAL_HOSTS or _SCHEMA_HOSTS.search(host.lower()):
            continue
        where = "internal service" if _is_internal(host, internal) else "host"
        yield Hit(
            "NET-PLAINTEXT-URL",
            v.path,
            v.line,
            v.resource,
            f"{v.name or 'argument'} in {v.resource} calls {where} {host!r} over {scheme}:// "
            "(plaintext)",
            f"{v.key}|{scheme}://{host}",
        )


def _values(ctx: ConfigContext) -> Iterator[_Value]:
    for w in ctx.workloads:
        for c in w.containers():
            for item in get_seq(c.body, "env"):
                if isinstance(item, YMap) and isinstance(item.get("value"), (str, int, bool)):
                    name = str(item.get("name", ""))
                    yield _Value(
                        w.path,
                        w.id,
                        name,
                        _text(item["value"]),
                        item.line_of("value"),
                        f"{c.key}.env[{name}]",
                    )
            for field in ("command", "args"):
                seq = c.body.get(field)
                if isinstance(seq, YSeq):
                    for i, arg in enumerate(seq):
                        if isinstance(arg, str):
                            yield _Value(
                                w.path,
                                w.id,
                                _flag_name(arg),
                                _flag_value(arg),
                                seq.line_of(i),
                                f"{c.key}.{field}[{i}]",
                            )
    for cm in ctx.objects("ConfigMap"):
        data = cm.body.get("data")
        if isinstance(data, YMap):
            for key, value in data.items():
                if isinstance(value, str):
                    yield from _block_values(cm.path, cm.id, str(key), value, data.line_of(key))
    for cf in ctx.inventory.compose:
        for name, svc in cf.services.items():
            sid = cf.service_id(name)
            env = svc.get("environment")
            if isinstance(env, YMap):
                for k, val in env.items():
                    if val is not None:
                        yield _Value(
                            cf.path, sid, str(k), _text(val), env.line_of(k), f"environment[{k}]"
                        )
            elif isinstance(env, YSeq):
                for i, item in enumerate(env):
                    if isinstance(item, str) and "=" in item:
                        k, _, val = item.partition("=")
                        yield _Value(
                            cf.path,
                            sid,
                            k.strip(),
                            val,
                            env.line_of(i),
                            f"environment[{k.strip()}]",
                        )
            cmd = svc.get("command")
            if isinstance(cmd, str):
                yield _Value(cf.path, sid, "", cmd, svc.line_of("command"), "command")
            elif isinstance(cmd, YSeq):
                for i, arg in enumerate(cmd):
                    if isinstance(arg, str):
                        yield _Value(
                            cf.path,
                            sid,
                            _flag_name(arg),
                            _flag_value(arg),
                            cmd.line_of(i),
                            f"command[{i}]",
                        )


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _flag_name(arg: str) -> str:
    if arg.startswith("-") and "=" in arg:
        return arg.lstrip("-").split("=", 1)[0].replace("-", "_").upper()
    return ""


def _flag_value(arg: str) -> str:
    return arg.split("=", 1)[1] if arg.startswith("-") and "=" in arg else arg


def _block_values(
    path: str, resource: str, key: str, value: str, key_line: int
) -> Iterator[_Value]:
    """A ConfigMap value, line by line (block scalars start on the line after the key)."""
    lines = value.splitlines()
    if len(lines) <= 1:
        yield _Value(path, resource, key, value.strip(), key_line, f"data[{key}]")
        return
    for i, text in enumerate(lines, start=1):
        var, val = key, text
        for sep in ("=", ":"):
            name, found, rest = text.partition(sep)
            if found and _KEY.fullmatch(name) and not rest.startswith("//"):
                var, val = name.strip(), rest
                break
        yield _Value(path, resource, var, val.strip(), key_line + i, f"data[{key}]:{var}")
