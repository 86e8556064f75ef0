from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from shieldwall.analyzers.base import AnalyzerOutput, ScanTarget
from shieldwall.engine import analyzers as registry
from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.model import Rule

PRIVILEGED_POD = """apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers:
    - name: c
      image: registry.example/c:1.0
      securityContext:
        privileged: true
"""


class _Crashing:
    name = "crashing"

    def rules(self) -> Sequence[Rule]:
        return ()

    def analyze(self, target: ScanTarget) -> AnalyzerOutput:
        raise RuntimeError("boom")


def test_a_crashing_analyzer_does_not_stop_the_others(write, monkeypatch) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    monkeypatch.setitem(registry.ANALYZERS, "crashing", _Crashing)
    scan = run_scan(root, ScanOptions(analyzers="config,crashing"))
    assert any(f.rule.id == "K8S-PRIVILEGED" for f in scan.result.findings)
    assert scan.result.errors == ("analyzer crashing failed: RuntimeError: boom",)


def test_inline_exception_and_baseline_flow_through_scan(write) -> None:
    root = write(
        {
            "pod.yaml": PRIVILEGED_POD.replace(
                "privileged: true", "privileged: true  # shieldwall: ignore[K8S-PRIVILEGED] lab"
            ),
            ".shieldwall.yaml": (
                "exceptions:\n  - rule: K8S-NETPOL-*\n    reason: mesh handles it\n"
            ),
        }
    )
    result = run_scan(root, ScanOptions(analyzers="config")).result
    by_rule = {f.rule.id: f for f in result.findings}
    priv = by_rule["K8S-PRIVILEGED"]
    assert priv.suppression is not None and priv.suppression.reason == "lab"
    netpol = by_rule["K8S-NETPOL-MISSING"]
    assert netpol.suppression is not None and netpol.suppression.kind == "exception"


def test_skipped_inputs_reach_the_result(write) -> None:
    root = write({"good.yaml": PRIVILEGED_POD, "bad.yaml": "kind: [\n"})
    result = run_scan(root, ScanOptions(analyzers="config")).result
    assert [s.path for s in result.skipped] == ["bad.yaml"]
    assert any(f.rule.id == "K8S-PRIVILEGED" for f in result.findings)
    assert result.files_scanned == 2


def test_paths_are_relative_to_the_target(write) -> None:
    root = write({"k8s/deep/pod.yaml": PRIVILEGED_POD})
    result = run_scan(Path(root), ScanOptions(analyzers="config")).result
    assert {f.location.path for f in result.findings} == {"k8s/deep/pod.yaml"}
