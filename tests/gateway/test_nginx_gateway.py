"""The generated gateway for examples/shop, run by real nginx on 127.0.0.1 with
upstream services and a decision endpoint of the test's own."""

from __future__ import annotations

import http.client
import json
import shutil
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from shieldwall.cli.main import cli
from shieldwall.gateway.nginx import ACCESS_LOG, LOG_FIELDS, LOG_FORMAT
from tests.conftest import REPO
from tests.gateway.servers import (
    BANNED,
    Decisions,
    echo_handler,
    free_port,
    needs_nginx,
    running_nginx,
    self_signed,
    serving,
)

pytestmark = needs_nginx
SHOP = REPO / "examples" / "shop"


@dataclass
class Gateway:
    port: int
    prefix: Path
    cert: Path

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> tuple[int, dict[str, str], bytes]:
        tls = ssl.create_default_context(cafile=str(self.cert))
        conn = http.client.HTTPSConnection("localhost", self.port, context=tls, timeout=10)
        try:
            conn.request(method, path, body=body or None, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def get(self, path: str, client: str = "198.51.100.20") -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path, {"X-Forwarded-For": client})

    def log_lines(self, waiting_for: str) -> list[str]:
        """The access log, once a line holds `waiting_for` (nginx logs after it answers)."""
        for _ in range(100):
            text = (self.prefix / "logs" / ACCESS_LOG).read_text()
            if waiting_for in text:
                break
            time.sleep(0.05)
        return text.splitlines()

    def record_of(self, client: str) -> dict[str, object]:
        """The last access log record of this client."""
        lines = self.log_lines(waiting_for=f'"{client}"')
        records = [json.loads(line) for line in lines]
        found: dict[str, object] = [r for r in records if r["remote_addr"] == client][-1]
        return found


def _prefix() -> Path:
    """A folder nginx's workers (nobody when nginx starts as root) can traverse."""
    prefix = Path(tempfile.mkdtemp(prefix="shieldwall-gateway-"))
    for sub in ("conf", "logs", "run"):
        (prefix / sub).mkdir()
    for folder in (prefix, prefix / "logs", prefix / "run"):
        folder.chmod(0o755 if folder == prefix else 0o777)
    return prefix


def generate(prefix: Path, port: int, *extra: str) -> Path:
    cert, key = prefix / "conf" / "cert.pem", prefix / "conf" / "key.pem"
    args = [
        "gateway", "config", str(SHOP), "--target", "nginx", "-o", str(prefix / "conf"),
        "--listen", f"127.0.0.1:{port}", "--http-listen", "off",
        "--tls-cert", str(cert), "--tls-key", str(key), "--upstream-ca", str(cert),
        "--conf-dir", str(prefix / "conf"), "--log-dir", str(prefix / "logs"),
        "--run-dir", str(prefix / "run"), "--trusted-proxy", "127.0.0.1", "--modsecurity", "on",
        *extra,
    ]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return prefix / "conf" / "nginx.conf"


@pytest.fixture(scope="module")
def gateway() -> Iterator[Gateway]:
    prefix = _prefix()
    cert, _ = self_signed(prefix / "conf")
    upstream_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    upstream_tls.load_cert_chain(cert, prefix / "conf" / "key.pem")
    (prefix / "other").mkdir()
    other_cert, other_key = self_signed(prefix / "other")  # a certificate nginx does not trust
    untrusted_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    untrusted_tls.load_cert_chain(other_cert, other_key)
    port = free_port()
    try:
        with (
            serving(echo_handler("orders")) as orders,
            serving(echo_handler("catalog")) as catalog,
            serving(echo_handler("payments"), tls=upstream_tls) as payments,
            serving(echo_handler("impostor"), tls=untrusted_tls) as impostor,
            serving(Decisions) as decisions,
        ):
            conf = generate(
                prefix, port,
                "--upstream", f"orders=http://127.0.0.1:{orders}",
                "--upstream", f"catalog=http://127.0.0.1:{catalog}",
                "--upstream", f"payments=https://localhost:{payments}",
                "--upstream", f"impostor=https://localhost:{impostor}",
                "--decisions-url", f"http://127.0.0.1:{decisions}/v1/gateway/auth",
                "--decisions-unreachable", "deny",
            )  # fmt: skip
            with running_nginx(prefix, conf, port):
                yield Gateway(port, prefix, cert)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def test_nginx_accepts_the_generated_configuration(gateway: Gateway) -> None:
    conf = gateway.prefix / "conf" / "nginx.conf"
    checked = subprocess.run(
        ["nginx", "-t", "-p", str(gateway.prefix), "-c", str(conf)], capture_output=True
    )
    assert checked.returncode == 0, checked.stderr.decode()
    assert b"test is successful" in checked.stderr


def test_normal_requests_reach_each_upstream(gateway: Gateway) -> None:
    for service in ("orders", "catalog", "payments"):
        status, _, body = gateway.get(f"/api/{service}/items?page=2")
        assert status == 200, body
        seen = json.loads(body)
        assert seen["service"] == service
        assert seen["path"] == f"/api/{service}/items?page=2"
        assert seen["real_ip"] == "198.51.100.20"  # the client, from the trusted proxy


def test_an_upstream_whose_certificate_is_not_trusted_gets_no_request(gateway: Gateway) -> None:
    status, _, body = gateway.get("/api/impostor/items")
    assert status == 502
    assert b"impostor" not in body


