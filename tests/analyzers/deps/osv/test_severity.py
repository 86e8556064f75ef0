"""Severity from CVSS vectors (the cvss library), else the database's rating."""

from __future__ import annotations

from shieldwall.analyzers.deps.osv.severity import UNRATED, from_score, record_severity
from shieldwall.model import Severity

V3_CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
V3_MEDIUM = "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N"
V4_HIGH = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N"


def test_scale() -> None:
    assert from_score(9.0) is Severity.CRITICAL
    assert from_score(8.9) is Severity.HIGH
    assert from_score(4.0) is Severity.MEDIUM
    assert from_score(0.1) is Severity.LOW
    assert from_score(0.0) is Severity.INFO


def test_cvss_v3_vector() -> None:
    severity, vector = record_severity({"severity": [{"type": "CVSS_V3", "score": V3_CRITICAL}]})
    assert severity is Severity.CRITICAL and vector == V3_CRITICAL
    severity, _ = record_severity({"severity": [{"type": "CVSS_V3", "score": V3_MEDIUM}]})
    assert severity is Severity.MEDIUM


def test_cvss_v4_preferred_over_v3() -> None:
    record = {
        "severity": [
            {"type": "CVSS_V3", "score": V3_CRITICAL},
            {"type": "CVSS_V4", "score": V4_HIGH},
        ]
    }
    severity, vector = record_severity(record)
    assert vector == V4_HIGH
    assert severity is Severity.HIGH


def test_broken_vector_falls_back() -> None:
    record = {
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:X"}],
        "database_specific": {"severity": "MODERATE"},
    }
    assert record_severity(record) == (Severity.MEDIUM, None)


def test_database_specific_and_affected_severity() -> None:
    assert record_severity({"database_specific": {"severity": "HIGH"}})[0] is Severity.HIGH
    nested = {"affected": [{"severity": [{"type": "CVSS_V3", "score": V3_CRITICAL}]}]}
    assert record_severity(nested)[0] is Severity.CRITICAL


def test_rustsec_categories_and_malicious_records() -> None:
    malicious = {"affected": [{"database_specific": {"categories": ["malicious"]}}]}
    assert record_severity(malicious)[0] is Severity.CRITICAL
    unmaintained = {"affected": [{"database_specific": {"informational": "unmaintained"}}]}
    assert record_severity(unmaintained)[0] is Severity.LOW
    assert record_severity({"id": "MAL-2024-1"})[0] is Severity.CRITICAL


def test_unrated() -> None:
    assert record_severity({"id": "GO-2020-0001"}) == (UNRATED, None)
