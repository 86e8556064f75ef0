"""Every rule against labelled snippets: tests/fixtures/code/<CWE>/bad_*.py must
raise a finding with that CWE, good_*.py (safe look-alikes) must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from shieldwall.analyzers.code.analyzer import analyze_text
from shieldwall.analyzers.code.rules import ALL_RULES, BY_ID

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "code"
CASES = sorted(FIXTURES.rglob("*.py"))


def _cwe_findings(path: Path) -> list[str]:
    cwe = path.parent.name
    raws = analyze_text(path.name, path.read_text())
    return [r.rule for r in raws if cwe in BY_ID[r.rule].cwe]


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(path: Path) -> None:
    rules = _cwe_findings(path)
    if path.name.startswith("bad_"):
        assert rules, f"{path.name}: expected a {path.parent.name} finding"
    else:
        assert path.name.startswith("good_")
        assert not rules, f"{path.name}: safe look-alike flagged by {rules}"


def test_every_rule_has_failing_and_passing_fixtures() -> None:
    hit: set[str] = set()
    dirs_with_good = {p.parent.name for p in CASES if p.name.startswith("good_")}
    for path in CASES:
        if path.name.startswith("bad_"):
            hit.update(_cwe_findings(path))
    for rule in ALL_RULES:
        assert rule.id in hit, f"no bad_ fixture triggers {rule.id}"
        assert any(c in dirs_with_good for c in rule.cwe), f"no good_ fixture for {rule.id}"


def test_fixture_set_is_substantial() -> None:
    bad = [p for p in CASES if p.name.startswith("bad_")]
    good = [p for p in CASES if p.name.startswith("good_")]
    assert len(bad) >= 40 and len(good) >= 40
