"""Per-run choices and how the command behaves at a terminal or a pipe: --rule and
--skip-rule, unknown rule ids in suppressions, --since, severities in any case,
a closed pipe, NO_COLOR, the summary line on standard error."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.cli.terminal import drain
from tests.cli.test_cli import sw
from tests.engine.test_scanner import PRIVILEGED_POD

SHIELDWALL = [sys.executable, "-m", "shieldwall"]


def config_scan(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return sw("scan", str(root), "--analyzers", "config", "--format", "json", *args)


def rules_of(out: subprocess.CompletedProcess[str]) -> set[str]:
    return {f["rule"] for f in json.loads(out.stdout)["findings"]}


def test_rule_reports_only_the_rules_named(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    every = rules_of(config_scan(root))
    assert {"K8S-PRIVILEGED", "K8S-RUN-AS-ROOT"} <= every
    only = config_scan(root, "--rule", "k8s-privileged", "--rule", "K8S-NETPOL-*")
    assert rules_of(only) == {"K8S-PRIVILEGED"} | {r for r in every if r.startswith("K8S-NETPOL-")}
    assert only.returncode == 1  # the gate counts what is reported: K8S-PRIVILEGED is high


def test_skip_rule_leaves_rules_out_and_the_gate_with_them(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    out = config_scan(root, "--skip-rule", "K8S-PRIVILEGED", "--skip-rule", "K8S-*-MISSING")
    found = rules_of(out)
    assert "K8S-PRIVILEGED" not in found and "K8S-RUN-AS-ROOT" in found
    assert not any(r.endswith("-MISSING") for r in found)
    high = [f for f in json.loads(out.stdout)["findings"] if f["severity"] in ("high", "critical")]
    assert out.returncode == (1 if high else 0)


def test_unknown_rule_on_the_command_line_suggests_the_closest(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    for option in ("--rule", "--skip-rule"):
        out = sw("scan", str(root), option, "K8S-PRIVILEDGED")
        assert out.returncode == 2
        assert "K8S-PRIVILEDGED" in out.stderr and "did you mean K8S-PRIVILEGED" in out.stderr
        assert "Traceback" not in out.stderr
    glob = sw("scan", str(root), "--rule", "NOPE-*")
    assert glob.returncode == 2 and "shieldwall rules" in glob.stderr


POD_WITH_TYPO = PRIVILEGED_POD.replace(
    "        privileged: true",
    "        # shieldwall: ignore[K8S-PRIVILEGD, K8S-RUN-AS-ROOT] the node agent needs it\n"
    "        privileged: true",
)
CONFIG_WITH_TYPO = """exceptions:
  - rule: K8S-RUN-AS-ROT
    reason: vendor image
  - rule: "K8S-NETPOL-*"
    reason: the cluster's policies live in another repository
"""


def test_unknown_rule_ids_in_suppressions_are_findings(write) -> None:
    root = write({"pod.yaml": POD_WITH_TYPO, ".shieldwall.yaml": CONFIG_WITH_TYPO})
    out = sw("scan", str(root), "--analyzers", "config", "--format", "json", "--fail-on", "none")
    assert out.returncode == 0, out.stderr
    findings = json.loads(out.stdout)["findings"]
    unknown = {
        (f["location"]["path"], f["location"]["start_line"], f["resource"]): f["message"]
        for f in findings
        if f["rule"] == "SHIELDWALL-UNKNOWN-RULE"
    }
    assert set(unknown) == {
        ("pod.yaml", 9, "suppression/K8S-PRIVILEGD"),
        (".shieldwall.yaml", 2, "suppression/K8S-RUN-AS-ROT"),
    }
    assert "did you mean K8S-PRIVILEGED" in unknown[("pod.yaml", 9, "suppression/K8S-PRIVILEGD")]
    privileged = next(f for f in findings if f["rule"] == "K8S-PRIVILEGED")
    assert not privileged["suppressed"]  # the typo suppressed nothing, and says so
    root_user = next(f for f in findings if f["rule"] == "K8S-RUN-AS-ROOT")
    assert not root_user["suppressed"]  # the inline comment is not on its line


def test_unknown_rule_is_listed_with_the_rules() -> None:
    detail = sw("rules", "SHIELDWALL-UNKNOWN-RULE")
    assert detail.returncode == 0 and "suppresses" in detail.stdout


def test_since_without_history_is_a_usage_error(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    out = sw("scan", str(root), "--since", "HEAD")
    assert out.returncode == 2 and "--history" in out.stderr


def test_severities_in_any_case(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    assert sw("scan", str(root), "--analyzers", "config", "--fail-on", "HIGH").returncode == 1
    assert sw("scan", str(root), "--analyzers", "config", "--fail-on", "Critical").returncode == 0
    assert sw("scan", str(root), "--analyzers", "config", "--fail-on", "NONE").returncode == 0
    (root / ".shieldwall.yaml").write_text("fail_on: Critical\n")
    assert sw("scan", str(root), "--analyzers", "config").returncode == 0
    (root / ".shieldwall.yaml").write_text("fail_on: High\n")
    assert sw("scan", str(root), "--analyzers", "config").returncode == 1


def into_closed_pipe(*args: str) -> subprocess.CompletedProcess[bytes]:
    """Run with standard output a pipe whose reader has already gone."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [*SHIELDWALL, *args], stdout=write_end, stderr=subprocess.PIPE, timeout=120, check=False
        )
    finally:
        os.close(write_end)


