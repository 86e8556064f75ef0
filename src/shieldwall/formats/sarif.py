"""SARIF 2.1.0, the format code scanning services (GitHub, GitLab, Azure DevOps) read."""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from shieldwall.formats.base import ReportContext
from shieldwall.formats.json_report import command_line_dict, repository_dict, selection_dict
from shieldwall.formats.text import repository_line
from shieldwall.model import Finding, Location, Rule, ScanResult, Severity, Skipped
from shieldwall.model.display import display_text

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "shieldwall/v1"
# The key GitHub code scanning reads for a result's place in its file. Its upload action
# fills it from the line's text when absent (so an edit of the line opens a new alert, and
# two findings on one line are one alert); ours is the line-free fingerprint instead.
GITHUB_FINGERPRINT_KEY = "primaryLocationLineHash"
INFORMATION_URI = "https://pypi.org/project/shieldwall/"
# What GitHub code scanning accepts in one upload (docs: "SARIF results exceed limits").
GITHUB_MAX_RESULTS = 25_000
GITHUB_STORED_RESULTS = 5_000
GITHUB_MAX_RULES = 25_000
GITHUB_MAX_GZIP_BYTES = 10 * 1024 * 1024

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


def rule_descriptor(rule: Rule, reporting_id: str = "") -> dict[str, Any]:
    """The rule as SARIF describes it; `reporting_id` names a variant of the rule at
    another severity (see `reporting_id`)."""
    descriptor: dict[str, Any] = {
        "id": reporting_id or rule.id,
        "name": rule_name(rule.title),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description or rule.title},
        "help": {"text": _help_text(rule), "markdown": _help_markdown(rule)},
    }
    if rule.references:
        descriptor["helpUri"] = rule.references[0]
    descriptor["defaultConfiguration"] = {"level": level(rule.severity)}
    properties: dict[str, Any] = {
        "tags": [rule.control.value, "security", *rule.cwe],
        "security-severity": rule.severity.security_severity,
    }
    if rule.precision:
        properties["precision"] = rule.precision
    properties.update(
        control=rule.control.value, severity=rule.severity.value, analyzer=rule.analyzer
    )
    if reporting_id:
        properties["shieldwall-rule"] = rule.id
    descriptor["properties"] = properties
    return descriptor


def reporting_id(f: Finding, registered: Rule) -> str:
    """The SARIF rule id of a finding: its rule's id, or `ID/severity` when the finding
    has another severity than the registered rule (a critical advisory under
    DEPS-VULNERABLE, a live token). GitHub reads `security-severity` from the rule a
    result names and from nowhere else, so each severity needs its own descriptor."""
    if f.rule.severity == registered.severity:
        return registered.id
    return f"{registered.id}/{f.rule.severity.value}"


def reported_findings(result: ScanResult, ctx: ReportContext) -> list[Finding]:
    """The findings SARIF lists: the active ones, or all with --include-suppressed."""
    chosen = result.findings if ctx.include_suppressed else result.active
    return sorted(chosen, key=_result_order)


def reported_rules(findings: list[Finding], result: ScanResult) -> dict[str, Rule]:
    """Every SARIF rule id the findings use, sorted, with its metadata: from result.rules
    when it lists the rule, at the finding's severity for a variant."""
    known = {r.id: r for r in result.rules}
    used: dict[str, Rule] = {}
    for f in findings:
        registered = known.get(f.rule.id, f.rule)
        rid = reporting_id(f, registered)
        if rid not in used:
            used[rid] = (
                registered
                if rid == registered.id
                else replace(registered, severity=f.rule.severity)
            )
    return {rid: used[rid] for rid in sorted(used)}


def repository_uri(path: str, prefix: str = "") -> str:
    """`path` (relative to the scanned root) as a URI relative to %SRCROOT%."""
    uri = artifact_uri(path)
    return f"{artifact_uri(prefix)}/{uri}" if prefix else uri


def _physical_location(path: str, start: int = 0, end: int = 0, prefix: str = "") -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": repository_uri(path, prefix), "uriBaseId": SRCROOT}
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


def _flow_step(step: Location, text: str, prefix: str) -> dict[str, Any]:
    physical = _physical_location(step.path, step.start_line, step.end_line, prefix)
    return {"location": {"physicalLocation": physical, "message": {"text": text}}}


def code_flows(f: Finding, prefix: str = "") -> list[dict[str, Any]]:
    """Where a data-flow finding's data went, source to sink (SARIF codeFlows)."""
    if len(f.flow) < 2:
        return []
    *steps, sink = f.flow
    locations = [_flow_step(steps[0], "source: the untrusted data enters here", prefix)]
    locations += [_flow_step(s, "the data passes here", prefix) for s in steps[1:]]
    locations.append(_flow_step(sink, "sink: the data is used here", prefix))
    return [{"threadFlows": [{"locations": locations}]}]


