"""The findings service's web interface in headless Chromium: sign in with
OpenID Connect (a provider of the test's own), triage a finding, and see the next
CI scan (`shieldwall scan --server`) suppress it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx

from shieldwall.service.oidc import OidcSettings
from tests.cli.test_serve import sw
from tests.engine.test_scanner import PRIVILEGED_POD
from tests.service.live import live_service
from tests.service.oidc_provider import CLIENT_ID, oidc_provider


def test_sign_in_triage_and_the_next_ci_scan_suppresses_it(
    browser: Any, write, tmp_path: Path
) -> None:
    root = write({"repo/k8s/pod.yaml": PRIVILEGED_POD}) / "repo"
    scan = ["scan", str(root), "--analyzers", "config", "--format", "json", "--project", "shop",
            "--fail-on", "none"]  # fmt: skip
    with oidc_provider() as provider:
        settings = OidcSettings(issuer=provider.issuer, client_id=CLIENT_ID)
        with live_service(str(tmp_path / "serve.db"), oidc=settings) as live:
            token = live.token({"shop": "admin"})
            headers = {"Authorization": f"Bearer {token}"}
            env = {"SHIELDWALL_TOKEN": token, "XDG_CACHE_HOME": str(tmp_path / "cache")}
            assert sw(*scan, "--upload", live.url, "--commit", "c1", env=env).returncode == 0
            member = httpx.put(
                f"{live.url}/api/v1/projects/shop/members/{provider.email}",
                json={"role": "triager"},
                headers=headers,
            )
            assert member.status_code == 200
            deadline = time.monotonic() + 30
            while not httpx.get(f"{live.url}/api/v1/projects/shop/findings",
                                headers=headers).json()["findings"]:  # fmt: skip
                assert time.monotonic() < deadline, "the upload was not processed"
                time.sleep(0.2)

            page = browser.new_page()
            page.goto(f"{live.url}/")
            page.click("#signin")
            page.wait_for_selector("#controls")
            assert "least-privilege" in page.inner_text("#controls")
            assert provider.email in page.inner_text("header")

            page.click("#projects a:text('shop')")
            page.wait_for_selector("#findings")
            page.select_option("#filters select[name=severity]", "high")
            page.click("#filters button")
            page.wait_for_selector("#findings td.high")
            page.click("#findings tr:nth-child(2) td:nth-child(4) a")
            page.wait_for_selector("#triage")
            fingerprint = page.inner_text("text=fingerprint >> xpath=../td")
            page.select_option("#triage select[name=decision]", "false-positive")
            page.fill("#triage input[name=reason]", "the pod is a test fixture")
            page.click("#triage button")
            page.wait_for_selector("#decision")
            assert "false-positive" in page.inner_text("#decision")
            page.close()

            after = sw(*scan, "--server", live.url, env=env)
            assert after.returncode == 0, after.stderr
            report = json.loads(after.stdout)
            triaged = [f for f in report["findings"] if f["fingerprint"] == fingerprint]
            assert triaged and triaged[0]["suppressed"] is True
            assert report["suppressions"]["server"] == 1
