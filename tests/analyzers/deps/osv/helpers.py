"""Building small OSV mirrors in a test, and serving directories over HTTP."""

from __future__ import annotations

import http.server
import json
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from tests.conftest import SHARED

CORPUS = SHARED / "corpus" / "osv"
MIRROR = CORPUS / "mirror"
VECTORS = CORPUS / "version-vectors"
GROUNDTRUTH = CORPUS / "groundtruth-pypi.csv"
NO_CORPUS = f"the OSV corpus is not at {CORPUS} (../shared beside the repository)"


def record(
    record_id: str,
    name: str,
    events: list[dict[str, str]],
    ecosystem: str = "PyPI",
    modified: str = "2024-01-01T00:00:00Z",
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": record_id,
        "modified": modified,
        "affected": [
            {
                "package": {"ecosystem": ecosystem, "name": name},
                "ranges": [{"type": "ECOSYSTEM", "events": events}],
            }
        ],
    }
    body.update(extra)
    return body


def write_mirror(
    root: Path, exports: dict[str, list[dict[str, Any]]], per_record: bool = False
) -> Path:
    """An OSV-export-shaped directory: ecosystems.txt, <ECO>/all.zip, modified_id.csv."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "ecosystems.txt").write_text("".join(f"{eco}\n" for eco in exports))
    for eco, records in exports.items():
        folder = root / eco
        folder.mkdir(exist_ok=True)
        with zipfile.ZipFile(folder / "all.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for body in records:
                archive.writestr(f"{body['id']}.json", json.dumps(body))
        lines = sorted(((b["modified"], b["id"]) for b in records), reverse=True)
        (folder / "modified_id.csv").write_text("".join(f"{m},{i}\n" for m, i in lines))
        if per_record:
            for body in records:
                (folder / f"{body['id']}.json").write_text(json.dumps(body))
    return root


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(
    directory: Path, handler: type[http.server.BaseHTTPRequestHandler] | None = None
) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) for the duration; yields the base URL."""
    factory = handler or partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), factory)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
