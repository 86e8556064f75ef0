"""GitLab's report formats: Code Quality (Code Climate issues) and the security
report, schema 15 (type sast), with the fields GitLab requires."""

from __future__ import annotations

import json
import re
import uuid

from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.formats.base import ReportContext
from shieldwall.formats.registry import formatter
from tests.engine.test_scanner import PRIVILEGED_POD

SEVERITIES = {"info", "minor", "major", "critical", "blocker"}
SAST_SEVERITIES = {"Info", "Unknown", "Low", "Medium", "High", "Critical"}
TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")

SUPPRESSED = PRIVILEGED_POD.replace(
    "privileged: true", "privileged: true  # shieldwall: ignore[K8S-PRIVILEGED] lab"
)


def _result(write):
    root = write(
        {"k8s/pod.yaml": PRIVILEGED_POD, "k8s/lab.yaml": SUPPRESSED.replace("name: p", "name: lab")}
    )
    return run_scan(root, ScanOptions(analyzers="config")).result


def test_code_quality_issues_are_complete_and_leave_out_accepted_risk(write) -> None:
    result = _result(write)
    issues = json.loads(formatter("codequality")(result, ReportContext()))
    assert len(issues) == len(result.active) > 0
    for issue in issues:
        assert issue["type"] == "issue" and issue["check_name"] and issue["description"]
        assert issue["severity"] in SEVERITIES
        assert issue["location"]["path"].startswith("k8s/")
        assert issue["location"]["lines"]["begin"] >= 1
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    privileged = [i for i in issues if i["check_name"] == "K8S-PRIVILEGED"]
    assert [i["location"]["path"] for i in privileged] == ["k8s/pod.yaml"]
    assert privileged[0]["severity"] == "critical"  # shieldwall high


def test_sast_report_has_what_schema_15_requires(write) -> None:
    result = _result(write)
    doc = json.loads(formatter("gitlab-sast")(result, ReportContext()))
    assert re.fullmatch(r"15\.\d+\.\d+", doc["version"])
    scan = doc["scan"]
    for part in ("analyzer", "scanner"):
        assert scan[part]["id"] and scan[part]["name"] and scan[part]["version"]
        assert scan[part]["vendor"]["name"]
    assert scan["type"] == "sast" and scan["status"] == "success"
    assert TIME.fullmatch(scan["start_time"]) and TIME.fullmatch(scan["end_time"])
    vulns = doc["vulnerabilities"]
    assert len(vulns) == len(result.active)
    ids = [v["id"] for v in vulns]
    assert len(set(ids)) == len(ids) and all(uuid.UUID(i) for i in ids)
    for v in vulns:
        assert v["severity"] in SAST_SEVERITIES
        assert 0 < len(v["name"]) <= 255
        assert v["identifiers"] and all(
            i["type"] and i["name"] and i["value"] for i in v["identifiers"]
        )
        assert v["location"]["file"].startswith("k8s/")
    privileged = next(v for v in vulns if v["identifiers"][0]["value"] == "K8S-PRIVILEGED")
    assert privileged["location"] == {"file": "k8s/pod.yaml", "start_line": 9, "end_line": 9}
    assert {"type": "cwe", "name": "CWE-250", "value": "250"}.items() <= {
        k: v for k, v in privileged["identifiers"][1].items() if k != "url"
    }.items()


def test_sast_ids_are_stable_across_scans(write) -> None:
    first = json.loads(formatter("gitlab-sast")(_result(write), ReportContext()))
    second = json.loads(formatter("gitlab-sast")(_result(write), ReportContext()))
    assert [v["id"] for v in first["vulnerabilities"]] == [
        v["id"] for v in second["vulnerabilities"]
    ]
