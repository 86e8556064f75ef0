"""Every rule against labelled snippets, with the exact lines and rules expected.

Five corpora under tests/fixtures, named for what they exercise:

- code_rules/<CWE>/bad_*.py and good_*.py: a vulnerable example and safe
  look-alikes per rule (parameterised, cast, sanitised, allow-listed...).
- code_flows/<CWE>/*.py: flows through cookies, class-based views, helpers,
  globals, repository classes (written without looking at the analyzer).
- code_propagators/<CWE>/*.py: OWASP-Benchmark-like handlers where a request
  value passes through a tricky propagator (dicts, lists, threads, closures...).
- code_call_chains/<CWE>/*.py: call chains, *args/**kwargs, class-based views,
  pydantic models, defaults.
- code_request_sources/<CWE>/*.py: many request sources, one propagator each.

The labelled corpora start with `# label: vulnerable CWE-89` or `# label: safe
CWE-89`; code_rules is labelled by its bad_/good_ names and folders. Each
corpus' expected.txt lists, per case, the findings of its category exactly
(`RULE@line`, `-` for none): a vulnerable case must raise those and no other
finding of its CWE, a safe one none. The cases still wrong are in
KNOWN_FAILURES with the reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shieldwall.analyzers.code.analyzer import ALL_RULES, analyze_text

ROOT = Path(__file__).resolve().parents[2] / "fixtures"
CORPORA = (
    "code_rules",
    "code_flows",
    "code_propagators",
    "code_call_chains",
    "code_request_sources",
)
CASES = {name: sorted((ROOT / name).rglob("*.py")) for name in CORPORA}
# corpus/CWE/file: why the analyzer still gets it wrong
KNOWN_FAILURES = {
    "code_call_chains/CWE-502/pickle_local_cache.py": "a file read feeds deserialisation "
    "sinks as untrusted input even at a constant path inside the application",
}
LABEL = re.compile(r"# label: (vulnerable|safe) (CWE-\d+)$")


def _label(path: Path) -> tuple[bool, str]:
    """(vulnerable, CWE) of a fixture: its label line, else its name and folder."""
    first = path.read_text().split("\n", 1)[0]
    m = LABEL.match(first)
    if m:
        return m.group(1) == "vulnerable", m.group(2)
    assert path.name.startswith(("bad_", "good_")), f"{path.name}: no label"
    return path.name.startswith("bad_"), path.parent.name


def _expected(corpus: str) -> dict[str, set[tuple[int, str]]]:
    out: dict[str, set[tuple[int, str]]] = {}
    for line in (ROOT / corpus / "expected.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rel, _, found = line.partition(": ")
        pairs = set()
        for item in found.split():
            if item != "-":
                rule, _, at = item.partition("@")
                pairs.add((int(at), rule))
        out[rel] = pairs
    return out


EXPECTED = {name: _expected(name) for name in CORPORA}


def _findings(path: Path) -> set[tuple[int, str]]:
    cwe = _label(path)[1]
    return {
        (r.line, r.rule.id) for r in analyze_text(path.name, path.read_text()) if cwe in r.rule.cwe
    }


def _case(corpus: str, path: Path) -> object:
    key = f"{corpus}/{path.relative_to(ROOT / corpus).as_posix()}"
    known = KNOWN_FAILURES.get(key)
    marks = [pytest.mark.xfail(reason=known, strict=True)] if known else []
    return pytest.param(corpus, path, marks=marks, id=key)


@pytest.mark.parametrize(("corpus", "path"), [_case(c, p) for c in CORPORA for p in CASES[c]])
def test_case_raises_exactly_the_expected_findings(corpus: str, path: Path) -> None:
    vulnerable, cwe = _label(path)
    want = EXPECTED[corpus][path.relative_to(ROOT / corpus).as_posix()]
    assert bool(want) == vulnerable, f"{path.name}: expected.txt disagrees with the label"
    got = _findings(path)
    assert got == want, (
        f"{path.name} ({cwe}): missed {sorted(want - got)}, unexpected {sorted(got - want)}"
    )


@pytest.mark.parametrize("corpus", CORPORA)
def test_every_case_has_an_expectation(corpus: str) -> None:
    rels = {p.relative_to(ROOT / corpus).as_posix() for p in CASES[corpus]}
    assert rels == set(EXPECTED[corpus]), "expected.txt and the files differ"
    known = {r.id for r in ALL_RULES}
    for rel, pairs in EXPECTED[corpus].items():
        for _, rule in pairs:
            assert rule in known, f"{rel}: unknown rule {rule}"


@pytest.mark.parametrize(
    ("corpus", "at_least", "per_side", "min_side"),
    [
        ("code_flows", 250, None, 1),
        ("code_propagators", 17 * 16, None, 8),
        ("code_call_chains", 20 * 12, 6, 6),
        ("code_request_sources", 18 * 10, 5, 5),
    ],
)
def test_labelled_corpus_is_balanced(
    corpus: str, at_least: int, per_side: int | None, min_side: int
) -> None:
    cases = CASES[corpus]
    assert len(cases) >= at_least
    per_cwe: dict[tuple[str, bool], int] = {}
    for path in cases:
        m = LABEL.match(path.read_text().split("\n", 1)[0])
        assert m, f"{path}: first line is not a label"
        assert m.group(2) == path.parent.name, path
        if path.name.startswith(("bad_", "good_")):
            assert (m.group(1) == "vulnerable") == path.name.startswith("bad_"), path
        key = (m.group(2), m.group(1) == "vulnerable")
        per_cwe[key] = per_cwe.get(key, 0) + 1
    if per_side is not None:
        assert set(per_cwe.values()) == {per_side}, per_cwe
    assert min(per_cwe.values()) >= min_side, per_cwe


def test_every_rule_has_failing_and_passing_fixtures() -> None:
    hit: set[str] = set()
    every = [*CASES["code_rules"], *CASES["code_flows"]]
    dirs_with_good = {_label(p)[1] for p in every if not _label(p)[0]}
    for path in every:
        if _label(path)[0]:
            hit.update(rule for _, rule in _findings(path))
    for rule in ALL_RULES:
        assert rule.id in hit, f"no vulnerable fixture triggers {rule.id}"
        assert any(c in dirs_with_good for c in rule.cwe), f"no safe fixture for {rule.id}"


def test_rule_examples_are_substantial() -> None:
    bad = [p for p in CASES["code_rules"] if p.name.startswith("bad_")]
    good = [p for p in CASES["code_rules"] if p.name.startswith("good_")]
    assert len(bad) >= 40 and len(good) >= 40


def test_known_failures_name_cases() -> None:
    names = {f"{c}/{p.relative_to(ROOT / c).as_posix()}" for c in CORPORA for p in CASES[c]}
    assert set(KNOWN_FAILURES) <= names, "a known failure names no case"
