"""The gate: which threshold applies, its verdict in the result, and a crash never passes."""

from __future__ import annotations

import pytest

from shieldwall.engine import analyzers as registry
from shieldwall.engine.gate import threshold
from shieldwall.engine.project_config import ProjectConfig
from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.model import Severity
from tests.engine.test_scanner import PRIVILEGED_POD, _Crashing

LOW_POD = PRIVILEGED_POD.replace("privileged: true", "privileged: false")


def test_fail_on_wins_over_the_config_then_high_is_the_default() -> None:
    medium = ProjectConfig(path=".shieldwall.yaml", fail_on=Severity.MEDIUM, fail_on_set=True)
    assert threshold("critical", medium) == (Severity.CRITICAL, "")
    assert threshold("NONE", medium) == (None, "")
    assert threshold(None, medium) == (Severity.MEDIUM, "")
    assert threshold(None, ProjectConfig()) == (Severity.HIGH, "")


def test_the_repository_turning_the_gate_off_is_a_warning() -> None:
    off = ProjectConfig(path=".shieldwall.yaml", fail_on=None, fail_on_set=True)
    level, warning = threshold(None, off)
    assert level is None and "turns the gate off (fail_on: none)" in warning
    # The CI's own file (--config) may turn it off without a warning.
    assert threshold(None, ProjectConfig(path="ci.yaml", fail_on_set=True, origin="cli")) == (
        None,
        "",
    )


def test_verdict_counts_active_findings_at_or_above_the_threshold(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    result = run_scan(root, ScanOptions(analyzers="config")).result
    active = result.by_severity()
    assert result.gate.fail_on is Severity.HIGH and result.gate.failed
    assert result.gate.counts == {s: n for s, n in active.items() if s in ("critical", "high")}
    assert result.gate.counts["high"] >= 1
    lenient = run_scan(root, ScanOptions(analyzers="config", fail_on="critical")).result
    assert lenient.gate.counts == {} and not lenient.gate.failed
    everything = run_scan(root, ScanOptions(analyzers="config", fail_on="info")).result
    assert everything.gate.counts == active


def test_suppressed_findings_do_not_count(write) -> None:
    plain = run_scan(write({"pod.yaml": PRIVILEGED_POD}), ScanOptions(analyzers="config"))
    pod = PRIVILEGED_POD.replace(
        "privileged: true", "privileged: true  # shieldwall: ignore[K8S-PRIVILEGED] test pod"
    )
    ignored = run_scan(write({"pod.yaml": pod}), ScanOptions(analyzers="config"))
    assert any(f.rule.id == "K8S-PRIVILEGED" and f.suppressed for f in ignored.result.findings)
    assert ignored.result.gate.counts.get("high", 0) == plain.result.gate.counts["high"] - 1


@pytest.mark.parametrize("fail_on", ["none", "critical"])
def test_a_crashed_analyzer_fails_the_gate_whatever_the_threshold(
    write, monkeypatch, fail_on: str
) -> None:
    root = write({"pod.yaml": LOW_POD})
    monkeypatch.setitem(registry.ANALYZERS, "crashing", _Crashing)
    result = run_scan(root, ScanOptions(analyzers="config,crashing", fail_on=fail_on)).result
    assert result.errors and result.gate.failed and result.gate.counts == {}