def test_responses_carry_the_security_headers(gateway: Gateway) -> None:
    _, headers, _ = gateway.get("/api/orders/")
    assert headers["strict-transport-security"].startswith("max-age=63072000")
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "nginx/" not in headers.get("server", "")


def test_unrouted_paths_reach_no_service(gateway: Gateway) -> None:
    status, _, _ = gateway.get("/admin/")
    assert status == 404


def test_sql_injection_is_refused_by_the_core_rule_set(gateway: Gateway) -> None:
    status, _, body = gateway.get(
        "/api/orders/items?id=1%27%20OR%20%271%27%3D%271", client="198.51.100.60"
    )
    assert status == 403
    assert b"orders" not in body
    assert gateway.record_of("198.51.100.60")["upstream"] == ""  # never reached orders


def test_a_banned_client_is_refused_and_others_pass(gateway: Gateway) -> None:
    assert gateway.get("/api/catalog/items", client=BANNED)[0] == 403
    assert gateway.record_of(BANNED)["status"] == 403
    assert gateway.record_of(BANNED)["upstream"] == ""
    assert gateway.get("/api/catalog/items", client="198.51.100.21")[0] == 200


def test_a_request_body_over_the_limit_is_refused(gateway: Gateway) -> None:
    status, _, _ = gateway.request("POST", "/api/orders/items", body=b"x" * (2 * 1024 * 1024))
    assert status == 413


def test_login_routes_are_rate_limited_per_client(gateway: Gateway) -> None:
    statuses = [
        gateway.request("POST", "/api/orders/login", {"X-Forwarded-For": "198.51.100.30"})[0]
        for _ in range(8)
    ]
    assert statuses[0] == 200
    assert 429 in statuses
    assert gateway.get("/api/orders/login", client="198.51.100.31")[0] == 200


def test_tls_ciphers_without_forward_secrecy_are_refused(gateway: Gateway) -> None:
    tls = ssl.create_default_context(cafile=str(gateway.cert))
    tls.maximum_version = ssl.TLSVersion.TLSv1_2
    tls.set_ciphers("AES128-SHA:AES256-SHA")
    conn = http.client.HTTPSConnection("localhost", gateway.port, context=tls, timeout=10)
    with pytest.raises(ssl.SSLError):
        conn.request("GET", "/api/orders/")
    conn.close()


def test_access_log_lines_are_json_in_the_documented_format(gateway: Gateway) -> None:
    gateway.get("/api/orders/logged?x=%22quoted%22", client="198.51.100.40")
    lines = gateway.log_lines(waiting_for='"198.51.100.40"')
    records = [json.loads(line) for line in lines]
    assert all(list(r) == [k for k, _ in LOG_FIELDS] for r in records)
    mine = [r for r in records if r["remote_addr"] == "198.51.100.40"]
    assert mine, lines[-3:]
    assert mine[-1]["uri"] == "/api/orders/logged?x=%22quoted%22"
    assert mine[-1]["status"] == 200
    assert mine[-1]["route"] == "orders"
    assert isinstance(mine[-1]["request_time"], float | int)


def test_watch_reads_the_access_log(gateway: Gateway) -> None:
    registry = pytest.importorskip(
        "shieldwall.runtime.sources.registry", reason="shieldwall watch (runtime/) is not here"
    )
    gateway.get("/api/orders/watched?q=1", client="198.51.100.50")
    lines = gateway.log_lines(waiting_for='"198.51.100.50"')
    parser = registry.sniff(lines)
    assert parser is not None and parser.name == LOG_FORMAT
    events = [parser.parse(line) for line in lines]
    assert None not in events
    mine = [e for e in events if e.remote == "198.51.100.50"]
    assert (mine[-1].method, mine[-1].path, mine[-1].status) == ("GET", "/api/orders/watched", 200)


def test_watch_replay_finds_the_injection_in_the_gateway_log(gateway: Gateway) -> None:
    pytest.importorskip("shieldwall.runtime.replay", reason="shieldwall watch is not here")
    gateway.get("/api/orders/items?id=1%27%20OR%20%271%27%3D%271", client="198.51.100.61")
    gateway.log_lines(waiting_for='"198.51.100.61"')
    log = gateway.prefix / "logs" / ACCESS_LOG
    result = CliRunner().invoke(cli, ["watch", "replay", f"{log}:{LOG_FORMAT}", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["stats"]["unparsed"] == 0
    kinds = {d["kind"] for d in report["detections"] if d["source"] == "198.51.100.61"}
    assert "sqli" in kinds


def test_decisions_unreachable_lets_requests_through_by_default() -> None:
    prefix = _prefix()
    try:
        self_signed(prefix / "conf")
        port = free_port()
        with serving(echo_handler("orders")) as orders:
            conf = generate(
                prefix, port, "--upstream", f"orders=http://127.0.0.1:{orders}",
                "--upstream", f"catalog=http://127.0.0.1:{free_port()}",
                "--upstream", f"payments=http://127.0.0.1:{free_port()}",
                "--decisions-url", f"http://127.0.0.1:{free_port()}/v1/gateway/auth",
            )  # fmt: skip
            with running_nginx(prefix, conf, port):
                gw = Gateway(port, prefix, prefix / "conf" / "cert.pem")
                assert gw.get("/api/orders/x")[0] == 200
                assert gw.get("/api/catalog/x")[0] == 502  # its upstream is down
    finally:
        shutil.rmtree(prefix, ignore_errors=True)
