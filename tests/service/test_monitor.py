"""SBOM monitoring end to end: an SBOM is stored; a database update from a local
mirror adds an advisory for one of its components; the service opens a finding
naming the project and service, and calls the webhook once."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shieldwall.service.api import ServiceConfig, create_app
from shieldwall.service.monitor import schedule
from tests.analyzers.deps.osv.helpers import record, write_mirror
from tests.service.conftest import Service

CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"


@pytest.fixture
def hook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            size = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(size)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


def _db_update(mirror: Path, db: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "shieldwall", "db", "update", "--source", str(mirror), "--quiet"],
        capture_output=True,
        text=True,
        env={**os.environ, "SHIELDWALL_DB": str(db)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_a_new_advisory_for_a_stored_sbom_opens_a_finding_and_calls_the_webhook(
    database: str, project: str, tmp_path: Path, hook, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, received = hook
    db = tmp_path / "osv.db"
    monkeypatch.setenv("SHIELDWALL_DB", str(db))
    other = record("PYSEC-0000-1", "unrelated", [{"introduced": "0"}, {"fixed": "1.0"}])
    _db_update(write_mirror(tmp_path / "m1", {"PyPI": [other]}), db)

    app = create_app(ServiceConfig(database=database, worker=False, webhook=url))
    with TestClient(app) as client:
        service = Service(client)
        token = service.token({project: "triager"})
        sbom = {
            "bomFormat": "CycloneDX",
            "specVersion": "1.5",
            "metadata": {"component": {"name": "checkout"}},
            "components": [
                {"name": "jinja2", "version": "2.10", "purl": "pkg:pypi/jinja2@2.10"},
                {"name": "unrelated", "version": "2.0", "purl": "pkg:pypi/unrelated@2.0"},
            ],
        }
        assert service.upload(token, project, sbom, commit="s1").status_code == 202
        findings_url = f"/api/v1/projects/{project}/findings"
        assert service.get(token, findings_url).json()["findings"] == []

        advisory = record(
            "GHSA-test-jinja-0001",
            "jinja2",
            [{"introduced": "0"}, {"fixed": "2.11"}],
            modified="2024-02-01T00:00:00Z",
            summary="sandbox escape",
            severity=[{"type": "CVSS_V3", "score": CRITICAL}],
        )
        _db_update(write_mirror(tmp_path / "m2", {"PyPI": [other, advisory]}), db)
        with app.state.factory() as session:
            assert schedule(session)  # the database changed: a re-match is queued
            assert not schedule(session)  # once
        service.drain()

        found = service.get(token, findings_url, tool="sbom-monitor").json()["findings"]
        assert [(f["severity"], f["status"], f["services"]) for f in found] == [
            ("critical", "new", ["checkout"])
        ]
        assert "GHSA-test-jinja-0001" in found[0]["message"]
        assert len(received) == 1
        assert received[0]["project"] == project
        assert received[0]["advisory"] == "GHSA-test-jinja-0001"
        assert received[0]["services"] == ["checkout"]
        assert "GHSA-test-jinja-0001" in received[0]["text"]

        # Matching again finds nothing new: no second finding, no second call.
        from shieldwall.service.monitor import rematch

        with app.state.factory() as session:
            assert rematch(session, lambda body: received.append(body)) == []
        assert len(received) == 1
