"""--verify against a local HTTPS server started by the test (self-signed
certificate made with the openssl command at test time)."""

from __future__ import annotations

import json
import shutil
import socket
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
from shieldwall.analyzers.secrets.verify import (
    LIVE,
    REJECTED,
    UNKNOWN,
    Verifier,
    self_hosted_hosts,
)
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


# Every request the servers saw: (path, the credential headers), per server.
SEEN: list[tuple[str, str]] = []
PLAIN_SEEN: list[tuple[str, str]] = []
PLAIN_PORT: list[int] = []


def credentials(headers: object) -> str:
    get = getattr(headers, "get", lambda _k, _d="": "")
    return f"{get('Authorization', '')}|{get('PRIVATE-TOKEN', '')}"


def seen_under(prefix: str) -> list[str]:
    return [creds for path, creds in SEEN if path.startswith(prefix)]


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def handle_one_request(self) -> None:
        super().handle_one_request()
        if getattr(self, "path", None):
            SEEN.append((self.path, credentials(self.headers)))

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
        elif self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{PLAIN_PORT[0]}/user")
            self.send_header("Content-Length", "0")
            self.end_headers()
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


class PlainHandler(BaseHTTPRequestHandler):
    """Plain HTTP: where a redirect would send the token in clear."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        PLAIN_SEEN.append((self.path, credentials(self.headers)))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


@pytest.fixture(scope="module")
def plain_server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), PlainHandler)
    PLAIN_PORT[:] = [httpd.server_address[1]]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class Trickle:
    """An HTTPS server that answers one byte a second (a 70-second answer)."""

    ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"

    def __init__(self, cert: Path) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, cert.with_name("key.pem"))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.finished = 0
        self.cut = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._answer, args=(raw,), daemon=True).start()

    def _answer(self, raw: socket.socket) -> None:
        try:
            with self.context.wrap_socket(raw, server_side=True) as conn:
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = conn.recv(4096)
                    if not chunk:
                        raise ConnectionResetError
                    request += chunk
                for i in range(len(self.ANSWER)):
                    conn.sendall(self.ANSWER[i : i + 1])
                    time.sleep(1)
            self.finished += 1
        except OSError:
            self.cut.set()

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def trickle(server: tuple[str, Path]) -> Iterator[Trickle]:
    t = Trickle(server[1])
    yield t
    t.close()


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


def test_redirect_is_not_followed_and_the_target_never_sees_the_token(
    env: str, plain_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHIELDWALL_VERIFY_GITHUB_URL", env + "/redirect")
    verdict = Verifier().verify("SECRET-GITHUB-PAT", LIVE_GH)
    assert verdict is not None and verdict.status == UNKNOWN
    assert "HTTP 302 (redirects are not followed)" in verdict.note
    assert seen_under("/redirect") == [f"token {LIVE_GH}|"]  # asked once, at the base URL
    assert not any(LIVE_GH in creds for _, creds in PLAIN_SEEN)
    assert PLAIN_SEEN == []


def test_trickling_server_is_cut_at_the_deadline(
    env: str, trickle: Trickle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHIELDWALL_VERIFY_GITHUB_URL", f"https://127.0.0.1:{trickle.port}")
    # Each byte comes well within the 2 s socket timeout: only a deadline stops it.
    monkeypatch.setenv("SHIELDWALL_VERIFY_TIMEOUT", "2")
    verdict = Verifier().verify("SECRET-GITHUB-PAT", LIVE_GH)
    assert verdict is not None and verdict.status == UNKNOWN
    assert verdict.note.startswith("not verified: timeout")
    # The server learns the connection is gone while it still has bytes to send.
    assert trickle.cut.wait(30)
    assert trickle.finished == 0


def test_the_whole_verification_stops_when_its_budget_is_spent(
    env: str, trickle: Trickle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHIELDWALL_VERIFY_GITHUB_URL", f"https://127.0.0.1:{trickle.port}")
    monkeypatch.setenv("SHIELDWALL_VERIFY_TIMEOUT", "1")
    monkeypatch.setenv("SHIELDWALL_VERIFY_BUDGET", "1.5")
    tokens = [github_token(seed=s) for s in range(60, 64)]
    (tmp_path / "a.py").write_text("".join(f'T{i} = "{t}"\n' for i, t in enumerate(tokens)))
    out = SecretsAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings(verify=True)))
    notes = sorted(f.message.rpartition("; ")[2] for f in out.findings)
    assert len(notes) == 4
    assert sum("not verified: budget exhausted" in n for n in notes) >= 2
    assert all(n.startswith("not verified: ") for n in notes)
    assert trickle.connections <= 2
    assert trickle.finished == 0
    (why,) = [s.reason for s in out.skipped if s.path == "(verification)"]
    assert "not verified (budget exhausted" in why


def test_request_cap_is_respected(
    env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHIELDWALL_VERIFY_GITHUB_URL", env + "/cap")
    monkeypatch.setenv("SHIELDWALL_VERIFY_MAX_REQUESTS", "2")
    tokens = [github_token(seed=s) for s in range(40, 45)]
    (tmp_path / "a.py").write_text("".join(f'T{i} = "{t}"\n' for i, t in enumerate(tokens)))
    out = SecretsAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings(verify=True)))
    assert len(seen_under("/cap")) == 2
    exhausted = [f for f in out.findings if "not verified: budget exhausted" in f.message]
    assert len(exhausted) == 3
    assert all("at most 2 requests" in f.message for f in exhausted)


@pytest.mark.parametrize(
    ("rule_files", "prefix", "sent"),
    [
        # A GitLab token beside a self-managed GitLab instance.
        ({"ci.yml": "variables:\n  GITLAB_URL: https://gitlab.example.com\n"}, "/gl1", 0),
        ({"a.py": 'API = "https://gitlab.internal.corp/api/v4"\n'}, "/gl2", 0),
        ({"a.sh": "export CI_SERVER_URL=https://git.corp.example\n"}, "/gl3", 0),
        # Nothing points elsewhere: it is checked (once).
        ({"a.py": 'DOCS = "https://docs.gitlab.com/ee/api"\n'}, "/gl4", 1),
    ],
)
def test_gitlab_token_of_a_self_hosted_instance_never_reaches_the_saas(
    env: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    rule_files: dict[str, str],
    prefix: str,
    sent: int,
) -> None:
    monkeypatch.setenv("SHIELDWALL_VERIFY_GITLAB_URL", env + prefix)
    ((name, text),) = rule_files.items()
    (tmp_path / name).write_text(text + f'TOKEN = "{LIVE_GITLAB}"\n')
    out = SecretsAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings(verify=True)))
    (finding,) = [f for f in out.findings if f.rule.id == "SECRET-GITLAB-PAT"]
    assert len(seen_under(prefix)) == sent
    if sent:
        assert "verified live" in finding.message
    else:
        assert "not verified: the file names a self-hosted GitLab" in finding.message


def test_same_token_elsewhere_naming_a_self_hosted_github_is_not_sent(
    env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHIELDWALL_VERIFY_GITHUB_URL", env + "/ghes")
    (tmp_path / "a.py").write_text(f'TOKEN = "{LIVE_GH}"\n')
    (tmp_path / "b.py").write_text(
        f'BASE = "https://ghe.corp.example/api/v3"\nTOKEN = "{LIVE_GH}"\n'
    )
    out = SecretsAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings(verify=True)))
    (finding,) = out.findings
    assert seen_under("/ghes") == []
    assert "self-hosted GitHub (ghe.corp.example)" in finding.message


def test_base_url_pointing_at_the_named_instance_allows_the_check(
    env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHIELDWALL_VERIFY_GITLAB_URL", env + "/own")
    (tmp_path / "a.env").write_text(f"GITLAB_URL={env}\nTOKEN={LIVE_GITLAB}\n")
    out = SecretsAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings(verify=True)))
    (finding,) = [f for f in out.findings if f.rule.id == "SECRET-GITLAB-PAT"]
    assert len(seen_under("/own")) == 1
    assert "verified live" in finding.message


def test_self_hosted_hosts_ignore_the_public_services() -> None:
    public = (
        "https://github.com/o/r https://api.github.com raw.githubusercontent.com "
        "https://o.github.io gitlab.com registry.gitlab.com https://docs.gitlab.com"
    )
    assert self_hosted_hosts("SECRET-GITHUB-PAT", public) == frozenset()
    assert self_hosted_hosts("SECRET-GITLAB-PAT", public) == frozenset()
    assert self_hosted_hosts("SECRET-GITHUB-PAT", "GH_HOST=code.corp.example") == {
        "code.corp.example"
    }
    assert self_hosted_hosts("SECRET-GITHUB-PAT", "https://octo.ghe.com") == {"octo.ghe.com"}
    files = "uses: ./.github/workflows/release-github.yaml, config in gitlab.json"
    assert self_hosted_hosts("SECRET-GITHUB-PAT", files) == frozenset()
    assert self_hosted_hosts("SECRET-GITLAB-PAT", files) == frozenset()
    assert self_hosted_hosts("SECRET-SLACK-BOT-TOKEN", "gitlab.corp github.corp") == frozenset()


def test_bad_verify_settings_skip_verification_with_a_reason(
    env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHIELDWALL_VERIFY_STRIPE_URL", "http://127.0.0.1:1")
    (tmp_path / "a.py").write_text(f'LIVE = "{LIVE_GH}"\n')
    out = SecretsAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings(verify=True)))
    assert "verified" not in out.findings[0].message
    (why,) = [s.reason for s in out.skipped if s.path == "(verification)"]
    assert "SHIELDWALL_VERIFY_STRIPE_URL must be an https:// URL" in why


def test_token_only_in_history_beside_a_self_hosted_gitlab_is_not_sent(
    env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    from tests.analyzers.secrets.test_history import commit, git

    monkeypatch.setenv("SHIELDWALL_VERIFY_GITLAB_URL", env + "/history")
    git(tmp_path, "init", "-q", "-b", "main")
    text = f"GITLAB_HOST=gitlab.example.com\nTOKEN={LIVE_GITLAB}\n"
    commit(tmp_path, {"ci.env": text}, "add ci settings")
    commit(tmp_path, {"ci.env": None}, "remove ci settings")
    settings = Settings(verify=True, history=True)
    out = SecretsAnalyzer().analyze(ScanTarget(walk(tmp_path), settings))
    (finding,) = [f for f in out.findings if f.rule.id == "SECRET-GITLAB-PAT"]
    assert "still in the git history" in finding.message
    assert "self-hosted GitLab (gitlab.example.com)" in finding.message
    assert seen_under("/history") == []
