"""The command line's contracts: exit codes, formats, rules, baselines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.engine.test_scanner import PRIVILEGED_POD
from tests.reports import load_report


def sw(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shieldwall", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def test_exit_codes(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    assert sw("scan", str(root), "--format", "json").returncode == 1
    assert sw("scan", str(root), "--fail-on", "critical", "--format", "json").returncode == 0
    assert sw("scan", str(root), "--fail-on", "none", "--format", "json").returncode == 0
    bad = sw("scan", str(root), "--analyzers", "nope")
    assert bad.returncode == 2 and "unknown analyzer" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert sw("scan", str(root / "missing")).returncode == 2


def test_config_error_is_exit_2_with_file_and_line(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD, ".shieldwall.yaml": "fail_on: severe\n"})
    out = sw("scan", str(root))
    assert out.returncode == 2
    assert ".shieldwall.yaml:1:" in out.stderr


def test_json_contract_and_several_formats_at_once(write, tmp_path: Path) -> None:
    root = write({"k8s/pod.yaml": PRIVILEGED_POD, "broken.yaml": "a: [\n"})
    sarif = tmp_path / "out" / "r.sarif"
    junit = tmp_path / "out" / "r.xml"
    out = sw(
        "scan",
        str(root),
        "--format",
        "json",
        "--format",
        f"sarif:{sarif}",
        "--format",
        f"junit:{junit}",
        "--fail-on",
        "none",
    )
    assert out.returncode == 0, out.stderr
    report = load_report(out.stdout)
    assert report["schema"] == "shieldwall/report/v1"
    assert report["target"] == str(root)
    priv = next(f for f in report["findings"] if f["rule"] == "K8S-PRIVILEGED")
    assert priv["location"] == {"path": "k8s/pod.yaml", "start_line": 9, "end_line": 9}
    assert priv["control"] == "least-privilege" and priv["severity"] == "high"
    assert priv["resource"] == "Pod/shop/p"
    assert set(priv) >= {
        "fingerprint",
        "analyzer",
        "title",
        "message",
        "cwe",
        "references",
        "remediation",
        "suppressed",
    }
    assert report["summary"]["findings"] == len(report["findings"])
    assert report["skipped"][0]["path"] == "broken.yaml"
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert junit.read_text().startswith("<?xml")


def test_two_formats_on_stdout_is_a_usage_error(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    out = sw("scan", str(root), "--format", "json", "--format", "text")
    assert out.returncode == 2 and "standard output" in out.stderr


def test_rules_list_and_detail() -> None:
    listing = sw("rules")
    assert listing.returncode == 0
    assert "K8S-PRIVILEGED" in listing.stdout
    assert len(listing.stdout.splitlines()) >= 15
    detail = sw("rules", "k8s-privileged")
    assert detail.returncode == 0
    assert "How to fix" in detail.stdout and "least-privilege" in detail.stdout
    assert sw("rules", "NOPE").returncode == 2


def test_baseline_create_then_gate_only_on_new_findings(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    created = sw("baseline", "create", str(root))
    assert created.returncode == 0, created.stderr
    baseline = root / ".shieldwall-baseline.json"
    assert baseline.is_file()
    # Lines move: the baseline still matches.
    (root / "pod.yaml").write_text("# a comment\n\n" + PRIVILEGED_POD)
    assert sw("scan", str(root), "--baseline", str(baseline), "--format", "json").returncode == 0
    # A new privileged pod is not in the baseline.
    (root / "new.yaml").write_text(PRIVILEGED_POD.replace("name: p,", "name: q,"))
    out = sw("scan", str(root), "--baseline", str(baseline), "--format", "json")
    assert out.returncode == 1
    active = [f for f in load_report(out.stdout)["findings"] if not f["suppressed"]]
    assert {f["resource"] for f in active} == {"Pod/shop/q"}


def test_text_report_names_the_gateway(write) -> None:
    gw = PRIVILEGED_POD.replace("name: p,", "name: api-gateway,").replace(
        "registry.example/c:1.0", "envoyproxy/envoy:v1.31.0"
    )
    root = write({"gw.yaml": gw})
    out = sw("scan", str(root), "--fail-on", "none", "--no-color")
    assert out.returncode == 0
    assert "Pod/shop/api-gateway" in out.stdout and "envoy" in out.stdout


def test_missing_vulnerability_database_stops_the_scan_with_the_fix(
    write, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SHIELDWALL_DB", str(tmp_path / "absent" / "osv.sqlite3"))
    root = write({"requirements.txt": "flask==2.0.0\n"})
    out = sw("scan", str(root), "--format", "json", "--fail-on", "none")
    assert out.returncode == 2, out.stderr
    assert out.stdout == ""
    assert "no vulnerability database at" in out.stderr
    assert "shieldwall db update" in out.stderr and "--offline" in out.stderr
    assert "Traceback" not in out.stderr


def test_offline_scan_goes_on_without_the_database_and_says_so(
    write, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SHIELDWALL_DB", str(tmp_path / "absent" / "osv.sqlite3"))
    root = write({"requirements.txt": "flask==2.0.0\n"})
    args = ("scan", str(root), "--analyzers", "deps", "--format", "json", "--fail-on", "none")
    out = sw(*args, "--offline")
    assert out.returncode == 0
    assert "warning:" in out.stderr and "shieldwall db update" in out.stderr
    report = load_report(out.stdout)
    assert report["skipped"][0]["path"] == "requirements.txt"
    assert "not checked for known vulnerabilities" in report["skipped"][0]["reason"]
    assert report["command_line"]["require_db"] is False
