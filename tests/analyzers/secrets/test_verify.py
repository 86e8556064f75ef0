"""--verify against a local HTTPS server started by the test (self-signed
certificate made with the openssl command at test time)."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from shieldwall.analyzers.base import ScanTarget
from shieldwall.analyzers.secrets import SecretsAnalyzer
from shieldwall.analyzers.secrets.catalog import SPECS
from shieldwall.analyzers.secrets.verify import LIVE, REJECTED, UNKNOWN, Verifier
from shieldwall.model import Settings, Severity
from shieldwall.sources.tree import walk
from tests.analyzers.secrets.samples import github_token, sample_for

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")
LIVE_GH = github_token(seed=31)
DEAD_GH = github_token(seed=32)


def spec_sample(rule_id: str, seed: int = 7) -> str:
    from tests.analyzers.secrets.samples import from_pattern

    spec = next(s for s in SPECS if s.rule_id == rule_id)
    return from_pattern(spec.pattern, seed) if seed != 7 else sample_for(spec)


LIVE_SLACK = spec_sample("SECRET-SLACK-BOT-TOKEN")
LIVE_STRIPE = spec_sample("SECRET-STRIPE-SECRET-KEY")
LIVE_GITLAB = spec_sample("SECRET-GITLAB-PAT")
LIVE_AWS_ID = spec_sample("SECRET-AWS-ACCESS-KEY-ID")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        auth = self.headers.get("Authorization", "")
        if self.path.startswith("/slow"):
            time.sleep(2)
            self._send(200, {})
        elif self.path.endswith("/user"):
            self._send(200 if auth == f"token {LIVE_GH}" else 401, {"login": "octo"})
        elif self.path.endswith("/personal_access_tokens/self"):
            self._send(200 if self.headers.get("PRIVATE-TOKEN") == LIVE_GITLAB else 401, {})
        elif self.path.endswith("/v1/account"):
            self._send(200 if auth == f"Bearer {LIVE_STRIPE}" else 401, {})
        else:
            self._send(404, {})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        auth = self.headers.get("Authorization", "")
        if self.path.endswith("/api/auth.test"):
            ok = auth == f"Bearer {LIVE_SLACK}"
            self._send(200, {"ok": ok} if ok else {"ok": False, "error": "invalid_auth"})
        elif self.path == "/" and b"GetCallerIdentity" in body:
            signed = (
                auth.startswith(f"AWS4-HMAC-SHA256 Credential={LIVE_AWS_ID}/")
                and "Signature=" in auth
            )
            self._send(200 if signed else 403, {})
        else:
            self._send(404, {})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}", cert
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def env(server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> str:
    base, cert = server
    for name in ("GITHUB", "GITLAB", "SLACK", "STRIPE", "AWS"):
        monkeypatch.setenv(f"SHIELDWALL_VERIFY_{name}_URL", base)
    monkeypatch.setenv("SHIELDWALL_VERIFY_CA_FILE", str(cert))
    monkeypatch.setenv("SHIELDWALL_VERIFY_TIMEOUT", "3")
    return base


def test_verifier_per_provider(env: str) -> None:
    v = Verifier()
    assert v.verify("SECRET-GITHUB-PAT", LIVE_GH).status == LIVE  # type: ignore[union-attr]
    assert v.verify("SECRET-GITHUB-PAT", DEAD_GH).status == REJECTED  # type: ignore[union-attr]
    assert v.verify("SECRET-GITLAB-PAT", LIVE_GITLAB).status == LIVE  # type: ignore[union-attr]
    assert v.verify("SECRET-SLACK-BOT-TOKEN", LIVE_SLACK).status == LIVE  # type: ignore[union-attr]
    assert v.verify("SECRET-SLACK-BOT-TOKEN", LIVE_SLACK + "x").status == REJECTED  # type: ignore[union-attr]
    assert v.verify("SECRET-STRIPE-SECRET-KEY", LIVE_STRIPE).status == LIVE  # type: ignore[union-attr]
    secret = "A" * 10 + "b" * 30
    assert v.verify("SECRET-AWS-SECRET-ACCESS-KEY", secret, LIVE_AWS_ID).status == LIVE  # type: ignore[union-attr]
    assert v.verify("SECRET-AWS-SECRET-ACCESS-KEY", secret, "AKIA" + "Q" * 16).status == REJECTED  # type: ignore[union-attr]
    assert v.verify("SECRET-AWS-SECRET-ACCESS-KEY", secret) is None
    assert v.verify("SECRET-JWT", "x") is None


def test_timeout_and_untrusted_certificate_are_unknown(
    server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, cert = server
    monkeypatch.setenv("SHIELDWALL_VERIFY_GITHUB_URL", base + "/slow")
    monkeypatch.setenv("SHIELDWALL_VERIFY_CA_FILE", str(cert))
    monkeypatch.setenv("SHIELDWALL_VERIFY_TIMEOUT", "0.3")
    verdict = Verifier().verify("SECRET-GITHUB-PAT", LIVE_GH)
    assert verdict is not None and verdict.status == UNKNOWN
    monkeypatch.setenv("SHIELDWALL_VERIFY_GITHUB_URL", base)
    monkeypatch.delenv("SHIELDWALL_VERIFY_CA_FILE")
    verdict = Verifier().verify("SECRET-GITHUB-PAT", LIVE_GH)
    assert verdict is not None and verdict.status == UNKNOWN


def test_live_secret_becomes_critical_dead_one_keeps_its_severity(env: str, tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        f'LIVE = "{LIVE_GH}"\nDEAD = "{DEAD_GH}"\nSTRIPE = "{LIVE_STRIPE}"\n'
    )
    (tmp_path / "u.py").write_text(f'USER = "{github_token("ghu_", seed=33)}"\n')
    out = SecretsAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings(verify=True)))
    by_line = {(f.location.path, f.location.start_line): f for f in out.findings}
    assert by_line[("a.py", 1)].rule.severity is Severity.CRITICAL
    assert "verified live" in by_line[("a.py", 1)].message
    assert "rejected" in by_line[("a.py", 2)].message
    assert by_line[("u.py", 1)].rule.severity is Severity.HIGH  # rejected: not raised
    assert LIVE_GH not in json.dumps([f.message for f in out.findings])


def test_verify_is_off_by_default_and_offline_wins(env: str, tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(f'LIVE = "{LIVE_GH}"\n')
    out = SecretsAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings()))
    assert "verified" not in out.findings[0].message
    out = SecretsAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings(verify=True, offline=True)))
    assert "verified" not in out.findings[0].message
    assert any("--offline" in s.reason for s in out.skipped)
