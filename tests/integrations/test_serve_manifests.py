"""The findings service's Kubernetes manifests pass shieldwall's own scan."""

from __future__ import annotations

from pathlib import Path

from shieldwall.engine.scanner import ScanOptions, run_scan

MANIFESTS = Path(__file__).parents[2] / "integrations" / "kubernetes"


def test_the_serve_manifests_have_no_finding_at_any_severity() -> None:
    scan = run_scan(MANIFESTS, ScanOptions(offline=True, fail_on="info"))
    assert [(f.rule.id, f.resource) for f in scan.result.active] == []
    assert scan.result.files_scanned == 1
