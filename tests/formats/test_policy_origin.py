"""Every format says what the scanned repository decided (excludes, exceptions, limits,
inline ignores), apart from what the command line decided, and how files were chosen."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shieldwall.formats import json_report, sarif, text
from shieldwall.formats.base import ReportContext
from shieldwall.model import FileSelection, PolicySource, ScanResult
from tests.formats.conftest import ERROR, make_result
from tests.formats.test_sarif import SCHEMA_PATH
from tests.reports import load_report

REPOSITORY = PolicySource(
    config=".shieldwall.yaml",
    excludes=("k8s/**", "Docker\x1b[2Jfile"),
    files_excluded=7,
    exceptions=2,
    max_file_size=100,
    fail_on="none",
    require_db=False,
    max_db_age_days=30.0,
    suppressed={"inline": 1, "exception": 1},
)
COMMAND_LINE = PolicySource(
    excludes=("legacy/**",),
    files_excluded=3,
    baseline=".shieldwall-baseline.json",
    suppressed={"exception": 0, "baseline": 1},
)
SELECTION = FileSelection(tracked_by_git=True, files_gitignored=4)


def policy_result(**changes: object) -> ScanResult:
    fields: dict[str, object] = {
        "repository": REPOSITORY,
        "command_line": COMMAND_LINE,
        "selection": SELECTION,
        "warnings": ("the database is old",),
    }
    fields.update(changes)
    return make_result(**fields)


def flat(output: str) -> str:
    return " ".join(output.split())


def test_json_carries_counts_by_origin_with_their_types() -> None:
    report = load_report(json_report.render(policy_result(), ReportContext()))
    assert report["files_scanned"] == 42
    assert report["errors"] == [ERROR]
    assert report["warnings"] == ["the database is old"]
    # the sample result holds one inline, one exception and one baseline suppression
    assert report["suppressions"] == {"inline": 1, "exception": 1, "baseline": 1}
    assert report["file_selection"] == {"tracked_by_git": True, "note": "", "files_gitignored": 4}
    assert report["repository_config"] == {
        "path": ".shieldwall.yaml",
        "applied": True,
        "excludes": ["k8s/**", "Docker\x1b[2Jfile"],
        "files_excluded": 7,
        "exceptions": 2,
        "max_file_size": 100,
        "fail_on": "none",
        "require_db": False,
        "max_db_age_days": 30.0,
        "suppressed": {"inline": 1, "exception": 1},
        "inline_ignores": 1,
        "inline_ignores_applied": True,
    }
    assert report["command_line"] == {
        "config": None,
        "excludes": ["legacy/**"],
        "files_excluded": 3,
        "exceptions": 0,
        "max_file_size": None,
        "fail_on": None,
        "require_db": None,
        "max_db_age_days": None,
        "suppressed": {"exception": 0, "baseline": 1},
        "baseline": ".shieldwall-baseline.json",
    }


def test_json_without_any_config_says_so() -> None:
    report = load_report(json_report.render(make_result(), ReportContext()))
    assert report["repository_config"]["path"] is None
    assert report["command_line"]["config"] is None
    assert report["file_selection"]["tracked_by_git"] is False


def test_text_header_shows_left_out_files_and_both_policies() -> None:
    out = flat(text.render(policy_result(), ReportContext(width=200)))
    assert "Files scanned: 42 (tracked files listed by git;" in out
    assert (
        "Left out: 7 by the excludes of .shieldwall.yaml, 3 by excludes given to the command, "
        "4 (untracked) by .gitignore" in out
    )
    assert (
        "Repository policy: .shieldwall.yaml: exclude k8s/**, Docker\\x1b[2Jfile; "
        "2 exceptions; max_file_size 100; fail_on none; require_db false (dependencies may go "
        "unchecked for vulnerabilities); max_db_age 30d; suppressed 1 inline, 1 exception" in out
    )
    assert (
        "Command-line policy: exclude legacy/**; baseline .shieldwall-baseline.json; "
        "suppressed 1 baseline" in out
    )
    assert "\x1b" not in out


def test_text_header_says_when_the_repository_policy_was_not_applied() -> None:
    ignored = PolicySource(config=".shieldwall.yaml", applied=False, inline_ignores_applied=False)
    cli = PolicySource(config="ci/policy.yaml", exceptions=1, fail_on="high")
    note = FileSelection(note="not a git work tree: .gitignore applied to every file")
    out = flat(
        text.render(
            make_result(repository=ignored, command_line=cli, selection=note), ReportContext()
        )
    )
    assert "Repository policy: .shieldwall.yaml not applied; inline ignores not applied" in out
    assert "Command-line policy: config ci/policy.yaml; 1 exception; fail_on high" in out
    assert "Files scanned: 42 (not a git work tree: .gitignore applied to every file)" in out


def test_text_header_is_unchanged_when_nothing_was_set() -> None:
    out = text.render(make_result(), ReportContext())
    assert "Left out" not in out and "policy:" not in out


def _sarif_run(result: ScanResult) -> dict[str, Any]:
    run: dict[str, Any] = json.loads(sarif.render(result, ReportContext()))["runs"][0]
    return run


def test_sarif_run_properties_match_the_json_report() -> None:
    result = policy_result()
    report = load_report(json_report.render(result, ReportContext()))
    props = _sarif_run(result)["properties"]
    assert props["filesScanned"] == 42
    assert props["suppressions"] == report["suppressions"]
    assert props["fileSelection"] == report["file_selection"]
    assert props["repositoryConfig"] == report["repository_config"]
    assert props["commandLine"] == report["command_line"]


def test_sarif_notifications_name_what_the_repository_decided() -> None:
    (invocation,) = _sarif_run(policy_result(errors=(), skipped=()))["invocations"]
    notes = {n["descriptor"]["id"]: n for n in invocation["toolExecutionNotifications"]}
    assert notes["shieldwall/files-left-out"]["message"]["text"].startswith(
        "left out: 7 by the excludes of .shieldwall.yaml"
    )
    repo = notes["shieldwall/repository-config"]
    assert repo["level"] == "note" and "fail_on none" in repo["message"]["text"]
    assert notes["shieldwall/warning"]["level"] == "warning"
    assert invocation["executionSuccessful"] is True


def test_sarif_no_file_scanned_is_an_unsuccessful_run() -> None:
    result = policy_result(errors=(), skipped=(), findings=(), files_scanned=0)
    (invocation,) = _sarif_run(result)["invocations"]
    assert invocation["executionSuccessful"] is False
    errors = [n for n in invocation["toolExecutionNotifications"] if n["level"] == "error"]
    assert [n["descriptor"]["id"] for n in errors] == ["shieldwall/no-files-scanned"]
    assert "7 by the excludes of .shieldwall.yaml" in errors[0]["message"]["text"]


@pytest.mark.parametrize("files", [42, 0])
def test_sarif_with_policy_is_valid_against_the_official_schema(files: int) -> None:
    import jsonschema

    if not SCHEMA_PATH.is_file():
        pytest.skip(f"SARIF schema not found at {SCHEMA_PATH}")
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    doc = json.loads(sarif.render(policy_result(files_scanned=files), ReportContext()))
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(doc))
    assert not errors, errors[:3]
