"""GitLab Code Quality: the issues a merge request widget shows beside the diff.

A JSON array of Code Climate issues. Only active findings are listed: suppressed
and baselined ones are accepted risk, not work for the merge request."""

from __future__ import annotations

import json

from shieldwall.formats.base import ReportContext
from shieldwall.model import Finding, ScanResult, Severity
from shieldwall.model.display import display_path, display_text

SEVERITY = {
    Severity.CRITICAL: "blocker",
    Severity.HIGH: "critical",
    Severity.MEDIUM: "major",
    Severity.LOW: "minor",
    Severity.INFO: "info",
}


def _issue(f: Finding) -> dict[str, object]:
    where = f" ({f.resource})" if f.resource else ""
    return {
        "type": "issue",
        "check_name": f.rule.id,
        "description": display_text(f"{f.rule.title}{where}: {f.message}"),
        "categories": ["Security"],
        "severity": SEVERITY[f.rule.severity],
        "fingerprint": f.fingerprint,
        "location": {
            "path": display_path(f.location.path),
            "lines": {"begin": max(f.location.start_line, 1)},
        },
    }


def render(result: ScanResult, ctx: ReportContext) -> str:
    return json.dumps([_issue(f) for f in result.active], indent=2, ensure_ascii=False) + "\n"