def test_closed_pipe_exits_quietly_with_141(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    (root / "requirements.txt").write_text("flask==3.0.0\n")
    commands = (
        ("rules",),
        ("scan", str(root), "--format", "json"),
        ("scan", str(root)),
        ("map", str(root), "--format", "json"),
        ("sbom", str(root), "--format", "cyclonedx-json"),
    )
    for args in commands:
        out = into_closed_pipe(*args)
        said = out.stderr.decode()
        # sbom's library may warn about the SBOM itself; nothing about the pipe is said
        assert said == "" or args[0] == "sbom", (args, said)
        assert not any(w in said for w in ("Broken", "Exception ignored", "Traceback", "error"))
        assert out.returncode == 141, args


def test_head_reads_the_first_line_and_nothing_is_said(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    cmd = " ".join(SHIELDWALL)
    script = f"{cmd} rules | head -1; {cmd} scan {root} --format json | head -c 10"
    out = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=120)
    assert out.stderr == ""
    first, json_start = out.stdout.split("\n", 1)
    assert first.split()[0] in sw("rules").stdout.split() and json_start.startswith('{"schema"')


def on_a_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """Everything the command writes with standard output and error on a pty."""
    main, secondary = pty.openpty()
    proc = subprocess.Popen(
        [*SHIELDWALL, *args], stdin=secondary, stdout=secondary, stderr=secondary, env=env
    )
    os.close(secondary)
    written = drain(main)
    proc.wait(timeout=120)
    os.close(main)
    return written


def test_no_color_means_no_escape_even_on_a_terminal(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD, ".shieldwall.yaml": "fail_on: none\n"})
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    args = ["scan", str(root), "--analyzers", "config"]  # a report and a warning on stderr
    assert b"\x1b[" in on_a_terminal(args, env)  # colour at a terminal by default
    plain = on_a_terminal(args, {**env, "NO_COLOR": "1"})
    assert b"K8S-PRIVILEGED" in plain and b"turns the gate off" in plain
    assert b"\x1b" not in plain
    error = on_a_terminal(["scan", str(root / "missing")], {**env, "NO_COLOR": "1"})
    assert b"error:" in error and b"\x1b" not in error


def test_summary_line_on_stderr_when_every_report_goes_to_a_file(write, tmp_path: Path) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD})
    sarif, report = tmp_path / "out" / "a.sarif", tmp_path / "out" / "b.json"
    out = sw(
        "scan",
        str(root),
        "--analyzers",
        "config",
        "--format",
        f"sarif:{sarif}",
        "--format",
        f"json:{report}",
    )
    assert out.returncode == 1
    counts = json.loads(report.read_text())["summary"]
    lines = [x for x in out.stderr.splitlines() if x.startswith("shieldwall: ")]
    assert len(lines) == 1
    assert lines[0].startswith(f"shieldwall: {counts['findings']} findings (")
    assert f"{counts['by_severity']['high']} high" in lines[0]
    assert "gate failed at high" in lines[0] and f"reports: {sarif}, {report}" in lines[0]
    to_stdout = sw(
        "scan", str(root), "--analyzers", "config", "--format", "json", "--format", f"sarif:{sarif}"
    )
    assert not any(x.startswith("shieldwall: ") for x in to_stdout.stderr.splitlines())
