"""What the reports show: --severity (every format, never the gate), --quiet, and
progress on standard error only at a terminal."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.cli.terminal import drain
from tests.cli.test_cli import sw
from tests.engine.test_scanner import PRIVILEGED_POD
from tests.gitrepo import git, make_repo, needs_git

SHIELDWALL = [sys.executable, "-m", "shieldwall"]


def severities_of(report: dict[str, object]) -> set[str]:
    return {f["severity"] for f in report["findings"]}  # type: ignore[attr-defined, index]


def test_text_report_opens_with_critical_and_high_findings(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    out = sw("scan", str(root), "--analyzers", "config", "--no-color")
    first = out.stdout.index(" Fix first: ")
    groups = [out.stdout.index(f"({c}): ") for c in ("least-privilege", "isolation")]
    assert first < min(groups)
    listed = out.stdout[first : min(groups)]
    assert "K8S-PRIVILEGED" in listed and " MEDIUM " not in listed


def test_severity_filters_the_text_listing_and_the_summary_counts_everything(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    full = sw("scan", str(root), "--analyzers", "config", "--no-color")
    shown = sw("scan", str(root), "--analyzers", "config", "--no-color", "--severity", "HIGH")
    assert "K8S-PRIVILEGED" in shown.stdout and "K8S-RUN-AS-ROOT" in full.stdout
    assert "K8S-RUN-AS-ROOT" not in shown.stdout and " MEDIUM " not in shown.stdout
    report = json.loads(sw("scan", str(root), "--analyzers", "config", "--format", "json").stdout)
    not_high = sum(f["severity"] != "high" for f in report["findings"])
    counts = re.compile(r"\d+ findings: [a-z0-9, ]*[a-z0-9]")
    assert counts.findall(" ".join(shown.stdout.split())) == counts.findall(
        " ".join(full.stdout.split())
    )
    assert f"({not_high} hidden by --severity high)" in " ".join(shown.stdout.split())
    assert shown.returncode == full.returncode == 1


@pytest.mark.parametrize("gate", ["high", "medium"])
def test_severity_never_changes_the_gate(write, gate: str) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    # Only info findings shown: the exit code is still the gate's on every finding.
    out = sw(
        "scan",
        str(root),
        "--analyzers",
        "config",
        "--severity",
        "info",
        "--fail-on",
        gate,
        "--format",
        "json",
    )
    assert out.returncode == 1
    assert severities_of(json.loads(out.stdout)) <= {"info"}


def test_severity_filters_every_report_format(write, tmp_path: Path) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    reports = tmp_path / "reports"
    files = {fmt: reports / f"r.{fmt}" for fmt in ("json", "sarif", "junit", "html")}
    args = [f"--format={fmt}:{path}" for fmt, path in files.items()]
    everything = sw("scan", str(root), "--analyzers", "config", "--fail-on", "none", *args)
    assert everything.returncode == 0, everything.stderr
    full = {fmt: path.read_text() for fmt, path in files.items()}
    out = sw(
        "scan",
        str(root),
        "--analyzers",
        "config",
        "--fail-on",
        "none",
        *args,
        "--severity",
        "critical,high",
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(files["json"].read_text())
    assert severities_of(report) == {"high"} != severities_of(json.loads(full["json"]))
    assert report["summary"]["findings"] == len(report["findings"])
    results = json.loads(files["sarif"].read_text())["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {f["rule"] for f in report["findings"]}
    cases = ET.fromstring(files["junit"].read_text()).iter("testcase")
    failed = {
        c.get("classname", "") + c.get("name", "") for c in cases if c.find("failure") is not None
    }
    assert any("K8S-PRIVILEGED" in name for name in failed)
    assert not any("K8S-RUN-AS-ROOT" in name for name in failed)
    # A resource whose failures are hidden is not shown as passing either.
    passed = {c.get("name", "") for c in ET.fromstring(files["junit"].read_text()).iter("testcase")}
    assert "isolation: Pod/shop/p" not in passed
    assert "K8S-RUN-AS-ROOT" in full["html"] and "K8S-RUN-AS-ROOT" not in files["html"].read_text()


def test_unknown_severity_is_a_usage_error(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    out = sw("scan", str(root), "--severity", "high,severe")
    assert out.returncode == 2 and "unknown severity 'severe'" in out.stderr
    assert "choose from: critical, high, medium, low, info" in out.stderr


def test_help_says_severity_is_display_only() -> None:
    text = " ".join(sw("scan", "--help").stdout.split())
    assert "--severity LIST" in text and "still counts every finding" in text
    assert "--quiet" in text and "--no-progress" in text


def test_quiet_prints_the_summary_line_and_the_gate_verdict(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    out = sw("scan", str(root), "--analyzers", "config", "--quiet")
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert len(lines) == 1 and lines[0].endswith(". Gate failed at high.")
    assert lines[0].split(":")[0].endswith("findings") and "K8S-PRIVILEGED" not in out.stdout
    passed = sw("scan", str(root), "--analyzers", "config", "-q", "--fail-on", "none")
    assert passed.returncode == 0 and passed.stdout.strip().endswith(". Gate off.")


# -- progress ---------------------------------------------------------------------------------


def _env(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI")}
    # Show the line at once: a test cannot wait for a scan to take a second.
    env.update({"SHIELDWALL_PROGRESS_DELAY": "0", "COLUMNS": "120"}, **changes)
    return env


def stderr_on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[bytes, bytes]:
    """(standard output, standard error) with standard error on a pty."""
    main, secondary = pty.openpty()
    proc = subprocess.Popen(
        [*SHIELDWALL, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=secondary,
        env=env,
    )
    os.close(secondary)
    written = drain(main)
    assert proc.stdout is not None
    stdout = proc.stdout.read()
    proc.wait(timeout=120)
    os.close(main)
    return stdout, written


@needs_git
def test_progress_on_a_terminal_names_the_analyzer_and_the_commits(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"a.txt": "one\n"})
    (root / "a.txt").write_text("two\n")
    git(root, "commit", "-q", "-am", "two")
    args = ["scan", str(root), "--analyzers", "secrets", "--history", "--format", "json"]
    stdout, stderr = stderr_on_a_terminal(args, _env())
    # The last status drawn before the line is erased: the commits --history read.
    assert b"shieldwall: history: 2 commits" in stderr
    assert json.loads(stdout)["files_scanned"] == 1  # the report is untouched


@pytest.mark.parametrize(
    ("flag", "env"),
    [("--no-progress", {}), ("--quiet", {}), ("", {"NO_COLOR": "1"}), ("", {"CI": "true"})],
)
def test_no_progress_when_asked_or_in_ci(write, flag: str, env: dict[str, str]) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    args = ["scan", str(root), "--analyzers", "config", "--format", "json", *filter(None, [flag])]
    _, stderr = stderr_on_a_terminal(args, _env(**env))
    assert b"shieldwall: " not in stderr and b"\x1b[" not in stderr
    _, shown = stderr_on_a_terminal(args[:-1] if flag else args, _env())
    assert b"shieldwall: analyzer config (1/1)" in shown  # the same scan shows it otherwise


def test_no_progress_when_standard_error_is_not_a_terminal(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    out = subprocess.run(
        [*SHIELDWALL, "scan", str(root), "--analyzers", "config", "--format", "json"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert out.returncode == 1
    assert "shieldwall: " not in out.stderr and "\x1b" not in out.stderr
