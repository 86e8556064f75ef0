"""`db update` over HTTP never waits for ever: connect and read timeouts, a
download that stops making progress is cut, transient failures are tried again a
bounded number of times, and a failed update leaves the old database as it was."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from shieldwall.analyzers.deps.osv.mirror import PROGRESS_BYTES, Network
from shieldwall.analyzers.deps.osv.update import UpdateError, update_database
from tests.analyzers.deps.osv.helpers import record, serve, write_mirror
from tests.analyzers.deps.osv.test_update import ids
from tests.cli.test_cli import sw

FAST = Network(timeout=0.5, retries=2, backoff=0.01)


def _mirror(tmp_path: Path) -> Path:
    return write_mirror(tmp_path / "mirror", {"PyPI": [record("PYSEC-1", "a", [])]})


def _handler(mirror: Path, requests: list[str], answer: Any) -> type:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(mirror), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            requests.append(self.path)
            if not answer(self, len([p for p in requests if p == self.path])):
                super().do_GET()

    return Handler


def test_server_errors_are_tried_again_then_the_update_succeeds(tmp_path: Path) -> None:
    mirror, db, requests = _mirror(tmp_path), tmp_path / "osv.sqlite3", []

    def flaky(handler: Any, nth: int) -> bool:
        if handler.path.endswith("all.zip") and nth <= 2:
            handler.send_error(503)
            return True
        return False

    with serve(mirror, _handler(mirror, requests, flaky)) as url:
        update_database(db, url, network=FAST)
    assert ids(db) == {"PYSEC-1"}
    assert requests.count("/PyPI/all.zip") == 3


def test_retries_are_bounded_and_the_error_says_how_many(tmp_path: Path) -> None:
    mirror, db, requests = _mirror(tmp_path), tmp_path / "osv.sqlite3", []

    def down(handler: Any, nth: int) -> bool:
        handler.send_error(502)
        return True

    with (
        serve(mirror, _handler(mirror, requests, down)) as url,
        pytest.raises(UpdateError, match=r"HTTP 502 \(3 attempts\)"),
    ):
        update_database(db, url, network=FAST)
    assert requests == ["/ecosystems.txt"] * 3
    assert not db.exists()


def test_a_missing_file_or_client_error_is_not_tried_again(tmp_path: Path) -> None:
    mirror, db, requests = _mirror(tmp_path), tmp_path / "osv.sqlite3", []

    def forbidden(handler: Any, nth: int) -> bool:
        handler.send_error(403)
        return True

    with (
        serve(mirror, _handler(mirror, requests, forbidden)) as url,
        pytest.raises(UpdateError, match="HTTP 403"),
    ):
        update_database(db, url, network=FAST)
    assert requests == ["/ecosystems.txt"]


def test_a_server_that_never_answers_is_cut_at_the_timeout(tmp_path: Path) -> None:
    """Accepts the connection, reads the request, never says a word."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    db = tmp_path / "osv.sqlite3"
    try:
        with pytest.raises(UpdateError, match=r"timed out.*\(3 attempts\)"):
            update_database(db, url, network=FAST)
    finally:
        listener.close()
        for conn in accepted:
            conn.close()
    assert len(accepted) == 3 and not db.exists()


def test_a_trickling_download_is_cut_and_the_old_database_kept(tmp_path: Path) -> None:
    mirror, db, requests = _mirror(tmp_path), tmp_path / "osv.sqlite3", []
    update_database(db, str(mirror))
    before = db.read_bytes()
    write_mirror(mirror, {"PyPI": [record("PYSEC-1", "a", []), record("PYSEC-2", "b", [])]})
    size = PROGRESS_BYTES * 4

    def trickle(handler: Any, nth: int) -> bool:
        if not handler.path.endswith("all.zip"):
            return False
        handler.send_response(200)
        handler.send_header("Content-Length", str(size))
        handler.end_headers()
        try:
            for _ in range(size):  # a byte every 50 ms: each read is quick, the whole never ends
                handler.wfile.write(b"x")
                handler.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass  # the client gave up
        return True

    with (
        serve(mirror, _handler(mirror, requests, trickle)) as url,
        pytest.raises(UpdateError, match=rf"stalled: under {PROGRESS_BYTES} bytes in 0.5s"),
    ):
        update_database(db, url, network=Network(timeout=0.5, retries=1, backoff=0.01))
    assert requests.count("/PyPI/all.zip") == 2
    assert db.read_bytes() == before and ids(db) == {"PYSEC-1"}


def test_db_update_takes_timeout_and_retries(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SHIELDWALL_DB", str(tmp_path / "osv.sqlite3"))
    mirror, requests = _mirror(tmp_path), []

    def down(handler: Any, nth: int) -> bool:
        handler.send_error(503)
        return True

    with serve(mirror, _handler(mirror, requests, down)) as url:
        out = sw("db", "update", "--source", url, "--quiet", "--retries", "0", "--timeout", "5")
    assert out.returncode == 3, out.stderr
    assert "HTTP 503" in out.stderr and requests == ["/ecosystems.txt"]
    assert sw("db", "update", "--timeout", "0").returncode == 2
    assert "--timeout" in sw("db", "update", "--help").stdout
