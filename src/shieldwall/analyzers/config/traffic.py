"""Traffic between services, from configuration: plaintext service URLs,
database connections with TLS turned off, TLS verification disabled by
environment. Reads Kubernetes env, ConfigMaps, container args and compose
environment alike: one policy whatever the platform."""

from __future__ import annotations

import re
from collections.abc import Iterator

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.system.links import addresses, known_protocol
from shieldwall.system.services import mapped_links
from shieldwall.system.values import (
    ConfigValue,
    compose_values,
    configmap_values,
    container_values,
)

_APPLIES = ("workload", "compose-service", "ConfigMap")

NET_PLAINTEXT_URL = config_rule(
    id="NET-PLAINTEXT-URL",
    control=Control.ENCRYPTION,
    severity=Severity.MEDIUM,
    title="Service called over a plaintext protocol",
    description=(
        "A URL such as http://, ws://, redis://, amqp:// or ldap:// sends requests, tokens and "
        "data between services in clear text; anyone on the network path (a compromised pod, "
        "a node, a misrouted packet) can read or change them. Reported here for hosts outside "
        "the deployment unit; a link to a workload of the unit is TOPO-PLAINTEXT-EDGE's, which "
        "also knows whether the network lets it through and whether a mesh encrypts it."
    ),
    remediation=(
        "Use the TLS form (https://, wss://, rediss://, amqps://, ldaps://) or put the services "
        "in a mesh with STRICT mTLS."
    ),
    applies_to=_APPLIES,
    cwe=("CWE-319",),
    references=("https://owasp.org/Top10/A02_2021-Cryptographic_Failures/",),
)
NET_DB_TLS_DISABLED = config_rule(
    id="NET-DB-TLS-DISABLED",
    control=Control.ENCRYPTION,
    severity=Severity.HIGH,
    title="Database connection with TLS disabled",
    description=(
        "`sslmode=disable`, `ssl=false`, `useSSL=false`, `tls=false` or similar make the "
        "application send credentials and query results to the database in clear text."
    ),
    remediation=(
        "Use `sslmode=verify-full` (PostgreSQL), `ssl-mode=VERIFY_IDENTITY` (MySQL), `tls=true` "
        "(MongoDB, Redis) with the server's CA."
    ),
    applies_to=_APPLIES,
    cwe=("CWE-319",),
    references=("https://www.postgresql.org/docs/current/libpq-ssl.html",),
)
NET_TLS_VERIFY_DISABLED = config_rule(
    id="NET-TLS-VERIFY-DISABLED",
    control=Control.ENCRYPTION,
    severity=Severity.HIGH,
    title="TLS certificate verification disabled by configuration",
    description=(
        "Variables such as NODE_TLS_REJECT_UNAUTHORIZED=0, PYTHONHTTPSVERIFY=0 or "
        "GIT_SSL_NO_VERIFY=true turn off certificate checks for every connection of the "
        "process: TLS then protects against nobody in the middle."
    ),
    remediation=(
        "Remove the variable and give the process the CA bundle it needs "
        "(SSL_CERT_FILE, REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS)."
    ),
    applies_to=_APPLIES,
    cwe=("CWE-295",),
    references=("https://cwe.mitre.org/data/definitions/295.html",),
)
RULES: tuple[Rule, ...] = (
    NET_PLAINTEXT_URL,
    NET_DB_TLS_DISABLED,
    NET_TLS_VERIFY_DISABLED,
)

_DB_TLS_OFF = re.compile(
    r"(?i)\b(sslmode=disable|sslmode=allow|ssl=false|ssl=0|usessl=false|"
    r"ssl-mode=disabled|sslmode=disabled|tls=false|tls=disable|"
    r"encrypt=false|requiressl=false|trustservercertificate=true|tlsinsecure=true|"
    r"tlsallowinvalidcertificates=true)\b"
)
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


def check(ctx: ConfigContext) -> Iterator[Hit]:
    internal = _internal_hosts(ctx)
    values = list(_values(ctx))
    # Links to a workload of the unit are the topology analyzer's (TOPO-PLAINTEXT-EDGE):
    # it knows whether the network lets them through and whether a mesh encrypts them.
    mapped = mapped_links(ctx.inventory, ctx.workloads, values)
    for value in values:
        yield from _check_value(value, internal, mapped)


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


def _check_value(v: ConfigValue, internal: set[str], mapped: set[tuple[str, str]]) -> Iterator[Hit]:
    upper = v.name.upper()
    lowered = v.text.strip().lower()
    for pattern, values in _VERIFY_OFF:
        if pattern.match(upper) and lowered in values:
            yield Hit(
                NET_TLS_VERIFY_DISABLED,
                v.path,
                v.line,
                v.owner,
                f"{v.name}={v.text.strip()} in {v.owner} turns TLS certificate verification off",
                f"{v.key}|verify",
            )
            break
    tls_off = _DB_TLS_OFF.search(v.text)
    if tls_off and ("://" in v.text or "=" in v.text):
        yield Hit(
            NET_DB_TLS_DISABLED,
            v.path,
            v.line,
            v.owner,
            f"{v.name or 'a connection string'} in {v.owner} sets {tls_off.group(1)}: the "
            "database connection is not encrypted",
            f"{v.key}|db",
        )
    for addr in addresses(v.name, v.text):
        host = addr.host
        if (
            not addr.scheme
            or addr.encrypted
            or not known_protocol(addr.scheme)
            or host in _LOCAL_HOSTS
            or host.startswith("$")  # `${DB_HOST}`: which host is not written here
            or _SCHEMA_HOSTS.search(host)
            or (v.owner, host) in mapped
        ):
            continue
        where = "internal service" if _is_internal(host, internal) else "host"
        yield Hit(
            NET_PLAINTEXT_URL,
            v.path,
            v.line,
            v.owner,
            f"{v.name or 'argument'} in {v.owner} calls {where} {host!r} over {addr.scheme}:// "
            "(plaintext)",
            f"{v.key}|{addr.scheme}://{host}",
        )


def _values(ctx: ConfigContext) -> Iterator[ConfigValue]:
    for w in ctx.workloads:
        yield from container_values(w)
    for cm in ctx.objects("ConfigMap"):
        yield from configmap_values(cm)
    for cf in ctx.inventory.compose:
        for name, svc in cf.services.items():
            yield from compose_values(cf, name, svc)
