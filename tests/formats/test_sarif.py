from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from shieldwall.formats import sarif
from shieldwall.formats.base import ReportContext
from shieldwall.model import ScanResult, Scorecard, Severity
from tests.formats.conftest import (
    ADMIN_EXCEPTION,
    ERROR,
    LEGACY_BASELINE,
    ODD_HOST_NETWORK,
    ODD_RESOURCE,
    PAYMENTS_PRIVILEGED,
    SKIPPED,
    TOKEN_INLINE,
    UNICODE_MESSAGE,
    WEB_ROOT,
    make_result,
)

# The repository sits next to `shared/` (…/main and …/shared); tests/formats/ is two levels down.
SCHEMA_PATH = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "sarif-schema-2.1.0.json"
ROOT_URI = "file:///home/ci/checkout/examples/shop"


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


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    if not SCHEMA_PATH.is_file():
        pytest.skip(f"SARIF schema not found at {SCHEMA_PATH} (the shared/ folder beside the repo)")
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


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
