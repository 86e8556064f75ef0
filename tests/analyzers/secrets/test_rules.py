"""Every provider rule: metadata, a pass case and a fail case (samples built at
test time from the rule's own pattern)."""

from __future__ import annotations

import re

import pytest

from shieldwall.analyzers.secrets import SecretsAnalyzer
from shieldwall.analyzers.secrets.catalog import SPECS
from shieldwall.analyzers.secrets.engine import Detector
from shieldwall.analyzers.secrets.prefilter import HAVE_HYPERSCAN, RegexPrefilter
from shieldwall.model import Control
from tests.analyzers.secrets.samples import sample_for

DETECTOR = Detector()
LINE_RULES = [s for s in SPECS if not s.rule_id.startswith("SECRET-PRIVATE-KEY")]


def ids(text: str, path: str = "settings.env", detector: Detector = DETECTOR) -> set[str]:
    return {m.rule_id for m in detector.scan((text + "\n").encode(), path)}


def test_catalog_size_and_metadata() -> None:
    rules = SecretsAnalyzer().rules()
    assert len(SPECS) >= 120
    assert len({r.id for r in rules}) == len(rules)
    for rule in rules:
        assert rule.id.startswith("SECRET-")
        assert rule.control is Control.SECRETS
        assert rule.references and all(r.startswith("https://") for r in rule.references)
        assert rule.remediation.startswith(("Revoke", "Change"))
        assert rule.cwe


def test_every_spec_names_provider_and_revocation() -> None:
    for spec in SPECS:
        assert spec.provider and spec.revoke and spec.hints
        assert "(?P<s>" in spec.pattern or spec.rule_id.startswith("SECRET-PRIVATE-KEY")


@pytest.mark.skipif(not HAVE_HYPERSCAN, reason="hyperscan is not installed")
def test_hints_compile_for_hyperscan() -> None:
    assert DETECTOR.prefilter.name == "hyperscan"


@pytest.mark.parametrize("spec", LINE_RULES, ids=lambda s: s.rule_id)
def test_rule_flags_its_format(spec) -> None:
    assert spec.rule_id in ids(sample_for(spec))


@pytest.mark.parametrize("spec", LINE_RULES, ids=lambda s: s.rule_id)
def test_rule_ignores_placeholder_fill(spec) -> None:
    sample = sample_for(spec)
    match = re.search(spec.pattern, sample, spec.flags)
    assert match is not None
    group = "s" if "s" in match.re.groupindex else 0
    start, end = match.span(group)
    keep = min(4, (end - start) // 4) if end - start >= 12 else 0
    filled = sample[: start + keep] + "x" * (end - start - keep) + sample[end:]
    assert spec.rule_id not in ids(filled)


@pytest.mark.parametrize("spec", LINE_RULES[::7], ids=lambda s: s.rule_id)
def test_regex_fallback_finds_the_same(spec) -> None:
    fallback = Detector(backend="re")
    assert isinstance(fallback.prefilter, RegexPrefilter)
    assert spec.rule_id in ids(sample_for(spec), detector=fallback)


def test_token_inside_a_longer_word_is_not_flagged() -> None:
    spec = next(s for s in SPECS if s.rule_id == "SECRET-STRIPE-SECRET-KEY")
    assert "SECRET-STRIPE-SECRET-KEY" not in ids("x" + "Q" + sample_for(spec))
