"""`admission serve --server`: the webhook honours the findings service's triage
as `scan --server` does, and an unreachable service never turns a deny into an allow."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from shieldwall.admission.webhook import Webhook
from shieldwall.engine.object_check import ObjectCheck
from shieldwall.service.client import DecisionFeed

from .conftest import auth, finding, report
from .live import free_port, live_service


def _deployment(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "shop"},
        "spec": {"template": {"spec": {"containers": [
            {"name": "app", "image": "nginx:1.27", "securityContext": {"privileged": True}}
        ]}}},
    }  # fmt: skip


def _allowed(webhook: Webhook, obj: dict[str, Any]) -> bool:
    body = {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": str(uuid.uuid4()),
            "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
            "namespace": "shop",
            "name": obj["metadata"]["name"],
            "operation": "CREATE",
            "userInfo": {"username": "tester"},
            "object": obj,
        },
    }
    answer = webhook.validate(json.dumps(body).encode())
    return bool(answer["response"]["allowed"])


def _webhook(feed: DecisionFeed) -> Webhook:
    return Webhook(ObjectCheck(rules=["K8S-PRIVILEGED"], decisions=feed.current))


def test_admission_allows_what_the_service_triaged_and_denies_the_rest(tmp_path: Path) -> None:
    warnings: list[str] = []
    with live_service(str(tmp_path / "serve.db")) as live:
        token = live.token({"shop": "triager"})
        client_headers = auth(token)
        accepted = finding(1, resource="Deployment/shop/web", rule="K8S-PRIVILEGED")
        response = httpx.post(
            f"{live.url}/api/v1/projects/shop/scans",
            content=json.dumps(report([accepted])).encode(),
            headers=client_headers,
        )
        assert response.status_code == 202
        scan = f"{live.url}/api/v1/projects/shop/scans/{response.json()['scan']['id']}"
        for _ in range(200):
            if httpx.get(scan, headers=client_headers).json()["scan"]["status"] == "done":
                break
            time.sleep(0.05)
        decided = httpx.put(
            f"{live.url}/api/v1/projects/shop/triage/{accepted['fingerprint']}",
            json={"decision": "false-positive", "reason": "runs the node agent"},
            headers=client_headers,
        )
        assert decided.status_code == 200, decided.text
        feed = DecisionFeed(live.url, "shop", token, warn=warnings.append, directory=tmp_path)
        feed.start()
        feed.stop()
        webhook = _webhook(feed)
        assert _allowed(webhook, _deployment("web"))  # triaged on the service
        assert not _allowed(webhook, _deployment("api"))  # the same rule elsewhere: denied
    assert warnings == []

    # The service is gone: the cached triage still holds, with a warning.
    down = DecisionFeed(live.url, "shop", token, warn=warnings.append, directory=tmp_path)
    down.start()
    down.stop()
    assert _allowed(_webhook(down), _deployment("web"))
    assert "cached at" in warnings[-1]


def test_an_unreachable_service_with_no_cache_denies(tmp_path: Path) -> None:
    warnings: list[str] = []
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens
    feed = DecisionFeed(url, "shop", "swt_x", warn=warnings.append, directory=tmp_path)
    feed.start()
    feed.stop()
    assert not _allowed(_webhook(feed), _deployment("web"))
    assert "every finding counts" in warnings[0]


def test_admission_serve_with_a_server_needs_a_project(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from shieldwall.cli.main import cli

    result = CliRunner().invoke(
        cli,
        ["admission", "serve", "--tls-cert", str(tmp_path / "c.pem"),
         "--tls-key", str(tmp_path / "k.pem"), "--server", "http://127.0.0.1:9"],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "--server needs --project NAME" in result.output
