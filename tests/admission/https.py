"""A webhook served over real HTTPS on 127.0.0.1, and a client trusting its CA."""

from __future__ import annotations

import http.client
import io
import ssl
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from shieldwall.admission.certs import make_ca, make_serving_cert
from shieldwall.admission.jsonlog import JsonLog
from shieldwall.admission.run import Server, build_server


def write_certs(folder: Path) -> tuple[Path, Path, Path]:
    ca = make_ca()
    pair = make_serving_cert(ca, ["localhost", "127.0.0.1"])
    paths = (folder / "ca.crt", folder / "tls.crt", folder / "tls.key")
    for path, data in zip(paths, (ca.cert_pem, pair.cert_pem, pair.key_pem), strict=True):
        path.write_bytes(data)
    return paths


@contextmanager
def serving(folder: Path, **options: Any) -> Iterator[tuple[Server, ssl.SSLContext, io.StringIO]]:
    ca, cert, key = write_certs(folder)
    stream = io.StringIO()
    server = build_server(
        cert=cert, key=key, host="127.0.0.1", port=0, log=JsonLog(stream), **options
    )
    server.start()
    client = ssl.create_default_context(cafile=str(ca))
    try:
        yield server, client, stream
    finally:
        server.shutdown()


def review(
    obj: Mapping[str, Any] | None,
    operation: str = "CREATE",
    old: Mapping[str, Any] | None = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    meta = (obj or old or {}).get("metadata") or {}
    return {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": str(uuid.uuid4()),
            "kind": {"group": "", "version": "v1", "kind": (obj or old or {}).get("kind", "")},
            "namespace": meta.get("namespace", "default"),
            "name": meta.get("name", ""),
            "operation": operation,
            "userInfo": {"username": "tester"},
            "object": obj,
            "oldObject": old,
            "dryRun": dry_run,
        },
    }


def post(
    server: Server, client: ssl.SSLContext, path: str, body: bytes, timeout: float = 10
) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPSConnection("127.0.0.1", server.port, context=client, timeout=timeout)
    try:
        conn.request("POST", path, body, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, orjson.loads(resp.read())
    finally:
        conn.close()


def get(server: Server, client: ssl.SSLContext, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPSConnection("127.0.0.1", server.port, context=client, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()
