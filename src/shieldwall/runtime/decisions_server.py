"""`shieldwall decisions serve`: one HTTP listener for gateways, bouncers and admins.

    GET  /healthz                      204
    GET  /v1/gateway/auth              204 / 403 for the address in a trusted header (no key)
    GET  /v1/decisions                 bouncer or admin key (X-Api-Key): the LAPI lookup
    GET  /v1/decisions/stream          bouncer or admin key: new and deleted since the last pull
    POST /v1/admin/decisions           admin key: add a decision (JSON body)
    DELETE /v1/admin/decisions/ID      admin key: delete one decision
    DELETE /v1/admin/decisions?ip=IP   admin key: delete the active decisions on IP

A request without a key, with an unknown or deleted key, or with a bouncer key
on an admin path gets 403 `{"message": "access forbidden"}`, as from the LAPI.
Nothing is logged per request, and no answer repeats a key."""

from __future__ import annotations

import ipaddress
import ssl
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import orjson

from shieldwall.errors import UsageError
from shieldwall.runtime.auth_endpoint import AUTH_PATH, HEALTH_PATH
from shieldwall.runtime.bouncer_keys import Bouncer
from shieldwall.runtime.lapi import BadQuery, DecisionsAPI, decision_json

DECISIONS_PATH = "/v1/decisions"
STREAM_PATH = "/v1/decisions/stream"
ADMIN_PATH = "/v1/admin/decisions"
MAX_BODY = 64 * 1024
_FORBIDDEN = {"message": "access forbidden"}


def _value(text: str) -> str:
    """An address or range as the store writes it (203.0.113.7, 198.51.100.0/24)."""
    try:
        net = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise BadQuery(f"{text[:64]!r} is not an IP address or CIDR range") from None
    return str(net.network_address) if net.num_addresses == 1 else str(net)


class _Handler(BaseHTTPRequestHandler):
    api: DecisionsAPI
    header: str
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "shieldwall"
    sys_version = ""
    timeout = 30  # a client that stops sending lets go of its thread

    def log_message(self, format: str, *args: object) -> None:
        pass  # no request log: it would hold addresses and, on errors, headers

    def _send(self, status: int, body: object = None, head: bool = False) -> None:
        data = b"" if body is None and status == 204 else orjson.dumps(body)
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head and status != 204:
            self.wfile.write(data)

    def _parts(self) -> tuple[str, dict[str, str]]:
        split = urlsplit(self.path)
        return split.path.rstrip("/") or "/", dict(parse_qsl(split.query))

    def _key(self, admin: bool, fresh: bool = False) -> Bouncer | None:
        bouncer = self.api.keys.find(self.headers.get("X-Api-Key"), fresh)
        if bouncer is None or (admin and not bouncer.admin):
            self.close_connection = True  # a body sent with it is left unread
            self._send(403, _FORBIDDEN)
            return None
        return bouncer

    def _get(self, head: bool) -> None:
        path, query = self._parts()
        if path == HEALTH_PATH:
            self._send(204)
        elif path == AUTH_PATH:
            self._send(403 if self.api.banned(self.headers.get(self.header, "")) else 204)
        elif path in (DECISIONS_PATH, STREAM_PATH):
            bouncer = self._key(admin=False, fresh=path == STREAM_PATH)
            if bouncer is None:
                return
            try:
                if path == DECISIONS_PATH:
                    self._send(200, self.api.lookup(query), head)
                else:
                    agent = self.headers.get("User-Agent", "")
                    found = self.api.stream(bouncer, query, self.client_address[0], agent)
                    self._send(200, found, head)
            except BadQuery as exc:
                self._send(400, {"message": str(exc)}, head)
        else:
            self._send(404, {"message": "not found"}, head)

    def do_GET(self) -> None:
        self._get(head=False)

    def do_HEAD(self) -> None:
        self._get(head=True)

    def _body(self) -> object:
        text = self.headers.get("Content-Length") or "0"
        length = int(text) if text.isdigit() else 0
        if not 0 < length <= MAX_BODY:
            raise BadQuery(f"a JSON body of 1 to {MAX_BODY} bytes")
        try:
            return orjson.loads(self.rfile.read(length))
        except orjson.JSONDecodeError:
            raise BadQuery("the body is not JSON") from None

    def do_POST(self) -> None:
        path, _ = self._parts()
        if path != ADMIN_PATH:
            self.close_connection = True
            self._send(404, {"message": "not found"})
        elif self._key(admin=True) is not None:
            try:
                made = self.api.add(self._body())
            except BadQuery as exc:
                self.close_connection = True  # the body may be left unread
                self._send(400, {"message": str(exc)})
                return
            self._send(201, {**decision_json(made, self.api.clock()), "reason": made.reason})

    def do_DELETE(self) -> None:
        path, query = self._parts()
        if not path.startswith(ADMIN_PATH):
            self._send(404, {"message": "not found"})
        elif self._key(admin=True) is not None:
            tail = path[len(ADMIN_PATH) :].strip("/")
            try:
                if tail.isdigit():
                    count = self.api.delete(id=int(tail))
                elif not tail and (query.get("ip") or query.get("value")):
                    count = self.api.delete(value=_value(query.get("ip") or query["value"]))
                else:
                    raise BadQuery("delete /v1/admin/decisions/ID or ?ip=ADDRESS")
            except BadQuery as exc:
                self._send(400, {"message": str(exc)})
                return
            self._send(200, {"deleted": count})


def handler_for(api: DecisionsAPI, header: str) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_Handler,), {"api": api, "header": header})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # the accept queue: bouncers and gateway workers connecting at once are
    # queued, not refused (a refused SYN is retried a second later)
    request_queue_size = 1024

    def handle_error(self, request: object, client_address: object) -> None:
        """A client dropping its connection is no error worth a traceback."""


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(str(cert), str(key))
    except (OSError, ssl.SSLError) as exc:
        raise UsageError(
            f"--tls-cert {cert} / --tls-key {key}: {exc}",
            "give a PEM certificate (chain) and its private key",
        ) from None
    return context


def decisions_server(
    api: DecisionsAPI,
    host: str,
    port: int,
    header: str = "X-Real-IP",
    tls: ssl.SSLContext | None = None,
) -> ThreadingHTTPServer:
    """A server (not yet serving) for gateways, bouncers and admins over `api`."""
    server = _Server((host, port), handler_for(api, header))
    if tls is not None:  # the handshake happens in the request's thread, not in accept()
        server.socket = tls.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
    return server
