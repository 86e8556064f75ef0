"""SARIF as CI uploads it: scanned from a subdirectory of a repository, with its
suppressions, validated against the SARIF 2.1.0 schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_cli import sw
from tests.engine.test_scanner import PRIVILEGED_POD
from tests.formats.test_sarif import assert_valid, load_schema
from tests.gitrepo import make_repo, needs_git

IGNORED_POD = PRIVILEGED_POD.replace("name: p,", "name: lab,").replace(
    "privileged: true", "privileged: true  # shieldwall: ignore[K8S-PRIVILEGED] lab only"
)


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    return load_schema()


def sarif_of(*args: str, cwd: Path | None = None) -> dict[str, Any]:
    out = sw(
        "scan", *args, "--analyzers", "config", "--format", "sarif", "--fail-on", "none", cwd=cwd
    )
    assert out.returncode == 0, out.stderr
    doc: dict[str, Any] = json.loads(out.stdout)
    return doc


def uris(doc: dict[str, Any]) -> set[str]:
    return {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in doc["runs"][0]["results"]
    }


@needs_git
@pytest.mark.parametrize("how", ["path", "cwd"])
def test_paths_from_the_repository_root_when_a_subdirectory_is_scanned(
    tmp_path: Path,
    sarif_schema: dict[str, Any],
    how: str,
) -> None:
    repo = make_repo(tmp_path / "repo", {"services/api/k8s/x.yaml": PRIVILEGED_POD})
    if how == "path":
        doc = sarif_of(str(repo / "services" / "api"))
    else:
        doc = sarif_of(".", cwd=repo / "services" / "api")
    assert_valid(sarif_schema, doc)
    assert uris(doc) == {"services/api/k8s/x.yaml"}
    run = doc["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.resolve().as_uri() + "/"}}
    # The JSON report keeps paths relative to the scanned PATH, as its contract says.
    out = sw(
        "scan",
        str(repo / "services" / "api"),
        "--analyzers",
        "config",
        "--format",
        "json",
        "--fail-on",
        "none",
    )
    paths = {f["location"]["path"] for f in json.loads(out.stdout)["findings"]}
    assert paths == {"k8s/x.yaml"}


@needs_git
def test_scanning_the_repository_root_needs_no_prefix(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"k8s/x.yaml": PRIVILEGED_POD})
    assert uris(sarif_of(str(repo))) == {"k8s/x.yaml"}


def test_path_prefix_for_a_tree_git_does_not_know(
    tmp_path: Path,
    sarif_schema: dict[str, Any],
) -> None:
    tree = tmp_path / "export" / "services" / "api"
    (tree / "k8s").mkdir(parents=True)
    (tree / "k8s" / "x.yaml").write_text(PRIVILEGED_POD)
    doc = sarif_of(str(tree), "--path-prefix", "services/api/")
    assert_valid(sarif_schema, doc)
    assert uris(doc) == {"services/api/k8s/x.yaml"}
    top = (tmp_path / "export").resolve().as_uri() + "/"
    assert doc["runs"][0]["originalUriBaseIds"] == {"%SRCROOT%": {"uri": top}}
    # Outside git and without the flag, paths stay relative to the scanned directory.
    assert uris(sarif_of(str(tree))) == {"k8s/x.yaml"}
    bad = sw("scan", str(tree), "--format", "sarif", "--path-prefix", "../elsewhere")
    assert bad.returncode == 2 and "--path-prefix" in bad.stderr


@needs_git
def test_path_prefix_wins_over_git(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"deploy/k8s/x.yaml": PRIVILEGED_POD})
    doc = sarif_of(str(repo / "deploy"), "--path-prefix", "mono/deploy")
    assert uris(doc) == {"mono/deploy/k8s/x.yaml"}


def test_suppressed_findings_are_not_in_sarif_unless_asked(
    tmp_path: Path,
    sarif_schema: dict[str, Any],
) -> None:
    (tmp_path / "pod.yaml").write_text(PRIVILEGED_POD)
    (tmp_path / "lab.yaml").write_text(IGNORED_POD)
    doc = sarif_of(str(tmp_path))
    assert_valid(sarif_schema, doc)
    results = doc["runs"][0]["results"]
    privileged = [r for r in results if r["ruleId"] == "K8S-PRIVILEGED"]
    assert [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in privileged
    ] == ["pod.yaml"]
    assert all("suppressions" not in r for r in results)
    full = sarif_of(str(tmp_path), "--include-suppressed")
    assert_valid(sarif_schema, full)
    suppressed = [r for r in full["runs"][0]["results"] if "suppressions" in r]
    assert len(suppressed) == 1
    assert suppressed[0]["suppressions"][0]["kind"] == "inSource"
    assert suppressed[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "lab.yaml"
    )


def test_warning_on_stderr_when_github_would_cut_the_upload(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from shieldwall.cli.output import ReportTarget, write_reports
    from shieldwall.engine.scanner import ScanOptions, run_scan
    from shieldwall.formats import sarif

    (tmp_path / "pod.yaml").write_text(PRIVILEGED_POD)
    scan = run_scan(tmp_path, ScanOptions(analyzers="config"), target_label=str(tmp_path))
    report = tmp_path / "out.sarif"
    write_reports(scan, [ReportTarget("sarif", report)], color=False, verbose=False)
    assert "warning:" not in capsys.readouterr().err
    results = len(json.loads(report.read_text())["runs"][0]["results"])
    monkeypatch.setattr(sarif, "GITHUB_STORED_RESULTS", results - 1)
    write_reports(scan, [ReportTarget("sarif", report)], color=False, verbose=False)
    assert f"warning: SARIF has {results} results" in capsys.readouterr().err
