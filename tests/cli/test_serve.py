"""`scan --upload` and `scan --server` against a findings service on 127.0.0.1:
triage flows back into the gate, and the service being down never turns a gate
green (cached decisions apply; with none cached, every finding counts)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.engine.test_scanner import PRIVILEGED_POD
from tests.service.live import free_port, live_service


def sw(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shieldwall", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


def _wait_processed(url: str, token: str, project: str) -> list[dict]:
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        scans = httpx.get(f"{url}/api/v1/projects/{project}/scans", headers=headers).json()
        if scans["scans"] and all(s["status"] != "queued" for s in scans["scans"]):
            return scans["scans"]
        time.sleep(0.1)
    raise AssertionError("the upload was not processed")


def test_triage_on_the_service_flows_back_and_an_outage_never_passes_the_gate(
    write, tmp_path: Path
) -> None:
    root = write({"repo/k8s/pod.yaml": PRIVILEGED_POD}) / "repo"
    scan = [
        "scan", str(root), "--analyzers", "config", "--format", "json", "--project", "shop",
    ]  # fmt: skip
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    port = free_port()
    with live_service(str(tmp_path / "serve.db"), port) as live:
        env["SHIELDWALL_TOKEN"] = live.token({"shop": "triager"})
        up = sw(*scan, "--upload", live.url, "--commit", "c1", "--branch", "main", env=env)
        assert up.returncode == 1, up.stderr  # the gate decides, the upload does not
        assert "uploaded to" in up.stderr
        assert _wait_processed(live.url, env["SHIELDWALL_TOKEN"], "shop")[0]["status"] == "done"
        headers = {"Authorization": f"Bearer {env['SHIELDWALL_TOKEN']}"}
        found = httpx.get(
            f"{live.url}/api/v1/projects/shop/findings", params={"severity": "critical,high"},
            headers=headers,
        ).json()["findings"]  # fmt: skip
        assert found
        for f in found:
            put = httpx.put(
                f"{live.url}/api/v1/projects/shop/triage/{f['fingerprint']}",
                json={"decision": "false-positive", "reason": "a test pod"},
                headers=headers,
            )
            assert put.status_code == 200
        pulled = sw(*scan, "--server", live.url, env=env)
        assert pulled.returncode == 0, pulled.stderr
        report = json.loads(pulled.stdout)
        assert report["suppressions"]["server"] == len(found)
        assert report["command_line"]["suppressed"]["server"] == len(found)

    # The service is down: the decisions cached by the last pull still apply, with a warning.
    down = sw(*scan, "--server", f"http://127.0.0.1:{port}", env=env)
    assert down.returncode == 0, down.stderr
    assert "unavailable" in down.stderr and "cached at" in down.stderr

    # Down, and nothing cached: no decision applies, the gate fails as without the service.
    bare = sw(*scan, "--server", f"http://127.0.0.1:{port}",
              env={**env, "XDG_CACHE_HOME": str(tmp_path / "empty")})  # fmt: skip
    assert bare.returncode == 1, bare.stderr
    assert "no decision cached" in bare.stderr


def test_a_failed_upload_fails_a_passing_scan(write, tmp_path: Path) -> None:
    root = write({"repo/k8s/pod.yaml": PRIVILEGED_POD}) / "repo"
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "SHIELDWALL_TOKEN": "swt_unknown"}
    down = f"http://127.0.0.1:{free_port()}"
    out = sw("scan", str(root), "--analyzers", "config", "--fail-on", "none", "--format", "json",
             "--upload", down, "--project", "shop", env=env)  # fmt: skip
    assert out.returncode == 3
    assert "upload failed" in out.stderr


def test_server_options_need_a_project(write, tmp_path: Path) -> None:
    root = write({"repo/k8s/pod.yaml": PRIVILEGED_POD}) / "repo"
    out = sw("scan", str(root), "--server", "http://127.0.0.1:9", env={})
    assert out.returncode == 2
    assert "--project" in out.stderr


def test_serve_starts_with_one_command_and_token_create_prints_a_token(tmp_path: Path) -> None:
    db = str(tmp_path / "serve.db")
    made = sw("serve", "token", "create", "--database", db, "--project", "shop",
              "--role", "viewer", env={})  # fmt: skip
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("swt_") and "\n" not in token
    bad = sw("serve", "token", "create", "--database", db, "--project", "a/b", "--role", "viewer",
             env={})  # fmt: skip
    assert bad.returncode == 2
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "shieldwall",
            "serve",
            "--database",
            db,
            "--listen",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                projects = httpx.get(
                    f"http://127.0.0.1:{port}/api/v1/projects",
                    headers={"Authorization": f"Bearer {token}"},
                )
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the service did not start"
                time.sleep(0.2)
        assert [p["name"] for p in projects.json()["projects"]] == ["shop"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
