"""Every secrets rule is declared once, as a `Rule` object that the detector's
matches carry; tables keyed by rule id are checked when their module loads."""

from __future__ import annotations

import pytest

from shieldwall.analyzers.secrets import SecretsAnalyzer
from shieldwall.analyzers.secrets.buildargs import BUILD_ARG_IN_ENV
from shieldwall.analyzers.secrets.catalog import SPECS
from shieldwall.analyzers.secrets.engine import GENERIC_PASSWORD, GENERIC_TOKEN, Detector
from shieldwall.analyzers.secrets.rules import PROVIDER_OF, all_rules, known
from shieldwall.analyzers.secrets.verify import SHARED_FORMAT, VERIFIABLE


def test_each_provider_spec_carries_the_rule_the_analyzer_lists() -> None:
    listed = {r.id: r for r in SecretsAnalyzer().rules()}
    assert len(listed) == len(all_rules())  # no id declared twice
    for spec in SPECS:
        assert spec.rule.id == f"SECRET-{spec.key}"
        assert listed[spec.rule.id] is spec.rule
    for declared in (GENERIC_PASSWORD, GENERIC_TOKEN, BUILD_ARG_IN_ENV):
        assert listed[declared.id] is declared


def test_a_match_carries_its_rule_object() -> None:
    text = 'DB_PASSWORD = "Vq7-r2Lm9xTz"\nARG NPM_TOKEN\nENV NPM_TOKEN=$NPM_TOKEN\n'
    found = Detector().scan(text.encode(), "Dockerfile")
    assert {m.rule.id: m.rule for m in found} == {
        GENERIC_PASSWORD.id: GENERIC_PASSWORD,
        BUILD_ARG_IN_ENV.id: BUILD_ARG_IN_ENV,
    }


def test_tables_keyed_by_rule_id_name_declared_rules_only() -> None:
    ids = {r.id for r in all_rules()}
    assert ids >= VERIFIABLE and ids >= SHARED_FORMAT and set(PROVIDER_OF) <= ids
    with pytest.raises(ValueError, match="SECRET-GITHUB-PAX"):
        known(("SECRET-GITHUB-PAT", "SECRET-GITHUB-PAX"), "verify.VERIFIABLE")