def result_object(
    f: Finding, rule_index: dict[str, int], rule_id: str = "", prefix: str = ""
) -> dict[str, Any]:
    """One finding; `rule_id` is its SARIF rule id (see `reporting_id`), `prefix` the
    scanned root's path in the repository."""
    rule_id = rule_id or f.rule.id
    location: dict[str, Any] = {
        "physicalLocation": _physical_location(
            f.location.path, f.location.start_line, f.location.end_line, prefix
        )
    }
    if f.resource:
        resource = display_text(f.resource)
        location["logicalLocations"] = [
            {"name": resource, "fullyQualifiedName": resource, "kind": "resource"}
        ]
    severity = f.rule.severity  # the finding's own: a rule variant carries it
    obj: dict[str, Any] = {
        "ruleId": rule_id,
        "ruleIndex": rule_index[rule_id],
        "level": level(severity),
        "message": {"text": display_text(f.message) or f.rule.title},
        "locations": [location],
        "partialFingerprints": {
            GITHUB_FINGERPRINT_KEY: f.fingerprint,
            FINGERPRINT_KEY: f.fingerprint,
        },
        "properties": {
            "control": f.rule.control.value,
            "severity": severity.value,
            "security-severity": severity.security_severity,
        },
    }
    if rule_id != f.rule.id:
        obj["properties"]["shieldwall-rule"] = f.rule.id
    flows = code_flows(f, prefix)
    if flows:
        obj["codeFlows"] = flows
    suppressions = _suppression(f)
    if suppressions:
        obj["suppressions"] = suppressions
    return obj


def _skipped_notification(s: Skipped, prefix: str) -> dict[str, Any]:
    return {
        "level": "warning",
        "message": {"text": f"skipped: {display_text(s.reason)}"},
        "locations": [{"physicalLocation": _physical_location(s.path, prefix=prefix)}],
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


def _invocation(result: ScanResult, prefix: str) -> dict[str, Any]:
    notifications = [_skipped_notification(s, prefix) for s in result.skipped]
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


def automation_id(result: ScanResult) -> str:
    """`shieldwall/config+secrets/`: GitHub reads what precedes the last '/' as the
    category, so each set of analyzers keeps its own alerts (whatever the order given)."""
    return f"shieldwall/{'+'.join(sorted(result.analyzers)) or 'none'}/"


def sarif_dict(result: ScanResult, ctx: ReportContext) -> dict[str, Any]:
    prefix = ctx.path_prefix.strip("/")
    findings = reported_findings(result, ctx)
    rules = reported_rules(findings, result)
    rule_index = {rid: i for i, rid in enumerate(rules)}
    known = {r.id: r for r in result.rules}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "shieldwall",
                "version": ctx.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [
                    rule_descriptor(r, "" if rid == r.id else rid) for rid, r in rules.items()
                ],
            }
        },
        "invocations": [_invocation(result, prefix)],
        "automationDetails": {"id": automation_id(result)},
        "results": [
            result_object(f, rule_index, reporting_id(f, known.get(f.rule.id, f.rule)), prefix)
            for f in findings
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


def upload_warnings(text: str) -> list[str]:
    """What GitHub code scanning would refuse or cut in this SARIF document."""
    doc = json.loads(text)
    out = []
    runs = doc.get("runs", [])
    if len(runs) > 20:
        out.append(f"SARIF has {len(runs)} runs: GitHub code scanning accepts at most 20")
    for run in runs:
        results = len(run.get("results", []))
        rules = len(run.get("tool", {}).get("driver", {}).get("rules", []))
        if results > GITHUB_MAX_RESULTS:
            out.append(
                f"SARIF has {results:,} results: GitHub code scanning rejects a run of more "
                f"than {GITHUB_MAX_RESULTS:,}; scan fewer analyzers or paths per upload, or "
                "record a baseline (--baseline) so that only new findings are listed"
            )
        elif results > GITHUB_STORED_RESULTS:
            out.append(
                f"SARIF has {results:,} results: GitHub code scanning keeps only the "
                f"{GITHUB_STORED_RESULTS:,} most severe of a run"
            )
        if rules > GITHUB_MAX_RULES:
            out.append(f"SARIF has {rules:,} rules: GitHub accepts at most {GITHUB_MAX_RULES:,}")
    packed = len(gzip.compress(text.encode("utf-8")))
    if packed > GITHUB_MAX_GZIP_BYTES:
        out.append(
            f"SARIF is {packed / 2**20:.1f} MiB gzip-compressed: GitHub code scanning "
            "accepts at most 10 MiB; split the scan by analyzers or paths"
        )
    return out
