"""GitLab's security report (schema 15, report type `sast`): findings in the
merge request security widget and the vulnerability report.

Every active finding becomes a vulnerability identified by its rule (and its
CWEs); the fingerprint is the vulnerability id, so GitLab tracks it across
pipelines as shieldwall's baselines do."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from shieldwall import __version__
from shieldwall.formats.base import ReportContext
from shieldwall.model import Finding, ScanResult
from shieldwall.model.display import display_path, display_text

SCHEMA_VERSION = "15.0.7"
_TOOL = {
    "id": "shieldwall",
    "name": "shieldwall",
    "version": __version__,
    "vendor": {"name": "shieldwall"},
}
_NAMESPACE = uuid.UUID("6a1f9c3e-5d0b-4c8e-9f27-0d3b8e1a7c54")


def _identifiers(f: Finding) -> list[dict[str, str]]:
    out = [{"type": "shieldwall_rule", "name": f.rule.id, "value": f.rule.id}]
    for cwe in f.rule.cwe:
        number = cwe.removeprefix("CWE-")
        out.append(
            {
                "type": "cwe",
                "name": cwe,
                "value": number,
                "url": f"https://cwe.mitre.org/data/definitions/{number}.html",
            }
        )
    return out


def _vulnerability(f: Finding) -> dict[str, object]:
    location: dict[str, object] = {"file": display_path(f.location.path)}
    if f.location.start_line >= 1:
        location["start_line"] = f.location.start_line
        location["end_line"] = max(f.location.end_line, f.location.start_line)
    body = f.message
    if f.rule.remediation:
        body += f"\n\nHow to fix: {f.rule.remediation}"
    vuln: dict[str, object] = {
        "id": str(uuid.uuid5(_NAMESPACE, f.fingerprint)),
        "category": "sast",
        "name": f.rule.title[:255],
        "message": f.rule.title[:255],
        "description": display_text(body)[:1_048_576],
        "severity": f.rule.severity.value.capitalize(),
        "scanner": {"id": _TOOL["id"], "name": _TOOL["name"]},
        "location": location,
        "identifiers": _identifiers(f),
    }
    if f.rule.references:
        vuln["links"] = [{"url": ref} for ref in f.rule.references]
    return vuln


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def render(result: ScanResult, ctx: ReportContext) -> str:
    now = dt.datetime.now(dt.UTC)
    doc = {
        "version": SCHEMA_VERSION,
        "vulnerabilities": [_vulnerability(f) for f in result.active],
        "scan": {
            "analyzer": _TOOL,
            "scanner": _TOOL,
            "type": "sast",
            "start_time": _stamp(now),
            "end_time": _stamp(now),
            "status": "failure" if result.errors else "success",
            "messages": [{"level": "warn", "value": display_text(w)} for w in result.warnings],
        },
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
