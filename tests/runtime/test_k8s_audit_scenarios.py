"""Audit scenarios: credential guessing against the API server and RBAC probing,
from `audit.k8s.io/v1` events built here and read through the k8s-audit parser."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shieldwall.errors import ConfigError
from shieldwall.runtime.config import WatchConfig, from_mapping
from shieldwall.runtime.decisions import Decision, Detection
from shieldwall.runtime.engine import Engine
from shieldwall.runtime.events import HttpEvent
from shieldwall.runtime.reader import LogSource
from shieldwall.runtime.sources.registry import PARSERS
from shieldwall.runtime.store import DecisionStore

OUTSIDE = "203.0.113.7"
RESOURCES = ("secrets", "pods", "nodes", "configmaps", "deployments", "roles", "clusterroles")


def _event(second: float, code: int, ips: list[str], user: str = "", **kw: Any) -> bytes:
    minutes, seconds = divmod(second, 60)
    groups = kw.pop("groups", ["system:authenticated"] if user else [])
    body = {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "stage": "ResponseComplete",
        "verb": kw.pop("verb", "list"),
        "requestURI": kw.pop("uri", "/api/v1/namespaces/shop/pods"),
        "user": {"username": user, "groups": groups} if user else {},
        "sourceIPs": ips,
        "objectRef": {"resource": kw.pop("resource", "pods"), "namespace": "shop"},
        "responseStatus": {"code": code},
        "stageTimestamp": f"2026-12-03T03:{int(minutes):02d}:{seconds:06.3f}Z",
    }
    return json.dumps(body).encode()


def _feed(lines: list[bytes], config: WatchConfig | None = None) -> list[Detection | Decision]:
    engine = Engine(config or WatchConfig(), DecisionStore())
    source = LogSource("audit.log", engine, PARSERS["k8s-audit"])
    out: list[Detection | Decision] = []
    for line in lines:
        out += source.feed(line)
    return out


def _named(found: list[Detection | Decision]) -> list[tuple[str, str]]:
    return [
        (o.scenario, o.value) if isinstance(o, Decision) else (o.kind, o.source)
        for o in found
        if isinstance(o, Decision) or o.kind.startswith("k8s-")
    ]


def _failures(count: int, ip: str = OUTSIDE, every: float = 0.5, **kw: Any) -> list[bytes]:
    return [_event(i * every, 401, [ip], **kw) for i in range(count)]


def test_one_client_failing_authentication_eleven_times_fast_is_banned() -> None:
    found = _feed(_failures(11))
    bans = [o for o in found if isinstance(o, Decision)]
    assert [(d.scenario, d.value, d.type) for d in bans] == [
        ("k8s-auth-bruteforce", OUTSIDE, "ban")
    ]
    assert len(bans[0].evidence) == 5 and bans[0].evidence[-1] == "audit.log:11"


def test_ten_failed_authentications_from_one_client_are_not_banned() -> None:
    assert _named(_feed(_failures(10))) == []


def test_anonymous_requests_refused_403_count_as_failed_authentications() -> None:
    lines = [
        _event(i * 0.5, 403, [OUTSIDE], "system:anonymous", groups=["system:unauthenticated"])
        for i in range(11)
    ]
    assert _named(_feed(lines)) == [("k8s-auth-bruteforce", OUTSIDE)]


def test_an_authenticated_identity_refused_403_is_not_a_failed_authentication() -> None:
    lines = [_event(i * 0.5, 403, [OUTSIDE], "alice") for i in range(20)]
    assert _named(_feed(lines)) == []


def test_failures_from_a_pod_address_are_an_alert_not_a_ban() -> None:
    found = _feed(_failures(11, ip="10.244.1.17"))
    assert [o for o in found if isinstance(o, Decision)] == []
    assert _named(found) == [("k8s-auth-bruteforce", "10.244.1.17")]


def test_a_forwarded_address_is_believed_only_behind_a_trusted_proxy() -> None:
    forged = [_event(i * 0.5, 401, ["198.51.100.9", OUTSIDE]) for i in range(11)]
    assert _named(_feed(forged)) == [("k8s-auth-bruteforce", OUTSIDE)]
    behind = [_event(i * 0.5, 401, ["198.51.100.9", "192.0.2.1"]) for i in range(11)]
    config = from_mapping({"trusted_proxies": ["192.0.2.0/24"]})
    assert _named(_feed(behind, config)) == [("k8s-auth-bruteforce", "198.51.100.9")]


def test_a_kubelet_retrying_after_a_token_rotation_stays_quiet() -> None:
    # a few 401s with client-go's backoff, then the new token works
    retries = [_event(t, 401, ["10.0.0.12"]) for t in (0, 0.8, 2.4, 5.6, 12, 24.8)]
    works = [_event(30 + i, 200, ["10.0.0.12"], "system:node:worker-1") for i in range(50)]
    assert _named(_feed(retries + works)) == []


def test_health_checks_refused_without_credentials_stay_quiet() -> None:
    lines = [_event(i, 401, ["192.0.2.50"], uri="/readyz", resource="") for i in range(300)]
    assert _named(_feed(lines)) == []


def test_many_clients_failing_as_one_user_raise_an_account_alert() -> None:
    lines = [_event(i * 5, 401, [f"198.51.100.{i + 1}"], "admin") for i in range(6)]
    found = _feed(lines)
    assert _named(found) == [("k8s-auth-distributed-account", "account:admin")]
    alert = found[-1]
    assert isinstance(alert, Detection) and "198.51.100.6" in alert.request
    assert "audit.log:1" in alert.request


def test_five_clients_failing_as_one_user_raise_nothing() -> None:
    lines = [_event(i * 5, 401, [f"198.51.100.{i + 1}"], "admin") for i in range(5)]
    assert _named(_feed(lines)) == []


def _probes(user: str, requests: list[tuple[str, str]], every: float = 0.3) -> list[bytes]:
    return [
        _event(n * every, 403, ["10.244.3.9"], user, verb=verb, resource=resource)
        for n, (verb, resource) in enumerate(requests)
    ]


def test_a_service_account_denied_on_nine_distinct_requests_is_reported() -> None:
    sa = "system:serviceaccount:shop:web"
    tried = [(v, r) for r in RESOURCES for v in ("get", "list")][:9]
    found = _feed(_probes(sa, tried))
    assert _named(found) == [("k8s-rbac-probing", f"account:{sa}")]
    alert = found[-1]
    assert isinstance(alert, Detection)
    assert "9 distinct requests" in alert.request and "audit.log:9" in alert.request
    assert [o for o in found if isinstance(o, Decision)] == []


def test_eight_distinct_denials_or_one_denial_retried_stay_quiet() -> None:
    sa = "system:serviceaccount:shop:web"
    eight = [(v, r) for r in RESOURCES for v in ("get", "list")][:8]
    assert _named(_feed(_probes(sa, eight))) == []
    controller = "system:serviceaccount:kube-system:operator"
    assert _named(_feed(_probes(controller, [("list", "secrets")] * 100))) == []


def test_a_ci_job_asking_kubectl_auth_can_i_stays_quiet() -> None:
    # can-i creates a SelfSubjectAccessReview, answered 201 whatever the verdict
    lines = [
        _event(i, 201, ["10.1.0.4"], "ci", verb="create", resource="selfsubjectaccessreviews")
        for i in range(6)
    ]
    lines += _probes("ci", [("get", "secrets"), ("create", "pods"), ("delete", "nodes")])
    assert _named(_feed(lines)) == []


def test_audit_scenarios_can_be_overridden_or_disabled() -> None:
    config = from_mapping(
        {
            "scenarios": {
                "k8s-auth-bruteforce": {"capacity": 100},
                "k8s-rbac-probing": {"enabled": False},
            }
        }
    )
    tried = [(v, r) for r in RESOURCES for v in ("get", "list")]
    lines = _failures(20) + _probes("system:serviceaccount:shop:web", tried)
    assert _named(_feed(lines, config)) == []
    stricter = from_mapping({"scenarios": {"k8s-auth-bruteforce": {"capacity": 3}}})
    assert _named(_feed(_failures(4), stricter)) == [("k8s-auth-bruteforce", OUTSIDE)]


def test_an_audit_scenario_decision_private_takes_a_decision_type() -> None:
    override = {"decision": {"type": "ban", "duration": "1h", "private": "throttle"}}
    config = from_mapping({"scenarios": {"k8s-auth-bruteforce": override}})
    found = _feed(_failures(11, ip="10.244.1.17"), config)
    assert [(o.scenario, o.value, o.type) for o in found if isinstance(o, Decision)] == [
        ("k8s-auth-bruteforce", "10.244.1.17", "throttle")
    ]
    wrong = {"decision": {"type": "ban", "duration": "1h", "private": "x"}}
    with pytest.raises(ConfigError, match="private"):
        from_mapping({"scenarios": {"k8s-auth-bruteforce": wrong}})


def test_a_grouping_its_trigger_cannot_count_is_refused_at_load_naming_the_scenario() -> None:
    with pytest.raises(ConfigError, match=r"k8s-auth-bruteforce.*trigger audit.*'route'"):
        from_mapping({"scenarios": {"k8s-auth-bruteforce": {"group_by": "route"}}})
    with pytest.raises(ConfigError, match=r"http-scanner-ua.*trigger detection.*'account'"):
        from_mapping({"scenarios": {"http-scanner-ua": {"group_by": "account"}}})
    routed = from_mapping({"scenarios": {"http-bruteforce": {"group_by": "route"}}})
    assert {s.name: s.group_by for s in routed.scenarios}["http-bruteforce"] == "route"


def test_an_allowlisted_network_never_counts_for_audit_scenarios() -> None:
    config = from_mapping({"allowlist": {"cidrs": ["203.0.113.0/24"]}})
    assert _named(_feed(_failures(30), config)) == []


def test_an_http_scenario_with_decision_alert_reports_and_stores_nothing() -> None:
    config = from_mapping({"scenarios": {"http-bruteforce": {"decision": {"type": "alert"}}}})
    engine = Engine(config, DecisionStore())
    out: list[Detection | Decision] = []
    for i in range(11):
        event = HttpEvent(1_796_292_000.0 + i, OUTSIDE, "POST", "/login", "", 401)
        out += engine.http(event, f"t.log:{i + 1}")
    assert [(o.kind, o.source) for o in out] == [("http-bruteforce", OUTSIDE)]
    assert engine.store.all() == []
