"""JUnit XML, for CI systems that show test reports: one suite per control.

A suite holds one failing test case per active finding, one passing test case per
resource the control checked and found nothing wrong with, and one skipped test case
per suppressed finding. Analyzer errors and skipped inputs go to a last suite, "scan".
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from shieldwall.formats.base import ReportContext
from shieldwall.model import Control, Finding, ScanResult
from shieldwall.model.display import display_path, display_text

ROOT_NAME = "shieldwall"
SCAN_SUITE = "scan"
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(value: str) -> str:
    """`value` with characters XML 1.0 forbids shown as escapes."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


@dataclass
class _Suite:
    name: str
    cases: list[ET.Element] = field(default_factory=list)

    def count(self, tag: str) -> int:
        return sum(1 for case in self.cases if case.find(tag) is not None)


def _case(name: str, classname: str, **attrs: str) -> ET.Element:
    case = ET.Element("testcase", {"name": xml_safe(name), "classname": xml_safe(classname)})
    for key, value in attrs.items():
        case.set(key, xml_safe(value))
    return case


def _child(case: ET.Element, tag: str, text: str = "", **attrs: str) -> None:
    element = ET.SubElement(case, tag, {k: xml_safe(v) for k, v in attrs.items()})
    if text:
        element.text = xml_safe(text)


def _where(f: Finding) -> str:
    loc = f.location
    path = display_path(loc.path)
    return f"{path}:{loc.start_line}" if loc.start_line >= 1 else path


def _finding_name(f: Finding) -> str:
    # Stable across edits (no line number) so CI history can follow a test case.
    what = display_text(f.resource) if f.resource else display_path(f.location.path)
    name = f"{f.rule.id}: {what}"
    return f"{name} [{display_text(f.key)}]" if f.key else name


def _finding_case(f: Finding) -> ET.Element:
    control = f.rule.control.value
    attrs = {"file": display_path(f.location.path)}
    if f.location.start_line >= 1:
        attrs["line"] = str(f.location.start_line)
    case = _case(_finding_name(f), f"{ROOT_NAME}.{control}", **attrs)
    if f.suppression is not None:
        reason = display_text(f.suppression.reason) or "no reason given"
        _child(case, "skipped", message=f"suppressed ({f.suppression.kind}): {reason}")
        return case
    text = [f"{_where(f)} {display_text(f.resource)}".rstrip(), display_text(f.message)]
    if f.rule.remediation:
        text.append(f"fix: {f.rule.remediation}")
    # The finding's own severity (an advisory's, under DEPS-VULNERABLE), not the rule's default.
    severity = f.rule.severity.value
    _child(case, "failure", "\n".join(text), message=f"{severity}: {f.rule.title}", type=severity)
    return case


def _order(f: Finding) -> tuple[bool, int, str, int, str, str]:
    loc = f.location
    return (f.suppressed, -f.rule.severity.rank, loc.path, loc.start_line, f.rule.id, f.fingerprint)


def control_suite(result: ScanResult, control: Control) -> _Suite:
    suite = _Suite(control.value)
    findings = sorted((f for f in result.findings if f.rule.control is control), key=_order)
    suite.cases += [_finding_case(f) for f in findings if not f.suppressed]
    failing = result.scorecard.failing(result.findings, control)
    passing = result.scorecard.checked.get(control, frozenset()) - failing
    classname = f"{ROOT_NAME}.{control.value}"
    suite.cases += [
        _case(f"{control.value}: {display_text(r)}", classname) for r in sorted(passing)
    ]
    suite.cases += [_finding_case(f) for f in findings if f.suppressed]
    return suite


def scan_suite(result: ScanResult) -> _Suite:
    suite = _Suite(SCAN_SUITE)
    classname = f"{ROOT_NAME}.{SCAN_SUITE}"
    for i, error in enumerate(result.errors, start=1):
        case = _case(f"analyzer error {i}", classname)
        lines = [display_text(line) for line in error.split("\n")]
        _child(case, "error", "\n".join(lines), message=lines[0], type="error")
        suite.cases.append(case)
    for s in result.skipped:
        path = display_path(s.path)
        case = _case(f"input: {path}", classname, file=path)
        _child(case, "skipped", message=f"skipped: {display_text(s.reason)}")
        suite.cases.append(case)
    return suite


def _totals(suites: list[_Suite]) -> dict[str, str]:
    return {
        "tests": str(sum(len(s.cases) for s in suites)),
        "failures": str(sum(s.count("failure") for s in suites)),
        "errors": str(sum(s.count("error") for s in suites)),
        "skipped": str(sum(s.count("skipped") for s in suites)),
    }


def junit_tree(result: ScanResult) -> ET.Element:
    suites = [control_suite(result, c) for c in Control]
    suites.append(scan_suite(result))
    suites = [s for s in suites if s.cases]
    root = ET.Element("testsuites", {"name": ROOT_NAME, **_totals(suites)})
    for suite in suites:
        element = ET.SubElement(root, "testsuite", {"name": suite.name, **_totals([suite])})
        element.extend(suite.cases)
    return root


def render(result: ScanResult, ctx: ReportContext) -> str:
    root = junit_tree(result)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
