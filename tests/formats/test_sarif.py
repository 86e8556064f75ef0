from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from shieldwall.formats import sarif
from shieldwall.formats.base import ReportContext
from shieldwall.model import Control, Finding, Location, Rule, ScanResult, Scorecard, Severity
from tests.formats.conftest import (
    ACTIVE,
    ADMIN_EXCEPTION,
    ERROR,
    LEGACY_BASELINE,
    ODD_HOST_NETWORK,
    ODD_RESOURCE,
    PAYMENTS_PRIVILEGED,
    PAYMENTS_ROOT,
    PRIVILEGED,
    RUN_AS_ROOT,
    SKIPPED,
    SUPPRESSED,
    TOKEN_INLINE,
    UNICODE_MESSAGE,
    WEB_ROOT,
    make_result,
)

# The repository sits next to `shared/` (…/main and …/shared); tests/formats/ is two levels down.
SCHEMA_PATH = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "sarif-schema-2.1.0.json"
ROOT_URI = "file:///home/ci/checkout/examples/shop"
TAINT = Rule(
    "PY-COMMAND-INJECTION",
    "code",
    Control.CODE,
    Severity.CRITICAL,
    "Command injection",
    "Request data reaches a shell command.",
    "Pass a list of arguments, never a shell string.",
    cwe=("CWE-78",),
)


def render(result: ScanResult, root_uri: str = ROOT_URI, **options: Any) -> dict[str, Any]:
    ctx = ReportContext(root_uri=root_uri, **options)
    doc: dict[str, Any] = json.loads(sarif.render(result, ctx))
    return doc


def run_of(doc: dict[str, Any]) -> dict[str, Any]:
    assert len(doc["runs"]) == 1
    run: dict[str, Any] = doc["runs"][0]
    return run


def result_for(run: dict[str, Any], fingerprint: str) -> dict[str, Any]:
    results = run["results"]
    matches = [r for r in results if r["partialFingerprints"]["shieldwall/v1"] == fingerprint]
    assert len(matches) == 1
    return matches[0]


def load_schema() -> dict[str, Any]:
    """The official SARIF 2.1.0 schema (the test is skipped without it)."""
    if not SCHEMA_PATH.is_file():
        pytest.skip(f"SARIF schema not found at {SCHEMA_PATH} (the shared/ folder beside the repo)")
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return load_schema()


