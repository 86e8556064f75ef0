"""The one way to declare a rule and turn its hits into findings."""

from __future__ import annotations

import pytest

from shieldwall.analyzers.config import registry
from shieldwall.analyzers.config.k8s_ingress import K8S_INGRESS_NGINX_SNIPPET
from shieldwall.analyzers.hits import Hit, RuleModule, findings_from, rule, rules_of
from shieldwall.model import Control, Rule, Severity


def _rule(rule_id: str = "TEST-RULE") -> Rule:
    return rule(
        id=rule_id,
        analyzer="test",
        control=Control.CODE,
        severity=Severity.LOW,
        title="t",
        description="d",
        remediation="r",
    )


def test_a_rule_is_declared_with_keywords_only() -> None:
    with pytest.raises(TypeError):
        rule("TEST-RULE", "test", Control.CODE, Severity.LOW, "t", "d", "r")  # type: ignore[call-arg]


def test_findings_carry_the_hit_rule_object_and_its_place() -> None:
    r = _rule()
    [finding] = findings_from([Hit(r, "a.yaml", 3, "Pod/x", "bad", "k", end_line=5)], unit="u")
    assert finding.rule is r
    assert (finding.location.path, finding.location.start_line, finding.location.end_line) == (
        "a.yaml",
        3,
        5,
    )
    assert (finding.resource, finding.key, finding.unit) == ("Pod/x", "k", "u")


def test_findings_from_gives_each_fingerprint_once_across_calls() -> None:
    r = _rule()
    hits = [Hit(r, "a.yaml", 3, "Pod/x", "first"), Hit(r, "a.yaml", 9, "Pod/x", "second")]
    seen: set[str] = set()
    assert [f.message for f in findings_from(hits, seen=seen)] == ["first"]
    assert findings_from(hits, seen=seen) == []


def test_findings_from_leaves_out_and_rewrites_what_it_is_told() -> None:
    keep, drop = _rule("TEST-KEEP"), _rule("TEST-DROP")
    hits = [Hit(drop, "a", 1, "r", "m"), Hit(keep, "a", 1, "r", "m")]
    found = findings_from(
        hits, keep=lambda h: h.rule is keep, message=lambda h: h.message + " (note)"
    )
    assert [(f.rule.id, f.message) for f in found] == [("TEST-KEEP", "m (note)")]


def test_a_rule_id_declared_twice_is_refused() -> None:
    class Module:
        RULES = (_rule("TEST-SAME"),)

        @staticmethod
        def check(ctx: object) -> list[Hit]:
            return []

    modules: list[RuleModule[object]] = [Module(), Module()]
    with pytest.raises(ValueError, match="TEST-SAME is declared twice"):
        rules_of(modules)


def test_config_registry_holds_every_module_rule_once() -> None:
    rules = registry.all_rules()
    assert K8S_INGRESS_NGINX_SNIPPET in rules
    assert len({r.id for r in rules}) == len(rules)
    assert all(r.analyzer == "config" for r in rules)
