"""The release gate: does anything unsuppressed stand at or above the threshold?"""

from __future__ import annotations

from shieldwall.model import ScanResult, Severity


def gate_fails(result: ScanResult, fail_on: Severity | None) -> bool:
    if fail_on is None:
        return False
    return any(f.rule.severity.rank >= fail_on.rank for f in result.active)
