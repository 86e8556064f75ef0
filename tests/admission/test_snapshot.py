"""Cross-resource rules from a cluster snapshot kept by list/watch, against a
fake API server on 127.0.0.1; without a synced snapshot, object-local rules only."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from kubernetes import client

from shieldwall.admission.jsonlog import JsonLog
from shieldwall.admission.snapshot import ClusterSnapshot
from shieldwall.admission.webhook import Webhook
from shieldwall.engine.object_check import ObjectCheck
from tests.admission.fake_apiserver import FakeApiServer
from tests.admission.https import review


def _policy(name: str, app: str) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": "shop"},
        "spec": {"podSelector": {"matchLabels": {"app": app}}, "policyTypes": ["Ingress"]},
    }


def _deployment(app: str) -> dict[str, Any]:
    labels = {"app": app}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": app, "namespace": "shop", "labels": labels},
        "spec": {
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": app, "image": "nginx:1.27"}]},
            },
        },
    }


@pytest.fixture
def cluster() -> Iterator[tuple[FakeApiServer, ClusterSnapshot]]:
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}
    fake = FakeApiServer([namespace, _policy("web", "web")])
    configuration = client.Configuration()
    configuration.host = fake.url
    snapshot = ClusterSnapshot(client.ApiClient(configuration), JsonLog(io.StringIO()))
    yield fake, snapshot
    snapshot.stop()
    fake.close()


def _wait(condition: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _rules(webhook: Webhook, obj: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    answer = webhook.validate(orjson.dumps(review(obj)))["response"]
    text = answer.get("status", {}).get("message", "") + " ".join(answer.get("warnings", []))
    return text, answer


def test_unsynced_snapshot_means_object_local_rules(
    cluster: tuple[FakeApiServer, ClusterSnapshot],
) -> None:
    fake, snapshot = cluster
    fake.hold.set()
    snapshot.start()
    webhook = Webhook(ObjectCheck(fail_on="medium"), cluster=snapshot, log=snapshot._log)
    text, answer = _rules(webhook, _deployment("api"))
    assert answer["auditAnnotations"]["shieldwall.io/rules"] == "object-local"
    assert "K8S-NETPOL-MISSING" not in text
    assert "only the" in text
    fake.hold.clear()


def test_snapshot_brings_network_policies_and_follows_the_watch(
    cluster: tuple[FakeApiServer, ClusterSnapshot],
) -> None:
    fake, snapshot = cluster
    snapshot.start()
    _wait(lambda: snapshot.synced)
    webhook = Webhook(ObjectCheck(fail_on="medium"), cluster=snapshot, log=snapshot._log)
    covered, answer = _rules(webhook, _deployment("web"))
    assert answer["auditAnnotations"]["shieldwall.io/rules"] == "cluster"
    assert "K8S-NETPOL-MISSING" not in covered
    uncovered, _ = _rules(webhook, _deployment("api"))
    assert "K8S-NETPOL-MISSING" in uncovered
    fake.add(_policy("api", "api"))
    _wait(lambda: any(_key(o) == "NetworkPolicy/api" for o in snapshot.objects("shop") or ()))
    now_covered, _ = _rules(webhook, _deployment("api"))
    assert "K8S-NETPOL-MISSING" not in now_covered


def _key(obj: Any) -> str:
    return f"{obj['kind']}/{obj['metadata']['name']}"
