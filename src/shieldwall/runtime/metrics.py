"""Prometheus text exposition of a running watch: lines, unparsed lines,
detections and decisions by kind, lag, buckets."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from shieldwall.runtime.engine import Engine


def exposition(engine: Engine, now: float | None = None) -> str:
    stats = engine.stats
    now = time.time() if now is None else now
    lag = max(now - stats.last_time, 0.0) if stats.last_time else 0.0
    out = [
        "# HELP shieldwall_watch_lines_total Log lines read.",
        "# TYPE shieldwall_watch_lines_total counter",
        f"shieldwall_watch_lines_total {stats.lines}",
        "# HELP shieldwall_watch_unparsed_lines_total Log lines no parser could read.",
        "# TYPE shieldwall_watch_unparsed_lines_total counter",
        f"shieldwall_watch_unparsed_lines_total {stats.unparsed}",
        "# HELP shieldwall_watch_detections_total Detections by kind.",
        "# TYPE shieldwall_watch_detections_total counter",
    ]
    out += [
        f'shieldwall_watch_detections_total{{kind="{k}"}} {v}'
        for k, v in sorted(stats.detections.items())
    ]
    out += [
        "# HELP shieldwall_watch_decisions_total Decisions by type.",
        "# TYPE shieldwall_watch_decisions_total counter",
    ]
    out += [
        f'shieldwall_watch_decisions_total{{type="{k}"}} {v}'
        for k, v in sorted(stats.decisions.items())
    ]
    out += [
        "# HELP shieldwall_watch_lag_seconds Wall clock minus the newest log time read.",
        "# TYPE shieldwall_watch_lag_seconds gauge",
        f"shieldwall_watch_lag_seconds {lag:.3f}",
        "# HELP shieldwall_watch_buckets Leaky buckets held.",
        "# TYPE shieldwall_watch_buckets gauge",
        f"shieldwall_watch_buckets {engine.buckets()}",
    ]
    return "\n".join(out) + "\n"


def serve(host: str, port: int, render: Callable[[], str]) -> ThreadingHTTPServer:
    """Serve GET /metrics in a daemon thread; the caller shuts it down."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] != "/metrics":
                self.send_error(404)
                return
            body = render().encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
