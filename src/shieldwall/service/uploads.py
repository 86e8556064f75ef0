"""What an upload holds: a shieldwall JSON report, a SARIF 2.1.0 log from any tool,
or a CycloneDX SBOM, read into the report's finding objects and SBOM components.

Uploads are hostile input: every field is type-checked, strings are capped, and a
bad document is refused with what is wrong and where (`findings[12].severity`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from shieldwall.model import Control, Severity
from shieldwall.service.errors import BadUpload

REPORT_SCHEMA = "shieldwall/report/v1"
MAP_SCHEMA = "shieldwall/map/v1"
MAX_MAP_ITEMS = 50_000
MAX_TEXT = 4000
MAX_FINDINGS = 200_000
MAX_COMPONENTS = 200_000
SEVERITIES = frozenset(s.value for s in Severity)
CONTROLS = frozenset(c.value for c in Control)

_LEVELS = {"error": "high", "warning": "medium", "note": "low", "none": "info"}
_ADVISORY_PREFIXES = ("CVE-", "GHSA-", "PYSEC-", "OSV-", "GO-", "RUSTSEC-", "SNYK-")


@dataclass(frozen=True)
class Head:
    """Enough of an upload to accept it: its kind and the tool that made it."""

    kind: str  # shieldwall | sarif | cyclonedx
    tool: str
    document: dict[str, Any]


@dataclass(frozen=True)
class SbomComponent:
    name: str
    version: str
    ecosystem: str
    purl: str


@dataclass(frozen=True)
class Contents:
    findings: list[dict[str, Any]] = field(default_factory=list)
    components: list[SbomComponent] = field(default_factory=list)
    full: bool = True  # a full scan: findings absent from it are fixed
    service: str = ""
    service_map: dict[str, Any] | None = None


def _text(value: Any, where: str, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise BadUpload(f"{where} must be a string", "upload the document the tool wrote")
    return value[:MAX_TEXT]


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadUpload(f"{where} must be a list", "upload the document the tool wrote")
    return value


def _dict(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadUpload(f"{where} must be an object", "upload the document the tool wrote")
    return value


def head(body: bytes) -> Head:
    """Parse the body and tell what it is; BadUpload when it is none of the three."""
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadUpload(
            f"the upload is not valid JSON: {exc}",
            "upload a shieldwall JSON report, a SARIF 2.1.0 log or a CycloneDX JSON SBOM",
        ) from None
    if not isinstance(doc, dict):
        raise BadUpload("the upload must be a JSON object", "upload a report, SARIF or SBOM")
    if doc.get("schema") == REPORT_SCHEMA:
        return Head("shieldwall", "shieldwall", doc)
    if doc.get("schema") == MAP_SCHEMA:
        return Head("map", "shieldwall-map", doc)
    if doc.get("bomFormat") == "CycloneDX":
        return Head("cyclonedx", "sbom", doc)
    if isinstance(doc.get("runs"), list) and str(doc.get("version", "")).startswith("2.1"):
        runs = doc["runs"]
        driver = _dict(_dict(runs[0], "runs[0]").get("tool"), "runs[0].tool") if runs else {}
        name = _text(_dict(driver.get("driver"), "runs[0].tool.driver").get("name"), "driver")
        return Head("sarif", name.strip().lower()[:100] or "sarif", doc)
    raise BadUpload(
        "the upload is neither a shieldwall report, SARIF 2.1.0 nor CycloneDX",
        f'a shieldwall report has "schema": "{REPORT_SCHEMA}"; SARIF has "version": '
        '"2.1.0" and runs; CycloneDX has "bomFormat": "CycloneDX"',
    )


def contents(upload: Head) -> Contents:
    if upload.kind == "shieldwall":
        return _report(upload.document)
    if upload.kind == "sarif":
        return _sarif(upload.document, upload.tool)
    if upload.kind == "map":
        return Contents(service_map=_service_map(upload.document))
    return _cyclonedx(upload.document)


def _report(doc: dict[str, Any]) -> Contents:
    items = _list(doc.get("findings"), "findings")
    if len(items) > MAX_FINDINGS:
        raise BadUpload(f"the report has {len(items)} findings, over {MAX_FINDINGS}")
    return Contents(
        findings=[_report_finding(item, i) for i, item in enumerate(items)],
        full=doc.get("diff_base") is None,
    )


def _str(f: dict[str, Any], key: str, i: int, required: bool = False) -> str:
    """`f[key]` as text; the field's path (`findings[12].title`) is made only for
    an error, since a 10,000-finding report would make 150,000 of them otherwise."""
    value = f.get(key)
    if isinstance(value, str):
        return value[:MAX_TEXT]
    return _text(value, f"findings[{i}].{key}", required)


def _strs(f: dict[str, Any], key: str, i: int) -> list[str]:
    values = f.get(key)
    if values is None:
        return []
    if isinstance(values, list) and all(isinstance(v, str) for v in values):
        return [v[:MAX_TEXT] for v in values]
    where = f"findings[{i}].{key}"
    return [_text(v, where) for v in _list(values, where)]


def _report_finding(item: Any, i: int) -> dict[str, Any]:
    where = f"findings[{i}]"
    f = _dict(item, where)
    severity = _str(f, "severity", i, True)
    control = _str(f, "control", i, True)
    if severity not in SEVERITIES:
        raise BadUpload(f"{where}.severity {severity!r} is not a severity")
    if control not in CONTROLS:
        raise BadUpload(f"{where}.control {control!r} is not a control")
    location = _dict(f.get("location"), f"{where}.location")
    fingerprint, rule = _str(f, "fingerprint", i, True), _str(f, "rule", i, True)
    if not fingerprint or not rule:
        _required(fingerprint, f"{where}.fingerprint")
        _required(rule, f"{where}.rule")
    path = location.get("path")
    return {
        "fingerprint": fingerprint[:200],
        "rule": rule[:300],
        "analyzer": _str(f, "analyzer", i),
        "control": control,
        "severity": severity,
        "title": _str(f, "title", i),
        "message": _str(f, "message", i),
        "location": {
            "path": path[:MAX_TEXT]
            if isinstance(path, str)
            else _location(location, where)["path"],
            "start_line": _line(location.get("start_line")),
            "end_line": _line(location.get("end_line")),
        },
        "resource": _str(f, "resource", i),
        "cwe": _strs(f, "cwe", i),
        "references": _strs(f, "references", i),
        "remediation": _str(f, "remediation", i),
        "suppressed": bool(f.get("suppressed", False)),
    }


def _required(value: Any, where: str) -> str:
    text = _text(value, where)
    if not text:
        raise BadUpload(f"{where} is empty")
    return text


def _line(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _location(location: dict[str, Any], where: str) -> dict[str, Any]:
    return {
        "path": _text(location.get("path"), f"{where}.location.path", False),
        "start_line": _line(location.get("start_line")),
        "end_line": _line(location.get("end_line")),
    }


def _security_severity(score: Any) -> str | None:
    try:
        value = float(score)
    except (TypeError, ValueError):
        return None
    if value >= 9.0:
        return "critical"
    if value >= 7.0:
        return "high"
    if value >= 4.0:
        return "medium"
    return "low" if value > 0 else "info"


def _sarif_control(rule_id: str, tags: list[Any]) -> str:
    """The control of another tool's result: advisories are supply chain, secrets
    are secrets, anything else is the code's (the tool's own rule id is kept)."""
    words = {str(t).lower() for t in tags}
    if rule_id.upper().startswith(_ADVISORY_PREFIXES) or "vulnerability" in words:
        return "supply-chain"
    if "secret" in words or "secrets" in words or "secret" in rule_id.lower():
        return "secrets"
    return "code"


def _sarif_rules(run: dict[str, Any], where: str) -> dict[str, dict[str, Any]]:
    driver = _dict(_dict(run.get("tool"), f"{where}.tool").get("driver"), f"{where}.driver")
    rules = {}
    for j, rule in enumerate(_list(driver.get("rules"), f"{where}.tool.driver.rules")):
        r = _dict(rule, f"{where}.tool.driver.rules[{j}]")
        if isinstance(r.get("id"), str):
            rules[r["id"]] = r
    return rules


def _sarif(doc: dict[str, Any], tool: str) -> Contents:
    findings = []
    for i, run in enumerate(_list(doc.get("runs"), "runs")):
        where = f"runs[{i}]"
        run = _dict(run, where)
        rules = _sarif_rules(run, where)
        for k, result in enumerate(_list(run.get("results"), f"{where}.results")):
            findings.append(_sarif_result(_dict(result, f"{where}.results[{k}]"), rules, tool))
            if len(findings) > MAX_FINDINGS:
                raise BadUpload(f"the SARIF log has over {MAX_FINDINGS} results")
    return Contents(findings=findings)


def _sarif_result(
    result: dict[str, Any], rules: dict[str, dict[str, Any]], tool: str
) -> dict[str, Any]:
    rule_id = result.get("ruleId")
    if not isinstance(rule_id, str):
        rule_id = _dict(result.get("rule"), "rule").get("id")
    rule_id = rule_id[:300] if isinstance(rule_id, str) and rule_id else "unknown"
    rule = rules.get(rule_id, {})
    props = {**_dict(rule.get("properties"), "rule.properties")}
    props.update(_dict(result.get("properties"), "result.properties"))
    severity = _security_severity(props.get("security-severity"))
    if severity is None:
        level = result.get("level") or _dict(rule.get("defaultConfiguration"), "config").get(
            "level", "warning"
        )
        severity = _LEVELS.get(str(level), "medium")
    message = _dict(result.get("message"), "message").get("text", "")
    location: dict[str, Any] = {"path": "", "start_line": 0, "end_line": 0}
    locations = _list(result.get("locations"), "locations")
    if locations:
        physical = _dict(_dict(locations[0], "location").get("physicalLocation"), "physical")
        uri = _dict(physical.get("artifactLocation"), "artifactLocation").get("uri", "")
        region = _dict(physical.get("region"), "region")
        start = _line(region.get("startLine"))
        location = {
            "path": str(uri)[:MAX_TEXT],
            "start_line": start,
            "end_line": _line(region.get("endLine")) or start,
        }
    fingerprint = _sarif_fingerprint(result, tool, rule_id, str(location["path"]), str(message))
    short = _dict(rule.get("shortDescription"), "shortDescription").get("text", "")
    help_uri = rule.get("helpUri")
    return {
        "fingerprint": fingerprint,
        "rule": rule_id,
        "analyzer": tool,
        "control": _sarif_control(rule_id, _list(props.get("tags"), "tags")),
        "severity": severity,
        "title": str(short or rule_id)[:MAX_TEXT],
        "message": str(message)[:MAX_TEXT],
        "location": location,
        "resource": "",
        "cwe": [],
        "references": [help_uri[:MAX_TEXT]] if isinstance(help_uri, str) else [],
        "remediation": "",
        "suppressed": bool(result.get("suppressions")),
    }


def _sarif_fingerprint(
    result: dict[str, Any], tool: str, rule_id: str, path: str, message: str
) -> str:
    """The tool's own stable fingerprint when it gives one, else rule, path and
    message (never the line, so moving code does not make a new finding)."""
    for key in ("partialFingerprints", "fingerprints"):
        given = _dict(result.get(key), key)
        values = [f"{k}={v}" for k, v in sorted(given.items()) if isinstance(v, str)]
        if values:
            joined = "|".join([tool, rule_id, *values])
            return hashlib.sha256(joined.encode()).hexdigest()[:32]
    joined = "|".join([tool, rule_id, path, message])
    return hashlib.sha256(joined.encode()).hexdigest()[:32]


def _walk_components(items: list[Any], where: str) -> Iterator[dict[str, Any]]:
    stack = [(f"{where}[{i}]", c) for i, c in enumerate(items)]
    while stack:
        at, item = stack.pop()
        component = _dict(item, at)
        yield component
        nested = _list(component.get("components"), f"{at}.components")
        stack.extend((f"{at}.components[{i}]", c) for i, c in enumerate(nested))


def _cyclonedx(doc: dict[str, Any]) -> Contents:
    metadata = _dict(doc.get("metadata"), "metadata")
    service = _dict(metadata.get("component"), "metadata.component").get("name", "")
    components = []
    for c in _walk_components(_list(doc.get("components"), "components"), "components"):
        name = c.get("name")
        if not isinstance(name, str) or not name:
            continue
        given = c.get("purl")
        purl = given if isinstance(given, str) else ""
        components.append(
            SbomComponent(
                name=name[:300],
                version=str(c.get("version") or "")[:100],
                ecosystem=_purl_type(purl),
                purl=purl[:500],
            )
        )
        if len(components) > MAX_COMPONENTS:
            raise BadUpload(f"the SBOM has over {MAX_COMPONENTS} components")
    return Contents(components=components, service=str(service)[:300])


def _purl_type(purl: str) -> str:
    if not purl.startswith("pkg:") or "/" not in purl:
        return ""
    return purl[4:].split("/", 1)[0].lower()[:40]


def _service_map(doc: dict[str, Any]) -> dict[str, Any]:
    """`shieldwall map --format json`: nodes and edges, each field checked."""
    nodes, edges = _list(doc.get("nodes"), "nodes"), _list(doc.get("edges"), "edges")
    if len(nodes) + len(edges) > MAX_MAP_ITEMS:
        raise BadUpload(f"the map has over {MAX_MAP_ITEMS} nodes and edges")
    out_nodes = []
    for i, item in enumerate(nodes):
        n = _dict(item, f"nodes[{i}]")
        out_nodes.append(
            {
                key: _text(n.get(key), f"nodes[{i}].{key}", required=key == "id")
                for key in ("id", "kind", "name", "namespace", "exposure")
            }
        )
    out_edges = []
    for i, item in enumerate(edges):
        e = _dict(item, f"edges[{i}]")
        port = e.get("port")
        out_edges.append(
            {
                "from": _text(e.get("from"), f"edges[{i}].from"),
                "to": _text(e.get("to"), f"edges[{i}].to"),
                "port": port if isinstance(port, int) and not isinstance(port, bool) else None,
                "encrypted": e.get("encrypted") is True,
                "evidence": _text(e.get("evidence"), f"edges[{i}].evidence", required=False),
            }
        )
    return {"schema": MAP_SCHEMA, "nodes": out_nodes, "edges": out_edges}
