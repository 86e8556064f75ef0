"""Behaviour cases with exact expectations: tests/fixtures/code_cases/<behaviour>/<case>.py.

Every line that must raise a finding ends with `# expect: RULE-ID[, RULE-ID]`; the
analyzer must report exactly those (line, rule) pairs in the file, no more, no
fewer. The folder names the behaviour (a source, a sink, a sanitiser that does or
does not hold, a pattern), the file the case."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shieldwall.analyzers.code.analyzer import ALL_RULES, analyze_text

ROOT = Path(__file__).resolve().parents[2] / "fixtures" / "code_cases"
CASES = sorted(ROOT.rglob("*.py"))
EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9][A-Z0-9, -]*)")


def expected(text: str) -> set[tuple[int, str]]:
    out: set[tuple[int, str]] = set()
    for number, line in enumerate(text.splitlines(), 1):
        m = EXPECT.search(line)
        if m:
            out.update((number, rule.strip()) for rule in m.group(1).split(",") if rule.strip())
    return out


@pytest.mark.parametrize("path", CASES, ids=[p.relative_to(ROOT).as_posix() for p in CASES])
def test_case_reports_exactly_the_expected_lines_and_rules(path: Path) -> None:
    text = path.read_text()
    want = expected(text)
    got = {(f.line, f.rule.id) for f in analyze_text(path.relative_to(ROOT).as_posix(), text)}
    assert got == want, f"missed {sorted(want - got)}, unexpected {sorted(got - want)}"


def test_expectations_name_known_rules() -> None:
    assert len(CASES) >= 15
    known = {r.id for r in ALL_RULES}
    for path in CASES:
        for _, rule in expected(path.read_text()):
            assert rule in known, f"{path.name}: unknown rule {rule}"
