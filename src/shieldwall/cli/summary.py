"""The one line on standard error when every report goes to a file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from shieldwall.model import ScanResult, Severity


def summary_line(
    result: ScanResult, threshold: Severity | None, failed: bool, files: Sequence[Path]
) -> str:
    """`shieldwall: 12 findings (2 high, 10 low); gate failed at high; reports: a.sarif`."""
    count = len(result.active)
    text = f"shieldwall: {count} finding" + ("" if count == 1 else "s")
    by_severity = result.by_severity()
    if by_severity:
        text += " (" + ", ".join(f"{n} {s}" for s, n in by_severity.items()) + ")"
    suppressed = len(result.findings) - count
    if suppressed:
        text += f", {suppressed} suppressed"
    if result.diff_base is not None:
        text += f", {result.diff_base.findings_left_out} on unchanged lines left out"
    if threshold is None:
        text += "; gate off"
    else:
        text += f"; gate {'failed' if failed else 'passed'} at {threshold.value}"
    if result.errors:
        text += f"; {len(result.errors)} error(s)"
    return text + "; reports: " + ", ".join(str(f) for f in files)
