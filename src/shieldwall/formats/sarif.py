"""SARIF 2.1.0, the format code scanning services (GitHub, GitLab, Azure DevOps) read."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from shieldwall.formats.base import ReportContext
from shieldwall.formats.json_report import command_line_dict, repository_dict, selection_dict
from shieldwall.formats.text import repository_line
from shieldwall.model import Finding, Rule, ScanResult, Severity, Skipped
from shieldwall.model.display import display_text

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "shieldwall/v1"

_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# Inline comments live in the scanned source; exceptions and baselines live elsewhere.
_SUPPRESSION_KIND = {"inline": "inSource"}
_WORD = re.compile(r"[A-Za-z0-9]+")


def level(severity: Severity) -> str:
    return _LEVEL[severity]


def rule_name(title: str) -> str:
    """`Container runs privileged` -> `ContainerRunsPrivileged`."""
    return "".join(w[:1].upper() + w[1:] for w in _WORD.findall(title)) or "Rule"


# Kept as they are in a path segment (RFC 3986 pchar, less ':' which would read as a scheme).
_SEGMENT_SAFE = "-._~!$&'()*+,;=@"


def artifact_uri(path: str) -> str:
    """A relative path as a URI reference under %SRCROOT% (RFC 3986).

    The file name's bytes are percent-encoded: '\\', '%', '#', '?', ':', spaces, control
    characters, non-ASCII and bytes that are not UTF-8 (a backslash is a character of a
    Linux file name, not a separator). A path that is not a plain relative path (empty,
    absolute, or with '.', '..' or empty segments) becomes one segment with every '/'
    and '.' encoded and a leading '%2F', so that no resolution or normalisation of the
    reference can leave %SRCROOT%."""
    raw = path.encode("utf-8", "surrogateescape")
    segments = raw.split(b"/")
    if all(s not in (b"", b".", b"..") for s in segments):
        return "/".join(quote(s, safe=_SEGMENT_SAFE) for s in segments)
    return "%2F" + quote(raw, safe="").replace(".", "%2E")


def _help_markdown(rule: Rule) -> str:
    parts = [rule.remediation] if rule.remediation else []
    if rule.references:
        parts.append("References:\n\n" + "\n".join(f"- <{ref}>" for ref in rule.references))
    return "\n\n".join(parts) or rule.title


def _help_text(rule: Rule) -> str:
    parts = [rule.remediation] if rule.remediation else []
    if rule.references:
        parts.append("References: " + " ".join(rule.references))
    return "\n".join(parts) or rule.title


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule_name(rule.title),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description or rule.title},
        "help": {"text": _help_text(rule), "markdown": _help_markdown(rule)},
    }
    if rule.references:
        descriptor["helpUri"] = rule.references[0]
    descriptor["defaultConfiguration"] = {"level": level(rule.severity)}
    descriptor["properties"] = {
        "tags": [rule.control.value, "security", *rule.cwe],
        "security-severity": rule.severity.security_severity,
        "precision": "high",
        "control": rule.control.value,
        "severity": rule.severity.value,
        "analyzer": rule.analyzer,
    }
    return descriptor


def reported_rules(result: ScanResult) -> list[Rule]:
    """Every rule that has a finding, by id; metadata from result.rules when it lists the id."""
    known = {r.id: r for r in result.rules}
    used = {f.rule.id: known.get(f.rule.id, f.rule) for f in result.findings}
    return [used[rule_id] for rule_id in sorted(used)]


def _physical_location(path: str, start: int = 0, end: int = 0) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": artifact_uri(path), "uriBaseId": SRCROOT}
    }
    if start >= 1:
        physical["region"] = {"startLine": start, "endLine": max(start, end)}
    return physical


def _suppression(f: Finding) -> list[dict[str, Any]]:
    if f.suppression is None:
        return []
    kind = f.suppression.kind
    return [
        {
            "kind": _SUPPRESSION_KIND.get(kind, "external"),
            "status": "accepted",
            "justification": display_text(f.suppression.reason) or f"suppressed by {kind}",
            "properties": {"shieldwall-kind": kind},
        }
    ]


def result_object(f: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": _physical_location(
            f.location.path, f.location.start_line, f.location.end_line
        )
    }
    if f.resource:
        resource = display_text(f.resource)
        location["logicalLocations"] = [
            {"name": resource, "fullyQualifiedName": resource, "kind": "resource"}
        ]
    obj: dict[str, Any] = {
        "ruleId": f.rule.id,
        "ruleIndex": rule_index[f.rule.id],
        "level": level(f.rule.severity),
        "message": {"text": display_text(f.message) or f.rule.title},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": {"control": f.rule.control.value, "severity": f.rule.severity.value},
    }
    suppressions = _suppression(f)
    if suppressions:
        obj["suppressions"] = suppressions
    return obj


def _skipped_notification(s: Skipped) -> dict[str, Any]:
    return {
        "level": "warning",
        "message": {"text": f"skipped: {display_text(s.reason)}"},
        "locations": [{"physicalLocation": _physical_location(s.path)}],
        "descriptor": {"id": "shieldwall/skipped-input"},
    }


def _error_notification(error: str) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {"text": display_text(error)},
        "descriptor": {"id": "shieldwall/analyzer-error"},
    }


def _notification(level: str, descriptor: str, text: str) -> dict[str, Any]:
    return {"level": level, "message": {"text": text}, "descriptor": {"id": descriptor}}


def _policy_notifications(result: ScanResult) -> list[dict[str, Any]]:
    """What decided the files and the suppressions, above all what the repository did."""
    out = []
    left_out = result.left_out_text()
    if result.files_scanned == 0:
        why = left_out or "nothing to scan"
        out.append(_notification("error", "shieldwall/no-files-scanned", f"no file scanned: {why}"))
    elif left_out:
        out.append(_notification("note", "shieldwall/files-left-out", f"left out: {left_out}"))
    if result.selection.note:
        out.append(_notification("note", "shieldwall/file-selection", result.selection.note))
    repository = repository_line(result.repository)
    if repository:
        out.append(
            _notification(
                "note", "shieldwall/repository-config", f"repository policy: {repository}"
            )
        )
    out += [_notification("warning", "shieldwall/warning", w) for w in result.warnings]
    return out


def _invocation(result: ScanResult) -> dict[str, Any]:
    notifications = [_skipped_notification(s) for s in result.skipped]
    notifications += [_error_notification(e) for e in result.errors]
    notifications += _policy_notifications(result)
    invocation: dict[str, Any] = {
        "executionSuccessful": not result.errors and result.files_scanned > 0
    }
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def _result_order(f: Finding) -> tuple[str, int, str, str]:
    return (f.location.path, f.location.start_line, f.rule.id, f.fingerprint)


def sarif_dict(result: ScanResult, ctx: ReportContext) -> dict[str, Any]:
    rules = reported_rules(result)
    rule_index = {r.id: i for i, r in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "shieldwall",
                "version": ctx.tool_version,
                "rules": [rule_descriptor(r) for r in rules],
            }
        },
        "invocations": [_invocation(result)],
        "results": [
            result_object(f, rule_index) for f in sorted(result.findings, key=_result_order)
        ],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "target": display_text(result.target),
            "analyzers": list(result.analyzers),
            "gateways": [display_text(g) for g in result.gateways],
            "gatewaySource": display_text(result.gateway_source),
            # The same fields as the JSON report's.
            "filesScanned": result.files_scanned,
            "suppressions": result.suppression_counts(),
            "fileSelection": selection_dict(result),
            "repositoryConfig": repository_dict(result.repository),
            "commandLine": command_line_dict(result.command_line),
        },
    }
    if ctx.root_uri:
        root = ctx.root_uri if ctx.root_uri.endswith("/") else ctx.root_uri + "/"
        run["originalUriBaseIds"] = {SRCROOT: {"uri": root}}
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render(result: ScanResult, ctx: ReportContext) -> str:
    return json.dumps(sarif_dict(result, ctx), indent=2, ensure_ascii=False) + "\n"
