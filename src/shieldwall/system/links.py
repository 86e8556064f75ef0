"""Service addresses written in configuration: URLs (`http://orders:8080`,
`postgres://db/...`, `redis://cache`), `host:port` pairs and bare host names in
variables named like an address. Each tells that one service talks to another,
on which port, and whether the protocol encrypts.

This is the one definition of an encrypted link (`Address.encrypted`): a scheme
that always runs over TLS, or a database URL whose parameters turn TLS on.
Everything else carries plaintext unless a mesh enforces mTLS on the
destination (`system/services.py`, `Mesh.mtls`). The topology analyzer reports
the links it can follow to a workload of the unit; the config analyzer the URLs
of a known protocol to anything else."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Schemes that always run over TLS.
TLS_SCHEMES = frozenset(
    {
        "https",
        "wss",
        "rediss",
        "amqps",
        "ldaps",
        "grpcs",
        "mqtts",
        "ftps",
        "tls",
        "ssl",
        "nats+tls",
        "mongodb+srv",
        "kafka+ssl",
        "h2",
    }
)
# Database schemes whose encryption depends on parameters.
DB_SCHEMES = frozenset(
    {"postgres", "postgresql", "mysql", "mariadb", "mongodb", "sqlserver", "mssql", "cockroachdb"}
)
DEFAULT_PORTS = {
    "http": 80,
    "https": 443,
    "ws": 80,
    "wss": 443,
    "grpc": 80,
    "grpcs": 443,
    "redis": 6379,
    "rediss": 6379,
    "postgres": 5432,
    "postgresql": 5432,
    "mysql": 3306,
    "mariadb": 3306,
    "mongodb": 27017,
    "amqp": 5672,
    "amqps": 5671,
    "nats": 4222,
    "mqtt": 1883,
    "mqtts": 8883,
    "ldap": 389,
    "ldaps": 636,
    "memcached": 11211,
    "kafka": 9092,
    "elasticsearch": 9200,
    "cassandra": 9042,
    "sqlserver": 1433,
    "mssql": 1433,
}
_TLS_ON_PARAM = re.compile(
    r"(?i)[?&;](sslmode=(require|verify-ca|verify-full)|ssl=(true|1)|tls=(true|1)"
    r"|usessl=true|ssl-mode=(required|verify_ca|verify_identity)|encrypt=true)\b"
)
_URL = re.compile(
    r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*)://"
    r"(?:[^\s/@'\"]*@)?"
    r"([A-Za-z0-9_-][A-Za-z0-9._-]*|\$\{[A-Za-z_][A-Za-z0-9_]*\})(?::(\d{1,5}))?"
    r"([^\s'\"]*)"
)
_HOST_PORT = re.compile(r"(?<![\w./:@-])([A-Za-z][A-Za-z0-9._-]*):(\d{2,5})(?![\w.])")
_ADDRESS_NAME = re.compile(r"(?i)(HOST|ADDR|ADDRESS|SERVER|SERVICE|ENDPOINT|URL|URI|DSN)S?$")
_HOSTNAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


@dataclass(frozen=True, slots=True)
class Address:
    host: str
    port: int | None
    scheme: str  # "" when the value names no protocol
    encrypted: bool
    text: str  # the matched text, for the evidence (never a whole value: it may hold a secret)


def known_protocol(scheme: str) -> bool:
    """A network protocol whose encryption the scheme tells (not `s3://`, `file://`)."""
    return scheme in DEFAULT_PORTS or scheme in TLS_SCHEMES or scheme in _OTHER_PROTOCOLS


_OTHER_PROTOCOLS = frozenset({"ftp", "telnet", "smtp", "imap", "pop3", "rtsp"})


def addresses(name: str, value: str) -> Iterator[Address]:
    """The service addresses in one configuration value (variable `name`)."""
    seen: set[tuple[int, int]] = set()
    for m in _URL.finditer(value):
        seen.add(m.span())
        scheme = m.group(1).lower()
        host = m.group(2).lower()
        port = int(m.group(3)) if m.group(3) else DEFAULT_PORTS.get(scheme)
        rest = m.group(4) or ""
        encrypted = scheme in TLS_SCHEMES or (
            scheme in DB_SCHEMES and bool(_TLS_ON_PARAM.search(rest))
        )
        yield Address(host, port, scheme, encrypted, f"{scheme}://{host}" + _port(m.group(3)))
    for m in _HOST_PORT.finditer(value):
        if any(a <= m.start() < b for a, b in seen):
            continue
        host = m.group(1).lower().rstrip(".")
        yield Address(host, int(m.group(2)), "", False, f"{host}:{m.group(2)}")
    bare = value.strip().lower()
    if (
        bare
        and _ADDRESS_NAME.search(name)
        and _HOSTNAME.match(bare)
        and not bare.isdigit()
        and not seen
    ):
        yield Address(bare, None, "", False, bare)


def _port(text: str | None) -> str:
    return f":{text}" if text else ""
