"""A fake Kubernetes API server on 127.0.0.1 speaking list and watch (newline-
delimited JSON events), enough for the snapshot's kubernetes client."""

from __future__ import annotations

import json
import queue
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

PATHS = {
    "/api/v1/namespaces": ("v1", "Namespace"),
    "/api/v1/serviceaccounts": ("v1", "ServiceAccount"),
    "/api/v1/services": ("v1", "Service"),
    "/apis/apps/v1/deployments": ("apps/v1", "Deployment"),
    "/apis/apps/v1/statefulsets": ("apps/v1", "StatefulSet"),
    "/apis/apps/v1/daemonsets": ("apps/v1", "DaemonSet"),
    "/apis/batch/v1/jobs": ("batch/v1", "Job"),
    "/apis/batch/v1/cronjobs": ("batch/v1", "CronJob"),
    "/apis/networking.k8s.io/v1/networkpolicies": ("networking.k8s.io/v1", "NetworkPolicy"),
    "/apis/networking.k8s.io/v1/ingresses": ("networking.k8s.io/v1", "Ingress"),
    "/apis/rbac.authorization.k8s.io/v1/roles": ("rbac.authorization.k8s.io/v1", "Role"),
    "/apis/rbac.authorization.k8s.io/v1/rolebindings": (
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
    ),
    "/apis/rbac.authorization.k8s.io/v1/clusterroles": (
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
    ),
    "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings": (
        "rbac.authorization.k8s.io/v1",
        "ClusterRoleBinding",
    ),
}


class FakeApiServer:
    def __init__(self, objects: list[dict[str, Any]]) -> None:
        self.items: dict[str, list[dict[str, Any]]] = {p: [] for p in PATHS}
        self.events: dict[str, queue.Queue[dict[str, Any]]] = {p: queue.Queue() for p in PATHS}
        self.version = 100
        self.hold = threading.Event()  # set: lists wait (the snapshot is not synced)
        for obj in objects:
            self.items[self._path(obj["kind"])].append(obj)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = parse_qs(url.query)
                if url.path not in PATHS:
                    self.send_error(404)
                    return
                if query.get("watch") == ["true"]:
                    self._watch(url.path, float(query.get("timeoutSeconds", ["1"])[0]))
                else:
                    self._list(url.path)

            def _list(self, path: str) -> None:
                while fake.hold.is_set():
                    time.sleep(0.05)
                api, kind = PATHS[path]
                items = [
                    {k: v for k, v in o.items() if k not in ("kind", "apiVersion")}
                    for o in fake.items[path]
                ]
                body = json.dumps(
                    {
                        "kind": f"{kind}List",
                        "apiVersion": api,
                        "metadata": {"resourceVersion": str(fake.version)},
                        "items": items,
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _watch(self, path: str, seconds: float) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                deadline = time.monotonic() + min(seconds, 1.0)
                while time.monotonic() < deadline:
                    try:
                        event = fake.events[path].get(timeout=0.05)
                    except queue.Empty:
                        continue
                    self.wfile.write(json.dumps(event).encode() + b"\n")
                    self.wfile.flush()

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    @staticmethod
    def _path(kind: str) -> str:
        return next(p for p, (_, k) in PATHS.items() if k == kind)

    def add(self, obj: dict[str, Any]) -> None:
        self.version += 1
        obj = {**obj, "metadata": {**obj["metadata"], "resourceVersion": str(self.version)}}
        self.items[self._path(obj["kind"])].append(obj)
        self.events[self._path(obj["kind"])].put({"type": "ADDED", "object": obj})

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
