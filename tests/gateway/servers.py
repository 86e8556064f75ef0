"""Small HTTP servers on 127.0.0.1 for the gateway tests: upstream services that
echo what reached them, and a decision endpoint that refuses one address."""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

BANNED = "203.0.113.7"  # documentation address (TEST-NET-3)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # nginx resetting a kept-alive connection when it stops


class _Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave at once, no delayed-ACK stall

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes = b"") -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def echo_handler(name: str) -> type[BaseHTTPRequestHandler]:
    class Echo(_Quiet):
        def _echo(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            seen = {"service": name, "path": self.path, "real_ip": self.headers.get("X-Real-IP")}
            self._send(200, json.dumps(seen).encode())

        do_GET = do_POST = _echo

    return Echo


class Decisions(_Quiet):
    """200 for every client address but BANNED, which gets 403; counts its calls."""

    calls = 0

    def do_GET(self) -> None:
        type(self).calls += 1
        self._send(403 if self.headers.get("X-Real-IP") == BANNED else 200)


@contextmanager
def serving(
    handler: type[BaseHTTPRequestHandler], tls: ssl.SSLContext | None = None
) -> Iterator[int]:
    server = _QuietServer(("127.0.0.1", 0), handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1, made now by openssl."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def nginx_missing() -> str | None:
    """Why the real-nginx tests cannot run here, or None."""
    if shutil.which("nginx") is None:
        return "nginx is not installed (apt-get install nginx)"
    if shutil.which("openssl") is None:
        return "openssl is not installed"
    return None


def modsecurity_missing() -> str | None:
    if not Path("/usr/lib/nginx/modules/ngx_http_modsecurity_module.so").exists():
        return "nginx's ModSecurity module is not installed (libnginx-mod-http-modsecurity)"
    if not Path("/usr/share/modsecurity-crs/rules").is_dir():
        return "the OWASP Core Rule Set is not installed (modsecurity-crs)"
    return None


def _missing() -> str | None:
    return nginx_missing() or modsecurity_missing()


needs_nginx = pytest.mark.skipif(_missing() is not None, reason=str(_missing()))


@contextmanager
def running_nginx(prefix: Path, conf: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """nginx in the foreground on `port`, stopped (the process this started) on exit."""
    proc = subprocess.Popen(
        ["nginx", "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    try:
        wait_listening(port, proc)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_listening(port: int, proc: subprocess.Popen[bytes]) -> None:
    """Until something accepts on 127.0.0.1:port; RuntimeError if `proc` exits first."""
    for _ in range(200):
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"{proc.args[0]} exited: {err}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            threading.Event().wait(0.05)
    raise RuntimeError(f"{proc.args[0]} did not start listening")
