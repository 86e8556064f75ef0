"""DEPS-VULNERABLE findings: severity follows the advisory, one id, stable key."""

from __future__ import annotations

from shieldwall.analyzers.deps.osv.findings import RULE_ID, RULES, advisory_finding
from shieldwall.analyzers.deps.osv.matcher import Advisory
from shieldwall.model import Component, Control, Severity

COMPONENT = Component(
    "PyPI", "flask", "2.3.1", "services/api/requirements.txt", 12, purl="pkg:pypi/flask@2.3.1"
)


def advisory(**changes: object) -> Advisory:
    base: dict[str, object] = {
        "id": "PYSEC-2023-62",
        "aliases": ("CVE-2023-30861", "GHSA-m2qf-hxjv-5gpq"),
        "summary": "session cookie may be cached",
        "severity": Severity.HIGH,
        "cvss_vector": None,
        "fixed_versions": ("2.3.2",),
        "references": ("https://example.invalid/advisory",),
        "modified": "2023-06-05T01:12:52Z",
        "upgrade_to": "2.3.2",
    }
    base.update(changes)
    return Advisory(**base)  # type: ignore[arg-type]


def test_rules_listed_once() -> None:
    assert [r.id for r in RULES] == [RULE_ID] == ["DEPS-VULNERABLE"]
    assert RULES[0].control is Control.SUPPLY_CHAIN and RULES[0].analyzer == "deps"


def test_finding_fields() -> None:
    finding = advisory_finding(COMPONENT, advisory())
    assert finding.rule.id == "DEPS-VULNERABLE"
    assert finding.rule.severity is Severity.HIGH
    assert finding.location.path == "services/api/requirements.txt"
    assert finding.location.start_line == 12
    assert finding.resource == "pkg:pypi/flask@2.3.1"
    assert finding.key == "PYSEC-2023-62"
    for part in ("flask", "2.3.1", "PYSEC-2023-62", "CVE-2023-30861", "GHSA-m2qf-hxjv-5gpq"):
        assert part in finding.message
    assert "upgrade to 2.3.2" in finding.message
    assert "Upgrade flask to 2.3.2" in finding.rule.remediation
    assert finding.rule.references[0] == "https://osv.dev/vulnerability/PYSEC-2023-62"


def test_severity_follows_the_advisory_and_fingerprint_does_not() -> None:
    high = advisory_finding(COMPONENT, advisory())
    critical = advisory_finding(COMPONENT, advisory(severity=Severity.CRITICAL))
    assert critical.rule.severity is Severity.CRITICAL
    assert high.fingerprint == critical.fingerprint
    moved = Component(**{**{f: getattr(COMPONENT, f) for f in COMPONENT.__slots__}, "line": 40})
    assert advisory_finding(moved, advisory()).fingerprint == high.fingerprint
    other = advisory_finding(COMPONENT, advisory(id="PYSEC-2099-1"))
    assert other.fingerprint != high.fingerprint


def test_no_fix_known() -> None:
    finding = advisory_finding(COMPONENT, advisory(fixed_versions=(), upgrade_to=None))
    assert "no fixed version known" in finding.message
    assert "No fixed version" in finding.rule.remediation


def test_several_fixed_versions_are_listed() -> None:
    finding = advisory_finding(
        COMPONENT, advisory(fixed_versions=("2.3.2", "2.4.0"), upgrade_to="2.4.0")
    )
    assert "Upgrade flask to 2.4.0" in finding.rule.remediation
    assert "2.3.2, 2.4.0" in finding.rule.remediation


def test_resource_without_purl() -> None:
    bare = Component("Go", "example.com/m", "v1.0.0", "go.sum", 3)
    assert advisory_finding(bare, advisory()).resource == "Go/example.com/m@v1.0.0"
