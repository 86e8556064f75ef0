"""`--diff-base REF`: report only the findings on lines a change touched.

Findings keep their fingerprints (they never include a line), so a baseline
matches in both modes. A finding without a line (0) counts when its file
changed at all; one on a file the change did not touch is left out, and the
report says how many were."""

from __future__ import annotations

from collections.abc import Sequence

from shieldwall.model import DiffBase, Finding
from shieldwall.sources.changes import ChangedLines


def keep_changed(
    findings: Sequence[Finding], changes: ChangedLines | None
) -> tuple[list[Finding], DiffBase | None]:
    """The findings on changed lines, and what was left out (None: no --diff-base)."""
    if changes is None:
        return list(findings), None
    kept = [
        f
        for f in findings
        if changes.touches(f.location.path, f.location.start_line, f.location.end_line)
    ]
    return kept, DiffBase(
        ref=changes.ref,
        merge_base=changes.base,
        files_changed=changes.files,
        findings_left_out=len(findings) - len(kept),
    )
