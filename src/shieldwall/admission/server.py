"""The webhook over HTTPS: the standard library's threading HTTP server with an
`ssl` context. Each connection's TLS handshake, headers and body are read in its
own thread under a timeout, so a slow client holds one thread for at most
`timeout` seconds and gets a 408; the certificate and key are re-read when
their files change (cert-manager rotates them in place) without a restart.

POST /validate, POST /mutate (AdmissionReview), GET /healthz, /readyz, /metrics."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson

from shieldwall.admission.metrics import CONTENT_TYPE
from shieldwall.admission.review import MAX_OBJECT_BYTES
from shieldwall.admission.webhook import Webhook
from shieldwall.errors import AdmissionError, UsageError

# An AdmissionReview carries the object and, on UPDATE, the old one.
MAX_BODY_BYTES = 2 * MAX_OBJECT_BYTES + 256 * 1024


@dataclass(frozen=True, slots=True)
class ServerOptions:
    host: str = "0.0.0.0"  # noqa: S104 - a webhook serves the API server over the pod network
    port: int = 8443
    cert: Path = Path("tls.crt")
    key: Path = Path("tls.key")
    # Seconds a client may take for the handshake, the headers and the body in all.
    timeout: float = 10.0
    # Seconds between checks of the certificate files.
    reload_every: float = 10.0


class Certificates:
    """The server's TLS context, reloaded in place when the files change."""

    def __init__(self, cert: Path, key: Path, log: Callable[..., None]) -> None:
        self.cert, self.key, self._log = cert, key, log
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.minimum_version = ssl.TLSVersion.TLSv1_2
        self._stamp: tuple[float, float] = (0.0, 0.0)
        try:
            self.reload()
        except (OSError, ssl.SSLError) as exc:
            raise UsageError(
                f"cannot load the TLS certificate {cert} and key {key}: {exc}",
                "give --tls-cert and --tls-key (PEM files, e.g. from cert-manager)",
            ) from exc

    def _mtimes(self) -> tuple[float, float]:
        return (self.cert.stat().st_mtime, self.key.stat().st_mtime)

    def reload(self) -> bool:
        """Load the files again if they changed; True when it did."""
        stamp = self._mtimes()
        if stamp == self._stamp:
            return False
        self.context.load_cert_chain(self.cert, self.key)
        self._stamp = stamp
        return True

    def watch(self, every: float, stop: threading.Event) -> None:
        while not stop.wait(every):
            try:
                if self.reload():
                    self._log("tls_reloaded", cert=str(self.cert))
            except (OSError, ssl.SSLError) as exc:  # keep serving with the old pair
                self._log("tls_reload_failed", cert=str(self.cert), error=str(exc))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, options: ServerOptions, webhook: Webhook, certs: Certificates) -> None:
        self.webhook, self.certs, self.options = webhook, certs, options
        self.ready = threading.Event()
        super().__init__((options.host, options.port), _Handler)

    def get_request(self) -> tuple[Any, Any]:
        # The handshake happens in the connection's thread (setup), not in accept().
        sock, addr = self.socket.accept()
        wrapped = self.certs.context.wrap_socket(
            sock, server_side=True, do_handshake_on_connect=False
        )
        return wrapped, addr


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    server_version = "shieldwall-admission"
    sys_version = ""

    def setup(self) -> None:
        self.deadline = 0.0
        self.request.settimeout(self.server.options.timeout)
        try:
            self.request.do_handshake()
        except (OSError, ssl.SSLError):
            self.request.close()
            raise
        super().setup()

    def handle(self) -> None:
        try:
            super().handle()
        except (TimeoutError, ConnectionError, ssl.SSLError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Access logs go through the JSON log (see _send), not stderr text."""

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._send(200, b"ok\n", "text/plain")
        elif self.path == "/readyz":
            ready = self.server.ready.is_set()
            self._send(200 if ready else 503, b"ready\n" if ready else b"starting\n", "text/plain")
        elif self.path == "/metrics":
            self._send(200, self.server.webhook.metrics.render(), CONTENT_TYPE)
        else:
            self._error(404, f"no such endpoint {self.path}")

    def do_POST(self) -> None:
        handlers = {
            "/validate": self.server.webhook.validate,
            "/mutate": self.server.webhook.mutate,
        }
        path = self.path.split("?", 1)[0]
        handler = handlers.get(path)
        if handler is None:
            self._error(404, f"no such endpoint {path}: POST /validate or /mutate")
            return
        try:
            body = self._body()
            answer = handler(body)
        except AdmissionError as exc:
            self._error(exc.status, exc.message)
            return
        except TimeoutError:
            self._error(408, "request body not received in time")
            return
        except RecursionError:
            self._error(400, "object nested too deeply to judge")
            return
        except Exception as exc:  # a bug must deny (500), never allow
            self.server.webhook.log("error", path=path, error=f"{type(exc).__name__}: {exc}")
            self._error(500, f"shieldwall failed to judge the request: {type(exc).__name__}")
            return
        self._send(200, orjson.dumps(answer), "application/json")

    def _body(self) -> bytes:
        self.deadline = time.monotonic() + self.server.options.timeout
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            raise AdmissionError("chunked bodies are not accepted", "send Content-Length", 411)
        length_text = self.headers.get("Content-Length")
        if length_text is None or not length_text.isdigit():
            raise AdmissionError("Content-Length is missing", "send Content-Length", 411)
        length = int(length_text)
        if length > MAX_BODY_BYTES:
            raise AdmissionError(
                f"request body of {length} bytes is over {MAX_BODY_BYTES} bytes "
                f"(objects over {MAX_OBJECT_BYTES} bytes are refused by the API server itself)",
                "split the object",
                413,
            )
        if "json" not in self.headers.get("Content-Type", "application/json"):
            raise AdmissionError("Content-Type is not JSON", "send application/json", 415)
        chunks, left = [], length
        while left:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            self.request.settimeout(remaining)
            chunk = self.rfile.read1(min(left, 1 << 16))
            if not chunk:
                raise AdmissionError("request body ended early", "send the whole body", 400)
            chunks.append(chunk)
            left -= len(chunk)
        self.request.settimeout(self.server.options.timeout)
        return b"".join(chunks)

    def _error(self, status: int, message: str) -> None:
        self.server.webhook.metrics.rejected.labels(str(status)).inc()
        self.server.webhook.log("rejected", path=self.path, status=status, error=message)
        self.close_connection = True
        self._send(status, orjson.dumps({"error": message, "allowed": False}), "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        # every caller passes JSON, plain text or the metrics' type, never HTML
        self.wfile.write(body)  # shieldwall: ignore[PY-XSS] the types are data, never a page


class AdmissionServer:
    """Serve the webhook until `shutdown()`; `port` is the bound one (0 picks a free one)."""

    def __init__(self, options: ServerOptions, webhook: Webhook) -> None:
        self.certs = Certificates(options.cert, options.key, webhook.log)
        self._stop = threading.Event()
        try:
            self._httpd = _Server(options, webhook, self.certs)
        except OSError as exc:
            raise UsageError(
                f"cannot listen on {options.host}:{options.port}: {exc}",
                "pick another --port or stop what uses it",
            ) from exc
        self.port = int(self._httpd.server_address[1])
        self._options = options
        self.webhook = webhook

    def serve_forever(self) -> None:
        watcher = threading.Thread(
            target=self.certs.watch, args=(self._options.reload_every, self._stop), daemon=True
        )
        watcher.start()
        self._httpd.ready.set()
        self.webhook.log("listening", host=self._options.host, port=self.port)
        self._httpd.serve_forever(poll_interval=0.2)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()
        return thread

    def shutdown(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
