"""Through the real HTTPS endpoint, each workload-level rule that needs no other
object denies the objects its fail fixtures fail on and allows its pass fixtures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from shieldwall.engine.object_check import CONTEXT_RULES, ObjectCheck, to_k8s_object
from tests.admission.https import post, review, serving
from tests.analyzers.config.test_rule_fixtures import _files
from tests.conftest import config_findings


def _manifests(rule_id: str, kind: str) -> list[Path]:
    return [
        p
        for p in _files(rule_id, kind)
        if p.suffix in (".yaml", ".yml") and "compose" not in p.name
    ]


# Workload-level rules that need no other object, with Kubernetes fixtures
# (a rule with compose fixtures only, such as NET-DB-TLS-DISABLED, has none to send).
ADMISSION_RULES = [
    r.id
    for r in ObjectCheck().rules()
    if "workload" in r.applies_to and r.id not in CONTEXT_RULES and _manifests(r.id, "fail")
]


def _objects(path: Path) -> list[dict[str, Any]]:
    return [
        d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict) and d.get("kind")
    ]


def _resource(obj: dict[str, Any]) -> str:
    converted = to_k8s_object(obj, "fixture", {})
    return converted.id if converted is not None else ""


def test_most_workload_rules_apply_at_admission() -> None:
    workload_rules = [
        r for r in ObjectCheck().rules(with_context=True) if "workload" in r.applies_to
    ]
    assert len(ADMISSION_RULES) >= len(workload_rules) - len(CONTEXT_RULES)
    assert ADMISSION_RULES


@pytest.mark.parametrize("rule_id", ADMISSION_RULES)
def test_fail_fixtures_denied_pass_fixtures_allowed(
    rule_id: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    fails, passes = _manifests(rule_id, "fail"), _manifests(rule_id, "pass")
    with serving(tmp_path, rules=(rule_id,), fail_on="info") as (server, client, _):
        denied = 0
        for path in fails:
            alone = tmp_path_factory.mktemp("scan")
            (alone / path.name).write_text(path.read_text())
            failing = {f.resource for f in config_findings(alone) if f.rule.id == rule_id}
            for obj in _objects(path):
                # A file that is not an API object (KubeletConfiguration) is named by its path.
                if not {_resource(obj), f"{obj['kind']}/{path.name}"} & failing:
                    continue
                _, body = post(server, client, "/validate", orjson.dumps(review(obj)))
                answer = body["response"]
                assert answer["allowed"] is False, f"{path.name}: {_resource(obj)}"
                assert rule_id in answer["status"]["message"]
                denied += 1
        assert denied, f"no object of {rule_id}'s fail fixtures was sent"
        for path in passes:
            for obj in _objects(path):
                _, body = post(server, client, "/validate", orjson.dumps(review(obj)))
                assert body["response"]["allowed"] is True, f"{path.name}: {_resource(obj)}"
