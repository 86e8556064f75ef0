"""What a log line says, once parsed: an HTTP request or a Kubernetes audit event."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple


class HttpEvent(NamedTuple):
    """One request as a gateway logged it. `remote` is the peer address the log
    gives; the client is decided later (trusted proxies). A named tuple, not a
    dataclass: one is made per log line, and a tuple is built several times faster."""

    time: float  # seconds since the epoch, from the log
    remote: str
    method: str
    path: str  # without the query string, still encoded as logged
    query: str  # after `?`, still encoded; "" when none
    status: int
    user_agent: str = ""
    referer: str = ""
    xff: str = ""
    user: str = ""  # the user name when the log has one
    body: str = ""  # only sources that log bodies (ModSecurity)
    host: str = ""
    # Other request headers where the source logs them (ModSecurity): lower-cased
    # names, Cookie and Content-Type included.
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def request(self) -> str:
        target = f"{self.path}?{self.query}" if self.query else self.path
        return f"{self.method} {target}"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One Kubernetes API request (`audit.k8s.io/v1` Event, stage ResponseComplete)."""

    time: float
    user: str
    groups: tuple[str, ...]
    verb: str
    resource: str
    subresource: str
    namespace: str
    name: str
    code: int
    source_ips: tuple[str, ...] = ()
    request_object: dict[str, Any] | None = field(default=None, compare=False)
    uri: str = ""
    # The object as stored after the request (audit level RequestResponse).
    response_object: dict[str, Any] | None = field(default=None, compare=False)
