"""Rules compiled to ValidatingAdmissionPolicy agree with the analyzer on every
pass and fail fixture, evaluated by a CEL implementation."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from shieldwall.admission.vap import compiled_rules, policies_yaml
from shieldwall.admission.vap_select import select_policies
from shieldwall.engine.object_check import ObjectCheck
from shieldwall.model import Severity
from tests.admission.cel_agreement import agreement, python_cel, rust_cel

COMPILED = compiled_rules(ObjectCheck().rules())
SHOP = Path(__file__).resolve().parents[2] / "examples" / "shop"


@pytest.mark.parametrize("compiled", COMPILED, ids=lambda c: c.rule.id)
def test_compiled_rule_agrees_with_the_analyzer_on_its_fixtures(compiled: object) -> None:
    from shieldwall.admission.vap import CompiledRule

    assert isinstance(compiled, CompiledRule)
    result = agreement(compiled, rust_cel())
    assert result.objects >= 2, "a rule is judged on at least one pass and one fail object"
    assert result.disagreements == []
    assert result.agreed == result.objects


def test_a_second_cel_implementation_agrees_too() -> None:
    evaluate = python_cel()
    for compiled in COMPILED[:6]:
        assert agreement(compiled, evaluate).disagreements == []


def test_each_policy_has_a_binding_denying_at_the_threshold() -> None:
    docs = list(yaml.safe_load_all(policies_yaml(COMPILED, Severity.HIGH)))
    policies = [d for d in docs if d["kind"] == "ValidatingAdmissionPolicy"]
    bindings = {
        d["spec"]["policyName"]: d for d in docs if d["kind"] != "ValidatingAdmissionPolicy"
    }
    assert len(policies) == len(COMPILED) == len(bindings)
    for policy in policies:
        assert policy["spec"]["failurePolicy"] == "Fail"
        actions = bindings[policy["metadata"]["name"]]["spec"]["validationActions"]
        severity = Severity(policy["metadata"]["annotations"]["shieldwall.io/severity"])
        assert actions == (["Deny"] if severity.rank >= Severity.HIGH.rank else ["Warn", "Audit"])


def test_for_a_repository_rules_its_manifests_fail_are_left_out() -> None:
    chosen = select_policies(SHOP, None)
    assert 0 < chosen.compiled < len(COMPILED)
    names = {
        d["metadata"]["annotations"]["shieldwall.io/rule"]
        for d in yaml.safe_load_all(chosen.text)
        if d["kind"] == "ValidatingAdmissionPolicy"
    }
    assert "K8S-IMAGE-LATEST" not in names
    assert any(note.startswith("K8S-IMAGE-LATEST") for note in chosen.left_out)
