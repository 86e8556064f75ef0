"""DepsAnalyzer: DEPS-UNPINNED (pass and fail fixtures), the matcher contract,
no database, registration, and the example shop."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from shieldwall.analyzers.base import AnalyzerOutput, ScanTarget
from shieldwall.analyzers.deps import DepsAnalyzer
from shieldwall.analyzers.deps.osv.matcher import Advisory, VulnerabilityMatcher
from shieldwall.engine.analyzers import ANALYZERS
from shieldwall.engine.rules import rule_catalog
from shieldwall.model import Component, Settings, Severity
from shieldwall.sources.tree import walk
from tests.conftest import FIXTURES, REPO

RULE_DIR = FIXTURES / "rules" / "DEPS-UNPINNED"
_EXPECT = re.compile(r"^#\s*expect:\s*([\d,\s]+)$", re.MULTILINE)


def _no_database(settings: Settings) -> tuple[VulnerabilityMatcher | None, str]:
    return None, "no vulnerability database: run `shieldwall db update`"


class FakeMatcher:
    """Says every component named 'vulnerable' is affected by one advisory."""

    def __init__(self) -> None:
        self.seen: list[Component] = []

    def match(self, components: Sequence[Component]) -> Iterator[tuple[Component, Advisory]]:
        self.seen.extend(components)
        for c in components:
            if c.name == "vulnerable":
                yield (
                    c,
                    Advisory(
                        id="PYSEC-0000-1",
                        aliases=("CVE-0000-1",),
                        summary="bad things",
                        severity=Severity.CRITICAL,
                        cvss_vector=None,
                        fixed_versions=("1.0.1",),
                        references=(),
                        modified="2024-01-01T00:00:00Z",
                        upgrade_to="1.0.1",
                    ),
                )


def _analyze(
    root: Path, matcher: VulnerabilityMatcher | None = None
) -> tuple[DepsAnalyzer, AnalyzerOutput]:
    def opener(settings: Settings) -> tuple[VulnerabilityMatcher | None, str]:
        return (matcher, "") if matcher is not None else _no_database(settings)

    analyzer = DepsAnalyzer(opener)
    return analyzer, analyzer.analyze(ScanTarget(walk(root), Settings()))


def _fixtures(kind: str) -> list[Path]:
    return sorted(p for p in RULE_DIR.iterdir() if p.name.startswith(kind))


def test_unpinned_rule_has_pass_and_fail_fixtures() -> None:
    assert _fixtures("fail") and _fixtures("pass")


@pytest.mark.parametrize("path", _fixtures("fail"), ids=lambda p: p.name)
def test_unpinned_fail_fixture(path: Path, tmp_path: Path) -> None:
    match = _EXPECT.search(path.read_text())
    assert match
    expected = {int(x) for x in match.group(1).replace(",", " ").split()}
    shutil.copy(path, tmp_path / "requirements.txt")
    _, output = _analyze(tmp_path)
    got = {f.location.start_line for f in output.findings if f.rule.id == "DEPS-UNPINNED"}
    assert got == expected


@pytest.mark.parametrize("path", _fixtures("pass"), ids=lambda p: p.name)
def test_unpinned_pass_fixture(path: Path, tmp_path: Path) -> None:
    shutil.copy(path, tmp_path / "requirements.txt")
    _, output = _analyze(tmp_path)
    assert [f for f in output.findings if f.rule.id == "DEPS-UNPINNED"] == []


def test_unpinned_finding_fields_and_stable_fingerprint(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask>=2\n")
    _, first = _analyze(tmp_path)
    (tmp_path / "requirements.txt").write_text("# a comment\n\nflask>=2\n")
    _, second = _analyze(tmp_path)
    (f1,) = first.findings
    (f2,) = second.findings
    assert f1.rule.control.value == "supply-chain" and f1.rule.severity is Severity.LOW
    assert f1.resource == "pkg:pypi/flask" and f1.key == "range"
    assert "flask>=2" in f1.message
    assert (f1.location.start_line, f2.location.start_line) == (1, 3)
    assert f1.fingerprint == f2.fingerprint


def test_matcher_findings_for_pinned_components_only(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("vulnerable==1.0.0\nsafe==2.0\nopen>=1\n")
    matcher = FakeMatcher()
    _, output = _analyze(tmp_path, matcher)
    assert {c.name for c in matcher.seen} == {"vulnerable", "safe"}
    vulnerable = [f for f in output.findings if f.rule.id == "DEPS-VULNERABLE"]
    assert len(vulnerable) == 1
    finding = vulnerable[0]
    assert finding.rule.severity is Severity.CRITICAL
    assert finding.location.path == "requirements.txt" and finding.location.start_line == 1
    assert "PYSEC-0000-1" in finding.message and "1.0.1" in finding.message
    assert output.skipped == ()
    assert output.warnings == ()


def test_without_database_the_lock_files_are_reported_not_checked(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("vulnerable==1.0.0\n")
    _, output = _analyze(tmp_path)
    assert output.findings == ()
    (skipped,) = output.skipped
    assert skipped.path == "requirements.txt"
    assert "not checked for known vulnerabilities" in skipped.reason
    assert "shieldwall db update" in skipped.reason
    assert output.warnings


def test_no_lock_files_no_database_needed(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("nothing here\n")
    _, output = _analyze(tmp_path)
    assert output.findings == () and output.skipped == ()


def test_registered_and_listed() -> None:
    assert "deps" in ANALYZERS
    ids = {r.id for r in rule_catalog()}
    assert {"DEPS-UNPINNED", "DEPS-VULNERABLE"} <= ids


def test_example_shop_parses_with_every_component_checked() -> None:
    matcher = FakeMatcher()
    _, output = _analyze(REPO / "examples" / "shop", matcher)
    assert output.skipped == ()
    paths = {c.path for c in matcher.seen}
    assert paths == {
        "catalog/package-lock.json",
        "orders/requirements.txt",
        "payments/requirements.txt",
    }
    unpinned = [(f.rule.id, f.location.path, f.resource) for f in output.findings]
    assert ("DEPS-UNPINNED", "orders/requirements.txt", "pkg:pypi/gunicorn") in unpinned
    names = {(c.ecosystem, c.name, c.version) for c in matcher.seen}
    assert ("npm", "express", "4.17.1") in names and ("PyPI", "requests", "2.25.1") in names
