"""At most so many findings of one rule per file; the rest summed up in one finding."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from shieldwall.engine.caps import SUMMARY_KEY, cap_findings
from shieldwall.model import Control, Finding, Location, Rule, Severity
from tests.cli.test_cli import sw
from tests.formats.conftest import HOST_NETWORK, PRIVILEGED

RULE_A, RULE_B = PRIVILEGED, HOST_NETWORK


def many(rule: Rule, path: str, n: int, first_line: int = 1) -> list[Finding]:
    return [
        Finding(rule, f"m{i}", Location.at(path, first_line + i), f"Pod/ns/p{i}", key=str(i))
        for i in range(n)
    ]


def summaries(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.key == SUMMARY_KEY]


def test_each_file_and_rule_keeps_the_limit_and_one_summary_with_the_same_severity() -> None:
    found = many(RULE_A, "a.yaml", 250) + many(RULE_B, "a.yaml", 5) + many(RULE_A, "b.yaml", 150)
    capped = cap_findings(found, 100).findings
    counts = Counter((f.location.path, f.rule.id) for f in capped if f.key != SUMMARY_KEY)
    a, b = RULE_A.id, RULE_B.id
    assert counts == {("a.yaml", a): 100, ("a.yaml", b): 5, ("b.yaml", a): 100}
    by_path = {f.location.path: f for f in summaries(capped)}
    assert set(by_path) == {"a.yaml", "b.yaml"}
    assert by_path["a.yaml"].message.startswith(f"150 more {a} findings in a.yaml not listed")
    assert by_path["b.yaml"].message.startswith(f"50 more {a} findings in b.yaml not listed")
    assert all(s.rule.severity is Severity.CRITICAL and not s.suppressed for s in by_path.values())
    # the first 100 by line are listed; the summary points at the first one left out
    assert by_path["a.yaml"].location.start_line == 101


def test_no_limit_and_under_the_limit_change_nothing() -> None:
    found = many(RULE_A, "a.yaml", 120)
    assert cap_findings(found, None).findings == found
    assert cap_findings(found, 120).findings == found


def test_unsuppressed_findings_are_listed_before_suppressed_ones() -> None:
    found = [f.suppress("baseline", "in the baseline") for f in many(RULE_A, "a.yaml", 8)]
    found += many(RULE_A, "a.yaml", 3, first_line=50)
    capped = cap_findings(found, 4).findings
    listed = [f for f in capped if f.key != SUMMARY_KEY]
    assert [f.suppressed for f in listed] == [False, False, False, True]
    (summary,) = summaries(capped)
    assert summary.suppressed  # every finding left out is suppressed: the gate ignores it


def test_summary_counts_for_the_gate_when_an_unlisted_finding_is_not_suppressed() -> None:
    found = many(RULE_A, "a.yaml", 5)
    found = [f.suppress("inline", "ok") if i < 4 else f for i, f in enumerate(found)]
    found += many(RULE_A, "a.yaml", 2, first_line=40)
    capped = cap_findings(found, 2)
    (summary,) = summaries(capped.findings)
    assert not summary.suppressed
    assert summary.message.startswith("5 more K8S-PRIVILEGED")
    # listed: p4 (line 5) and p0 (line 40), the active ones; the scorecard still sees
    # the resource that the unlisted active finding (p1, line 41) fails
    assert capped.unlisted_failing == {Control.LEAST_PRIVILEGE: frozenset({"Pod/ns/p1"})}


def _pods(n: int) -> str:
    return "---\n".join(
        f"""apiVersion: v1
kind: Pod
metadata: {{name: p{i}, namespace: shop}}
spec:
  containers:
    - name: c
      image: registry.example/c:1.0
      securityContext: {{privileged: true}}
"""
        for i in range(n)
    )


def test_scan_lists_100_per_file_and_rule_and_still_fails_the_gate(write) -> None:
    root = write({"pods.yaml": _pods(130)})
    out = sw("scan", str(root), "--analyzers", "config", "--format", "json")
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    privileged = [f for f in report["findings"] if f["rule"] == "K8S-PRIVILEGED"]
    assert len(privileged) == 101
    (summary,) = [f for f in privileged if "not listed" in f["message"]]
    assert summary["message"].startswith("30 more K8S-PRIVILEGED findings in pods.yaml")
    assert summary["severity"] == "high" and not summary["suppressed"]


def test_baseline_accepts_every_finding_even_those_not_listed(write, tmp_path: Path) -> None:
    root = write({"pods.yaml": _pods(130)})
    base = tmp_path / "base.json"
    assert (
        sw("baseline", "create", str(root), "--analyzers", "config", "-o", str(base)).returncode
        == 0
    )
    accepted = json.loads(base.read_text())["findings"]
    assert sum(1 for e in accepted if e["rule"] == "K8S-PRIVILEGED") == 130
    out = sw(
        "scan", str(root), "--analyzers", "config", "--baseline", str(base), "--format", "json"
    )
    assert out.returncode == 0, out.stdout[-2000:]
    report = json.loads(out.stdout)
    assert any("not listed" in f["message"] and f["suppressed"] for f in report["findings"])
