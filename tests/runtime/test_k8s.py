from __future__ import annotations

import json
from typing import Any

from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.decisions import Detection
from shieldwall.runtime.engine import Engine
from shieldwall.runtime.reader import LogSource
from shieldwall.runtime.sources.registry import PARSERS
from shieldwall.runtime.store import DecisionStore


def _event(verb: str, resource: str, user: str = "alice", code: int = 200, **kw: Any) -> bytes:
    body = {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "stage": "ResponseComplete",
        "verb": verb,
        "requestURI": kw.pop("uri", f"/api/v1/{resource}"),
        "user": {"username": user, "groups": kw.pop("groups", ["system:authenticated"])},
        "objectRef": {"resource": resource, "namespace": "shop", "name": "x", **kw.pop("ref", {})},
        "responseStatus": {"code": code},
        "stageTimestamp": "2026-12-03T03:00:00Z",
        **kw,
    }
    return json.dumps(body).encode()


def _kinds(lines: list[bytes]) -> list[str]:
    source = LogSource("audit.log", Engine(WatchConfig(), DecisionStore()), PARSERS["k8s-audit"])
    out = []
    for line in lines:
        out += [o.kind for o in source.feed(line) if isinstance(o, Detection)]
    return out


def test_runtime_only_audit_detections() -> None:
    binding = {"roleRef": {"kind": "ClusterRole", "name": "cluster-admin"}, "subjects": []}
    lines = [
        _event("create", "pods", code=101, ref={"subresource": "exec"}),
        _event("get", "secrets", user="system:serviceaccount:shop:web"),
        _event("get", "secrets", user="system:serviceaccount:shop:web"),  # not new any more
        _event("list", "pods", user="system:anonymous", groups=["system:unauthenticated"]),
        _event("get", "pods", user="system:anonymous", code=403),  # refused: fine
        _event("create", "clusterrolebindings", requestObject=binding),
    ]
    assert _kinds(lines) == ["k8s-exec", "k8s-secret-read", "k8s-anonymous", "k8s-cluster-admin"]
