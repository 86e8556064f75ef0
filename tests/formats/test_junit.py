from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

from shieldwall.formats import junit
from shieldwall.formats.base import ReportContext
from shieldwall.model import Finding, Location, ScanResult, Scorecard, Severity
from tests.formats.conftest import (
    ERROR,
    ODD_RESOURCE,
    PAYMENTS_ROOT,
    RUN_AS_ROOT,
    SKIPPED,
    UNICODE_MESSAGE,
    make_result,
)


def render(result: ScanResult) -> str:
    return junit.render(result, ReportContext())


def parse(result: ScanResult) -> ET.Element:
    out = render(result)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    # Parse the bytes as a file would be read, declaration included.
    return ET.fromstring(out.encode("utf-8"))


def counted(element: ET.Element) -> dict[str, int]:
    cases = element.iter("testcase")
    tally = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for case in cases:
        tally["tests"] += 1
        tally["failures"] += case.find("failure") is not None
        tally["errors"] += case.find("error") is not None
        tally["skipped"] += case.find("skipped") is not None
    return tally


def declared(element: ET.Element) -> dict[str, int]:
    return {k: int(element.get(k, "-1")) for k in ("tests", "failures", "errors", "skipped")}


def test_counts_declared_match_the_cases(result: ScanResult) -> None:
    root = parse(result)
    assert root.tag == "testsuites"
    assert (
        declared(root)
        == counted(root)
        == {
            "tests": 15,
            "failures": 5,
            "errors": 1,
            "skipped": 4,
        }
    )
    for suite in root.findall("testsuite"):
        assert declared(suite) == counted(suite), suite.get("name")


def test_one_suite_per_control_in_order_then_scan(result: ScanResult) -> None:
    suites = {s.get("name"): counted(s) for s in parse(result).findall("testsuite")}
    assert list(suites) == [
        "least-privilege",
        "isolation",
        "encryption",
        "api-exposure",
        "secrets",
        "scan",
    ]
    # 3 failing findings, 2 passing resources (cache, and admin whose finding is suppressed),
    # 1 suppressed finding.
    assert suites["least-privilege"] == {"tests": 6, "failures": 3, "errors": 0, "skipped": 1}
    assert suites["isolation"] == {"tests": 4, "failures": 1, "errors": 0, "skipped": 1}
    assert suites["api-exposure"] == {"tests": 1, "failures": 0, "errors": 0, "skipped": 0}
    assert suites["secrets"] == {"tests": 1, "failures": 0, "errors": 0, "skipped": 1}
    assert suites["scan"] == {"tests": 2, "failures": 0, "errors": 1, "skipped": 1}


def test_failure_content(result: ScanResult) -> None:
    root = parse(result)
    case = next(c for c in root.iter("testcase") if c.get("name", "").startswith("K8S-PRIVILEGED"))
    assert case.get("name") == "K8S-PRIVILEGED: Deployment/shop/payments [containers[web]]"
    assert case.get("file") == "k8s/pay.yaml" and case.get("line") == "19"
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == "critical: Container runs privileged"
    assert failure.get("type") == "critical"
    body = failure.text or ""
    assert "k8s/pay.yaml:19 Deployment/shop/payments" in body
    assert "container web is privileged" in body
    assert "fix: Set securityContext.privileged: false." in body


def test_passing_resources(result: ScanResult) -> None:
    names = {c.get("name") for c in parse(result).iter("testcase") if len(c) == 0}
    assert names == {
        "least-privilege: Deployment/shop/admin",
        "least-privilege: Deployment/shop/cache",
        "isolation: Pod/shop/db",
        "isolation: Pod/shop/legacy",
        "api-exposure: Service/shop/gateway",
    }


def test_suppressed_findings_are_skipped_with_reason(result: ScanResult) -> None:
    messages = sorted(
        s.get("message", "")
        for c in parse(result).iter("testcase")
        if (s := c.find("skipped")) is not None
    )
    assert messages == [
        "skipped: " + SKIPPED.reason,
        "suppressed (baseline): no reason given",
        "suppressed (exception): accepted until 2026-01-01 by security team",
        "suppressed (inline): test fixture token",
    ]


def test_errors(result: ScanResult) -> None:
    errors = [e for e in parse(result).iter("error")]
    assert [e.text for e in errors] == [ERROR]


def test_special_characters_are_escaped_and_round_trip(result: ScanResult) -> None:
    out = render(result)
    assert "Pod/odd/a&lt;&amp;&gt;b" in out
    root = parse(result)
    texts = "\n".join(f.text or "" for f in root.iter("failure"))
    assert ODD_RESOURCE in texts and UNICODE_MESSAGE in texts
    assert any(c.get("name") == f"K8S-HOST-NETWORK: {ODD_RESOURCE}" for c in root.iter("testcase"))


def test_characters_xml_cannot_carry_do_not_break_the_document() -> None:
    hostile = Finding(
        RUN_AS_ROOT,
        "bad \x00\x01 bytes \ufffe \"quoted\" 'single'",
        Location.at("x.yaml", 1),
        "Pod/a/\x1bb",
    )
    root = parse(make_result(findings=(hostile,)))
    failure = next(root.iter("failure"))
    assert "\\x00\\x01" in (failure.text or "")
    assert "\"quoted\" 'single'" in (failure.text or "")


def test_empty_result_is_a_valid_empty_report() -> None:
    empty = make_result(findings=(), skipped=(), errors=(), scorecard=Scorecard())
    root = parse(empty)
    assert declared(root) == {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    assert root.findall("testsuite") == []


def test_registered() -> None:
    from shieldwall.formats.registry import formatter

    assert formatter("junit") is junit.render


def test_failure_carries_the_findings_own_severity() -> None:
    """A high advisory under a rule registered as medium fails as high."""
    high = dataclasses.replace(
        PAYMENTS_ROOT, rule=dataclasses.replace(PAYMENTS_ROOT.rule, severity=Severity.HIGH)
    )
    root = ET.fromstring(render(make_result(findings=(PAYMENTS_ROOT, high))))
    failures = sorted((f.get("type"), f.get("message")) for f in root.iter("failure"))
    assert failures == [
        ("high", "high: Container may run as root"),
        ("medium", "medium: Container may run as root"),
    ]
