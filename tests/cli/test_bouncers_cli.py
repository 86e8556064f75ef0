"""`shieldwall bouncers add|list|delete` and `decisions serve`'s bouncer API: a key
is printed once, never again, never logged, and refused once deleted."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from shieldwall.cli.main import cli


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_add_prints_the_key_once_and_list_never_shows_it(tmp_path: Path) -> None:
    db = str(tmp_path / "decisions.db")
    code, out, err = _run("bouncers", "add", "fw-gw1", "--database", db)
    assert code == 0, err
    key = out.strip()
    assert key.startswith("swk_") and len(key) > 40
    assert "shown once" in err and key not in err
    code, out, err = _run("bouncers", "list", "--database", db)
    assert code == 0 and "fw-gw1" in out and "bouncer" in out and "never" in out
    assert key not in out + err
    code, out, _ = _run("bouncers", "list", "--database", db, "--format", "json")
    assert json.loads(out)["bouncers"][0]["name"] == "fw-gw1"
    assert key not in out


def test_a_name_is_taken_once_and_a_bad_one_is_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "decisions.db")
    assert _run("bouncers", "add", "fw", "--database", db)[0] == 0
    code, _, err = _run("bouncers", "add", "fw", "--database", db)
    assert code == 2 and "exists already" in err
    code, _, err = _run("bouncers", "add", "fw;rm -rf", "--database", db)
    assert code == 2 and "letters, digits" in err


def test_deleting_an_unknown_bouncer_says_so(tmp_path: Path) -> None:
    code, _, err = _run("bouncers", "delete", "ghost", "--database", str(tmp_path / "d.db"))
    assert code == 2 and "no bouncer named 'ghost'" in err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, path: str, key: str | None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", path, headers={"X-Api-Key": key} if key else {})
    status = conn.getresponse().status
    conn.close()
    return status


def _wait(port: int, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("decisions serve did not start")


def test_serve_refuses_a_deleted_key_and_never_writes_one(tmp_path: Path) -> None:
    db = str(tmp_path / "decisions.db")
    key = _run("bouncers", "add", "fw", "--database", db)[1].strip()
    admin = _run("bouncers", "add", "ops", "--role", "admin", "--database", db)[1].strip()
    port = _free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "shieldwall", "decisions", "serve", "--database", db,
         "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        _wait(port, serve)
        assert _get(port, "/v1/decisions/stream?startup=true", key) == 200
        assert _get(port, "/v1/decisions?ip=192.0.2.1", admin) == 200
        assert _get(port, "/v1/decisions", key[:-1]) == 403
        assert _run("bouncers", "delete", "fw", "--database", db)[0] == 0
        assert _get(port, "/v1/decisions/stream", key) == 403  # the stream reads keys afresh
        refused = False
        for _ in range(50):  # lookups trust a known key for up to a second
            refused = _get(port, "/v1/decisions?ip=192.0.2.1", key) == 403
            if refused:
                break
            time.sleep(0.1)
        assert refused
        listed = _run("bouncers", "list", "--database", db)[1]
    finally:
        serve.terminate()
        out, err = serve.communicate(timeout=10)
    assert "last pull" in listed and "ops" in listed
    for secret in (key, admin, key[:-1]):
        assert secret.encode() not in out + err
        assert secret not in listed
    files = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert key.encode() not in files and admin.encode() not in files


def _last_pull(db: str) -> str | None:
    out = _run("bouncers", "list", "--database", db, "--format", "json")[1]
    return json.loads(out)["bouncers"][0]["last_pull"]  # type: ignore[no-any-return]


def test_serve_stops_on_sigterm_and_writes_each_key_s_last_pull(tmp_path: Path) -> None:
    db = str(tmp_path / "decisions.db")
    key = _run("bouncers", "add", "fw", "--database", db)[1].strip()
    port = _free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "shieldwall", "decisions", "serve", "--database", db,
         "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        _wait(port, serve)
        assert _get(port, "/v1/decisions/stream?startup=true", key) == 200
        first = _last_pull(db)
        assert first is not None  # a key's first pull is written at once
        time.sleep(0.01)
        assert _get(port, "/v1/decisions/stream", key) == 200  # kept until written
    finally:
        serve.terminate()
        serve.communicate(timeout=10)
    assert serve.returncode == 0
    last = _last_pull(db)
    assert last is not None and last >= first
