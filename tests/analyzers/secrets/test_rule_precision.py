"""Precision is claimed only where a benchmark measured it (SARIF `precision`)."""

from __future__ import annotations

from shieldwall.analyzers.secrets.rules import PROVIDER_OF, all_rules, at_severity
from shieldwall.formats.sarif import rule_descriptor
from shieldwall.model import Severity


def test_provider_rules_have_their_measured_precision_generic_rules_none() -> None:
    rules = all_rules()
    provider = [r for r in rules if r.id in PROVIDER_OF]
    generic = [r for r in rules if r.id not in PROVIDER_OF]
    assert provider and generic
    assert {r.precision for r in provider} == {"high"}
    assert {r.precision for r in generic} == {""}
    live = at_severity(provider[0], Severity.CRITICAL)
    assert rule_descriptor(live)["properties"]["precision"] == "high"
    assert "precision" not in rule_descriptor(generic[0])["properties"]