def assert_valid(schema: dict[str, Any], doc: dict[str, Any]) -> None:
    import jsonschema

    for validator in (jsonschema.Draft7Validator, jsonschema.Draft4Validator):
        errors = sorted(validator(schema).iter_errors(doc), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


@pytest.mark.parametrize(
    "result",
    [
        make_result(),
        make_result(findings=(), skipped=(), errors=(), scorecard=Scorecard(), gateways=()),
    ],
    ids=["full", "empty"],
)
@pytest.mark.parametrize("root_uri", [ROOT_URI, ""], ids=["root", "no-root"])
@pytest.mark.parametrize("include", [False, True], ids=["active", "with-suppressed"])
def test_valid_against_the_official_schema(
    schema: dict[str, Any], result: ScanResult, root_uri: str, include: bool
) -> None:
    assert_valid(schema, render(result, root_uri, include_suppressed=include))


def test_schema_catches_a_broken_document(schema: dict[str, Any]) -> None:
    """Guard: the validation above can fail."""
    import jsonschema

    doc = render(make_result())
    doc["runs"][0]["results"][0]["level"] = "fatal"
    assert not jsonschema.Draft7Validator(schema).is_valid(doc)


def test_header_and_driver(result: ScanResult) -> None:
    doc = render(result)
    assert doc["version"] == "2.1.0"
    driver = run_of(doc)["tool"]["driver"]
    assert driver["name"] == "shieldwall"
    assert driver["version"] == ReportContext().tool_version
    assert driver["informationUri"] == sarif.INFORMATION_URI


def test_rules_are_those_with_findings_in_stable_order(result: ScanResult) -> None:
    run = run_of(render(result, include_suppressed=True))
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    # With --include-suppressed suppressed findings' rules are included; a rule with no
    # finding is not.
    assert ids == sorted(
        [
            "K8S-PRIVILEGED",
            "K8S-RUN-AS-ROOT",
            "K8S-HOST-NETWORK",
            "K8S-INGRESS-NO-TLS",
            "SECRET-GITHUB-TOKEN",
        ]
    )
    for res in run["results"]:
        assert ids[res["ruleIndex"]] == res["ruleId"]
    shuffled = make_result(findings=tuple(reversed(result.findings)))
    assert run_of(render(shuffled, include_suppressed=True)) == run


def test_rule_descriptor(result: ScanResult) -> None:
    rules = {r["id"]: r for r in run_of(render(result))["tool"]["driver"]["rules"]}
    priv = rules["K8S-PRIVILEGED"]
    assert priv["name"] == "ContainerRunsPrivileged"
    assert priv["shortDescription"]["text"] == "Container runs privileged"
    assert priv["fullDescription"]["text"].startswith("A privileged container")
    assert priv["helpUri"] == PAYMENTS_PRIVILEGED.rule.references[0]
    assert "Set securityContext.privileged: false." in priv["help"]["text"]
    assert PAYMENTS_PRIVILEGED.rule.references[1] in priv["help"]["markdown"]
    assert priv["defaultConfiguration"]["level"] == "error"
    props = priv["properties"]
    assert props["tags"] == ["least-privilege", "security", "CWE-250"]
    assert props["security-severity"] == "9.5"
    assert "precision" not in props  # not measured for this rule
    # no CWE and no reference
    root = rules["K8S-RUN-AS-ROOT"]
    assert root["properties"]["tags"] == ["least-privilege", "security"]
    assert root["properties"]["security-severity"] == Severity.MEDIUM.security_severity
    assert "helpUri" not in root
    assert root["defaultConfiguration"]["level"] == "warning"


@pytest.mark.parametrize(
    ("severity", "level"),
    [
        ("critical", "error"),
        ("high", "error"),
        ("medium", "warning"),
        ("low", "note"),
        ("info", "note"),
    ],
)
def test_levels(severity: str, level: str) -> None:
    assert sarif.level(Severity(severity)) == level


def test_result_levels_follow_severity(result: ScanResult) -> None:
    run = run_of(render(result, include_suppressed=True))
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels == {
        "K8S-PRIVILEGED": "error",
        "K8S-HOST-NETWORK": "error",
        "K8S-RUN-AS-ROOT": "warning",
        "K8S-INGRESS-NO-TLS": "note",
        "SECRET-GITHUB-TOKEN": "error",
    }


def test_result_location_fingerprint_and_message(result: ScanResult) -> None:
    run = run_of(render(result))
    assert len(run["results"]) == len(result.active)
    res = result_for(run, WEB_ROOT.fingerprint)
    assert res["message"]["text"] == UNICODE_MESSAGE
    (loc,) = res["locations"]
    physical = loc["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "k8s/web.yaml", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 5, "endLine": 7}
    assert loc["logicalLocations"][0]["fullyQualifiedName"] == "Deployment/shop/web"
    assert "suppressions" not in res


def test_odd_paths_become_uri_references_and_resources_stay_verbatim(result: ScanResult) -> None:
    res = result_for(run_of(render(result)), ODD_HOST_NETWORK.fingerprint)
    loc = res["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == "k8s/odd%20%3Cdir%3E/pod%231.yaml"
    assert loc["logicalLocations"][0]["name"] == ODD_RESOURCE
    assert sarif.artifact_uri("a:b/ü.yaml") == "a%3Ab/%C3%BC.yaml"


def test_root_uri_base(result: ScanResult) -> None:
    run = run_of(render(result))
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": ROOT_URI + "/"}}
    assert "originalUriBaseIds" not in run_of(render(result, root_uri=""))


def test_suppressions(result: ScanResult) -> None:
    run = run_of(render(result, include_suppressed=True))
    inline = result_for(run, TOKEN_INLINE.fingerprint)["suppressions"]
    assert [s["kind"] for s in inline] == ["inSource"]
    assert inline[0]["justification"] == "test fixture token"
    exception = result_for(run, ADMIN_EXCEPTION.fingerprint)["suppressions"]
    assert exception[0]["kind"] == "external"
    assert exception[0]["justification"].startswith("accepted until 2026-01-01")
    baseline = result_for(run, LEGACY_BASELINE.fingerprint)["suppressions"]
    assert baseline[0]["kind"] == "external"
    assert baseline[0]["justification"]  # never empty, even when no reason was given
    assert sum("suppressions" in r for r in run["results"]) == 3


def test_notifications_for_skipped_inputs_and_errors(result: ScanResult) -> None:
    (invocation,) = run_of(render(result))["invocations"]
    assert invocation["executionSuccessful"] is False
    skipped, error = invocation["toolExecutionNotifications"]
    assert skipped["level"] == "warning"
    assert skipped["message"]["text"] == f"skipped: {SKIPPED.reason}"
    artifact = skipped["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": SKIPPED.path, "uriBaseId": "%SRCROOT%"}
    assert error["level"] == "error"
    assert error["message"]["text"] == ERROR


def test_clean_run_is_successful() -> None:
    (invocation,) = run_of(render(make_result(errors=(), skipped=())))["invocations"]
    assert invocation == {"executionSuccessful": True}


def test_rule_name_is_camel_case() -> None:
    assert sarif.rule_name("Pod shares the host network") == "PodSharesTheHostNetwork"
    assert sarif.rule_name("`curl | sh` in RUN") == "CurlShInRUN"
    assert sarif.rule_name("!!!") == "Rule"


def test_registered() -> None:
    from shieldwall.formats.registry import formatter

    assert formatter("sarif") is sarif.render


def test_suppressed_and_baselined_results_are_left_out_by_default(
    schema: dict[str, Any], result: ScanResult
) -> None:
    doc = render(result)
    assert_valid(schema, doc)
    run = run_of(doc)
    listed = {r["partialFingerprints"]["shieldwall/v1"] for r in run["results"]}
    assert listed == {f.fingerprint for f in ACTIVE}
    assert not listed & {f.fingerprint for f in SUPPRESSED}
    assert all("suppressions" not in r for r in run["results"])
    # The rule only a suppressed finding used is not described either...
    assert "SECRET-GITHUB-TOKEN" not in [r["id"] for r in run["tool"]["driver"]["rules"]]
    # ...but the run still says how many findings were suppressed, by kind.
    assert run["properties"]["suppressions"] == {"inline": 1, "exception": 1, "baseline": 1}
    everything = run_of(render(result, include_suppressed=True))
    assert len(everything["results"]) == len(ACTIVE) + len(SUPPRESSED)


def test_path_prefix_puts_every_path_under_the_repository_root(
    schema: dict[str, Any], result: ScanResult
) -> None:
    repo = "file:///home/ci/checkout/"
    doc = render(result, repo, path_prefix="services/api")
    assert_valid(schema, doc)
    run = run_of(doc)
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo}}
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    assert "services/api/k8s/web.yaml" in uris
    assert "services/api/k8s/odd%20%3Cdir%3E/pod%231.yaml" in uris
    assert all(u.startswith("services/api/") for u in uris)
    skipped = run["invocations"][0]["toolExecutionNotifications"][0]
    artifact = skipped["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact["uri"] == f"services/api/{SKIPPED.path}"
    # A prefix is encoded like any path: no character of it can leave %SRCROOT%.
    assert sarif.repository_uri("k8s/x.yaml", "my dir/a#b") == "my%20dir/a%23b/k8s/x.yaml"


def _variant(rule: Rule, severity: Severity) -> Rule:
    return dataclasses.replace(rule, severity=severity)


def test_severity_and_level_are_the_findings_own(schema: dict[str, Any]) -> None:
    """A high finding of a rule registered as medium is high in SARIF, for GitHub too:
    GitHub reads security-severity from the rule a result names, so the result names
    a variant of the rule at its severity; a finding at the rule's severity keeps the id."""
    high = Finding(
        _variant(RUN_AS_ROOT, Severity.HIGH),
        "pkg 1.0 is affected by a high advisory",
        Location.at("k8s/pay.yaml", 30),
        "Deployment/shop/payments",
        key="high-one",
    )
    low = Finding(
        _variant(RUN_AS_ROOT, Severity.LOW), "a low one", Location.at("k8s/pay.yaml", 31), "x"
    )
    doc = render(make_result(findings=(PAYMENTS_ROOT, high, low)))
    assert_valid(schema, doc)
    run = run_of(doc)
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert sorted(rules) == ["K8S-RUN-AS-ROOT", "K8S-RUN-AS-ROOT/high", "K8S-RUN-AS-ROOT/low"]
    variant = rules["K8S-RUN-AS-ROOT/high"]
    assert variant["properties"]["security-severity"] == Severity.HIGH.security_severity
    assert variant["properties"]["shieldwall-rule"] == "K8S-RUN-AS-ROOT"
    assert variant["defaultConfiguration"]["level"] == "error"
    assert variant["shortDescription"] == rules["K8S-RUN-AS-ROOT"]["shortDescription"]
    by_fp = {r["partialFingerprints"]["shieldwall/v1"]: r for r in run["results"]}
    res = by_fp[high.fingerprint]
    assert res["ruleId"] == "K8S-RUN-AS-ROOT/high"
    assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
    assert res["level"] == "error"
    assert res["properties"]["severity"] == "high"
    assert res["properties"]["security-severity"] == Severity.HIGH.security_severity
    assert res["properties"]["shieldwall-rule"] == "K8S-RUN-AS-ROOT"
    assert by_fp[low.fingerprint]["level"] == "note"
    plain = by_fp[PAYMENTS_ROOT.fingerprint]
    assert plain["ruleId"] == "K8S-RUN-AS-ROOT"
    assert plain["level"] == "warning"
    assert "shieldwall-rule" not in plain["properties"]


def test_github_fingerprint_survives_line_moves_and_tells_findings_on_one_line_apart() -> None:
    moved = Finding(
        PAYMENTS_ROOT.rule,
        PAYMENTS_ROOT.message,
        Location.at("k8s/pay.yaml", 40),  # 28 lines further down
        PAYMENTS_ROOT.resource,
        key=PAYMENTS_ROOT.key,
    )
    same_line = Finding(
        PAYMENTS_ROOT.rule,
        "container sidecar may run as root",
        PAYMENTS_ROOT.location,
        PAYMENTS_ROOT.resource,
        key="containers[sidecar]",
    )

    def github_key(f: Finding) -> str:
        (res,) = run_of(render(make_result(findings=(f,))))["results"]
        fingerprints: dict[str, str] = res["partialFingerprints"]
        assert fingerprints[sarif.FINGERPRINT_KEY] == f.fingerprint
        return fingerprints["primaryLocationLineHash"]

    assert github_key(moved) == github_key(PAYMENTS_ROOT)
    assert github_key(same_line) != github_key(PAYMENTS_ROOT)


def test_precision_only_where_the_rule_has_a_measured_one(result: ScanResult) -> None:
    measured = dataclasses.replace(PRIVILEGED, precision="very-high")
    finding = dataclasses.replace(PAYMENTS_PRIVILEGED, rule=measured)
    rules = run_of(render(make_result(findings=(finding, PAYMENTS_ROOT), rules=(measured,))))
    props = {r["id"]: r["properties"] for r in rules["tool"]["driver"]["rules"]}
    assert props["K8S-PRIVILEGED"]["precision"] == "very-high"
    assert "precision" not in props["K8S-RUN-AS-ROOT"]


def test_code_flow_from_source_to_sink(schema: dict[str, Any]) -> None:
    source = Location.at("app/views.py", 10)
    sink = Location.at("app/views.py", 14)
    taint = Finding(
        TAINT,
        "request.args (line 10) reaches `os.system` (in `run`)",
        sink,
        "app/views.py",
        key="cmd|os.system|request.args",
        flow=(source, sink),
    )
    doc = render(make_result(findings=(taint, PAYMENTS_ROOT), rules=(TAINT,)), path_prefix="svc")
    assert_valid(schema, doc)
    run = run_of(doc)
    by_fp = {r["partialFingerprints"]["shieldwall/v1"]: r for r in run["results"]}
    (code_flow,) = by_fp[taint.fingerprint]["codeFlows"]
    (thread,) = code_flow["threadFlows"]
    steps = [step["location"] for step in thread["locations"]]
    places = [
        (s["physicalLocation"]["artifactLocation"]["uri"], s["physicalLocation"]["region"])
        for s in steps
    ]
    assert places == [
        ("svc/app/views.py", {"startLine": 10, "endLine": 10}),
        ("svc/app/views.py", {"startLine": 14, "endLine": 14}),
    ]
    assert steps[0]["message"]["text"].startswith("source")
    assert steps[-1]["message"]["text"].startswith("sink")
    assert "codeFlows" not in by_fp[PAYMENTS_ROOT.fingerprint]
    # The flow is not part of the fingerprint: a baseline keeps matching.
    assert taint.fingerprint == dataclasses.replace(taint, flow=()).fingerprint


def test_automation_category_per_analyzer_set(result: ScanResult) -> None:
    details = run_of(render(result))["automationDetails"]
    assert details == {"id": "shieldwall/config+deps+secrets/"}
    reordered = make_result(analyzers=("secrets", "deps", "config"))
    assert run_of(render(reordered))["automationDetails"] == details
    alone = run_of(render(make_result(analyzers=("code",))))["automationDetails"]
    assert alone == {"id": "shieldwall/code/"}


def _sarif_text(results: int, rules: int = 1) -> str:
    run = {
        "tool": {"driver": {"name": "x", "rules": [{"id": f"R{i}"} for i in range(rules)]}},
        "results": [{"message": {"text": "m"}}] * results,
    }
    return json.dumps({"version": "2.1.0", "runs": [run]})


def test_upload_limits_are_warned_about(monkeypatch: pytest.MonkeyPatch) -> None:
    assert sarif.upload_warnings(_sarif_text(5_000)) == []
    (kept,) = sarif.upload_warnings(_sarif_text(5_001))
    assert "5,001 results" in kept and "only the 5,000 most severe" in kept
    (rejected,) = sarif.upload_warnings(_sarif_text(25_001))
    assert "25,001 results" in rejected and "rejects" in rejected
    (rules,) = sarif.upload_warnings(_sarif_text(1, rules=25_001))
    assert "25,001 rules" in rules
    text = _sarif_text(10)
    packed = len(gzip.compress(text.encode("utf-8")))
    monkeypatch.setattr(sarif, "GITHUB_MAX_GZIP_BYTES", packed - 1)
    (size,) = sarif.upload_warnings(text)
    assert "gzip-compressed" in size
