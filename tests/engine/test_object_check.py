"""One Kubernetes object judged like `scan` judges a manifest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shieldwall.engine.object_check import CONTEXT_RULES, ObjectCheck, check_object
from shieldwall.engine.project_config import ExceptionEntry, ProjectConfig
from shieldwall.model import Severity


def _deployment(**security: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {"name": "web", "image": "nginx:1.27", "securityContext": security}
                    ]
                },
            },
        },
    }


def test_privileged_container_is_found_with_its_field_and_fails_the_gate() -> None:
    check = ObjectCheck()
    verdict = check.judge(_deployment(privileged=True), source="admission")
    privileged = [f for f in verdict.findings if f.rule.id == "K8S-PRIVILEGED"]
    assert len(privileged) == 1
    assert privileged[0].rule.severity is Severity.HIGH
    assert privileged[0].location.path == "admission"
    assert privileged[0].resource == "Deployment/shop/web"
    assert verdict.field_of(privileged[0]) == (
        "spec.template.spec.containers[0].securityContext.privileged"
    )
    assert verdict.gate.failed


def test_live_exception_suppresses_and_expired_one_does_not() -> None:
    obj = _deployment(privileged=True)
    today = dt.date(2026, 6, 1)
    live = ProjectConfig(
        exceptions=(ExceptionEntry("K8S-PRIVILEGED", "legacy", expires=dt.date(2027, 1, 1)),)
    )
    expired = ProjectConfig(
        exceptions=(ExceptionEntry("K8S-PRIVILEGED", "legacy", expires=dt.date(2026, 1, 1)),)
    )
    got = check_object(obj, source="admission", config=live, today=today)
    assert [f.suppressed for f in got if f.rule.id == "K8S-PRIVILEGED"] == [True]
    got = check_object(obj, source="admission", config=expired, today=today)
    assert [f.suppressed for f in got if f.rule.id == "K8S-PRIVILEGED"] == [False]
    assert any(f.rule.id == "EXCEPTION-EXPIRED" for f in got)


def test_fail_on_from_the_config_sets_the_gate() -> None:
    obj = _deployment(privileged=False)
    assert not ObjectCheck().judge(obj, source="a").gate.failed
    strict = ProjectConfig(fail_on=Severity.MEDIUM, fail_on_set=True)
    assert ObjectCheck(strict).judge(obj, source="a").gate.failed


def test_cross_resource_rules_apply_only_with_context() -> None:
    obj = _deployment()
    alone = {f.rule.id for f in check_object(obj, source="a")}
    assert not alone & CONTEXT_RULES
    with_cluster = {f.rule.id for f in check_object(obj, source="a", context=[])}
    assert "K8S-NETPOL-MISSING" in with_cluster
    policy = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress"]},
    }
    covered = {f.rule.id for f in check_object(obj, source="a", context=[policy])}
    assert "K8S-NETPOL-MISSING" not in covered


def test_what_is_not_a_kubernetes_object_has_no_finding() -> None:
    assert check_object({"hello": "world"}, source="a") == []
    assert check_object({"kind": "Pod"}, source="a") == []
