"""The JSON report: schema `shieldwall/report/v1`, a contract for scripts and CI."""

from __future__ import annotations

from typing import Any

import orjson

from shieldwall.formats.base import ReportContext
from shieldwall.model import Finding, PolicySource, ScanResult
from shieldwall.model.display import display_path, display_text

SCHEMA = "shieldwall/report/v1"


def finding_to_dict(f: Finding) -> dict[str, Any]:
    return {
        "fingerprint": f.fingerprint,
        "rule": f.rule.id,
        "analyzer": f.rule.analyzer,
        "control": f.rule.control.value,
        "severity": f.rule.severity.value,
        "title": f.rule.title,
        "message": display_text(f.message),
        "location": {
            "path": display_path(f.location.path),
            "start_line": f.location.start_line,
            "end_line": f.location.end_line,
        },
        "resource": display_text(f.resource),
        "unit": display_text(f.unit) if f.unit else None,
        "cwe": list(f.rule.cwe),
        "references": list(f.rule.references),
        "remediation": f.rule.remediation,
        "suppressed": f.suppressed,
    }


def report_dict(result: ScanResult, ctx: ReportContext) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "tool": {"name": "shieldwall", "version": ctx.tool_version},
        "target": display_text(result.target),
        "summary": {
            "findings": len(result.active),
            "by_severity": result.by_severity(),
            "by_control": result.by_control(),
        },
        "findings": [finding_to_dict(f) for f in result.findings],
        "skipped": [
            {"path": display_path(s.path), "reason": display_text(s.reason)} for s in result.skipped
        ],
        "files_scanned": result.files_scanned,
        "errors": [display_text(e) for e in result.errors],
        "warnings": [display_text(w) for w in result.warnings],
        "suppressions": result.suppression_counts(),
        "file_selection": selection_dict(result),
        "repository_config": repository_dict(result.repository),
        "command_line": command_line_dict(result.command_line),
        "diff_base": diff_base_dict(result),
        "gate": gate_dict(result),
    }


def gate_dict(result: ScanResult) -> dict[str, Any]:
    """The gate's verdict: the threshold, whether it failed, what stands at or above it."""
    gate = result.gate
    return {
        "fail_on": gate.fail_on.value if gate.fail_on is not None else "none",
        "failed": gate.failed,
        "counts": dict(gate.counts),
    }


def diff_base_dict(result: ScanResult) -> dict[str, Any] | None:
    """`--diff-base REF`: what the findings were compared with, and how many were left out."""
    if result.diff_base is None:
        return None
    return {
        "ref": result.diff_base.ref,
        "merge_base": result.diff_base.merge_base,
        "files_changed": result.diff_base.files_changed,
        "findings_left_out": result.diff_base.findings_left_out,
    }


def selection_dict(result: ScanResult) -> dict[str, Any]:
    return {
        "tracked_by_git": result.selection.tracked_by_git,
        "note": result.selection.note,
        "files_gitignored": result.selection.files_gitignored,
    }


def _set(policy: PolicySource) -> dict[str, Any]:
    return {
        "excludes": list(policy.excludes),
        "files_excluded": policy.files_excluded,
        "exceptions": policy.exceptions,
        "max_file_size": policy.max_file_size,
        "fail_on": policy.fail_on,
        "require_db": policy.require_db,
        "max_db_age_days": policy.max_db_age_days,
        "suppressed": dict(policy.suppressed),
    }


def repository_dict(policy: PolicySource) -> dict[str, Any]:
    """What the scanned repository itself decided: a pull request can change all of it."""
    return {
        "path": policy.config or None,
        "applied": policy.applied,
        **_set(policy),
        "inline_ignores": policy.suppressed.get("inline", 0),
        "inline_ignores_applied": policy.inline_ignores_applied,
    }


def command_line_dict(policy: PolicySource) -> dict[str, Any]:
    """What the command line decided, with the file named by --config and the baseline."""
    return {
        "config": policy.config or None,
        **_set(policy),
        "baseline": policy.baseline or None,
    }


def render(result: ScanResult, ctx: ReportContext) -> str:
    # Indented for a person at a terminal, compact for tools. orjson writes the
    # 10,000-finding report of a large tree in a fifth of the stdlib's time.
    option = orjson.OPT_INDENT_2 if ctx.color else 0
    return orjson.dumps(report_dict(result, ctx), option=option).decode("utf-8") + "\n"
