"""The endpoint a gateway asks before every request (nginx `auth_request`):
204 when the client address is under no active ban, 403 when it is.

The client address comes in a header the gateway sets (`X-Real-IP` by default);
the endpoint must be reachable only by the gateway, which is why it listens on
loopback unless told otherwise. A request without a usable address is refused.
Captcha and throttle decisions, and simulated ones, let requests through: a
gateway can only allow or refuse.

An exact address is looked up in the store (indexed) on each request; decisions
on networks are read again at most once a `refresh` seconds, so a new ban takes
effect within that time."""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from shieldwall.runtime.decisions import Decision
from shieldwall.runtime.store import DecisionStore

AUTH_PATH = "/v1/gateway/auth"
HEALTH_PATH = "/healthz"
DEFAULT_HEADER = "X-Real-IP"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _enforced(decision: Decision) -> bool:
    return decision.type == "ban" and not decision.simulated


class Gatekeeper:
    """Is an address banned? Thread-safe over one store."""

    def __init__(
        self,
        store: DecisionStore,
        refresh: float = 1.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._refresh = refresh
        self._clock = clock
        self._lock = threading.Lock()
        self._networks: list[tuple[Network, float]] = []
        self._loaded_at = float("-inf")

    def _load_networks(self, now: float) -> None:
        found: list[tuple[Network, float]] = []
        for decision in self._store.active_networks(now):
            if not _enforced(decision):
                continue
            try:
                found.append((ipaddress.ip_network(decision.value, strict=False), decision.until))
            except ValueError:
                continue  # not a network: the exact lookup covers it
        self._networks = found
        self._loaded_at = now

    def banned(self, address: str) -> bool:
        try:
            ip: Address = ipaddress.ip_address(address.strip())
        except ValueError:
            return True  # no usable client address: refuse
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        now = self._clock()
        with self._lock:
            exact = self._store.active(now, value=str(ip))
            if now - self._loaded_at >= self._refresh:
                self._load_networks(now)
            networks = self._networks
        if any(_enforced(d) for d in exact):
            return True
        return any(ip in net and now < until for net, until in networks)


def handler_for(gatekeeper: Gatekeeper, header: str) -> type[BaseHTTPRequestHandler]:
    class AuthHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # nginx keeps the connection alive
        disable_nagle_algorithm = True
        server_version = "shieldwall"
        sys_version = ""

        def log_message(self, format: str, *args: object) -> None:
            pass  # one line per request would double the gateway's own log

        def _answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            path = self.path.partition("?")[0]
            if path == HEALTH_PATH:
                self._answer(204)
            elif path != AUTH_PATH:
                self._answer(404)
            else:
                self._answer(403 if gatekeeper.banned(self.headers.get(header, "")) else 204)

        do_HEAD = do_GET

    return AuthHandler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A gateway dropping a kept-alive connection is no error; others are not
        printed either (the gateway sees them as failed checks)."""


def auth_server(
    store: DecisionStore, host: str, port: int, header: str = DEFAULT_HEADER, refresh: float = 1.0
) -> ThreadingHTTPServer:
    """A server (not yet serving) answering GET AUTH_PATH with 204 or 403."""
    return _Server((host, port), handler_for(Gatekeeper(store, refresh), header))
