"""The GitHub Action: its definition, and its scan step run as a plain script
with the variables the runner sets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from tests.engine.test_scanner import PRIVILEGED_POD

ACTION = REPO / "action.yml"
SCAN = REPO / "integrations" / "github" / "scan.sh"
BIN = Path(sys.executable).parent


def _step(
    tmp_path: Path, target: Path, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    output = tmp_path / "github_output"
    summary = tmp_path / "step_summary"
    output.write_text("")
    summary.write_text("")
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "INPUT_PATH": str(target),
        "INPUT_SARIF_FILE": str(tmp_path / "out" / "shieldwall.sarif"),
        **{f"INPUT_{k.upper()}": v for k, v in inputs.items()},
    }
    done = subprocess.run(
        ["bash", str(SCAN)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    pairs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return done, pairs, summary.read_text()


def test_action_is_composite_and_never_puts_inputs_into_a_shell_line() -> None:
    action = yaml.safe_load(ACTION.read_text())
    assert action["runs"]["using"] == "composite"
    runs = [s["run"] for s in action["runs"]["steps"] if "run" in s]
    assert runs
    # Inputs reach scripts through env only: `${{ inputs.x }}` in `run:` is script injection.
    assert not [r for r in runs if "${{" in r]
    for script in ("install.sh", "scan.sh"):
        path = REPO / "integrations" / "github" / script
        assert f"integrations/github/{script}" in "".join(runs)
        assert os.access(path, os.X_OK), f"{script} is not executable"


def test_failing_gate_is_an_output_after_a_valid_sarif_and_a_summary(tmp_path: Path, write) -> None:
    target = write({"repo/k8s/pod.yaml": PRIVILEGED_POD}) / "repo"
    done, outputs, summary = _step(tmp_path, target, fail_on="high")
    assert done.returncode == 0, done.stderr
    assert outputs["exit-code"] == "1"
    sarif = json.loads(Path(outputs["sarif-file"]).read_text())
    rules = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert "K8S-PRIVILEGED" in rules
    assert "the gate failed" in summary and "| high |" in summary
    assert "K8S-PRIVILEGED" in done.stdout  # the text report is in the log


def test_passing_gate(tmp_path: Path, write) -> None:
    target = write({"repo/k8s/pod.yaml": PRIVILEGED_POD}) / "repo"
    done, outputs, summary = _step(tmp_path, target, fail_on="none")
    assert done.returncode == 0 and outputs["exit-code"] == "0"
    assert "the gate passed" in summary


def test_args_are_words_never_shell(tmp_path: Path, write) -> None:
    target = write({"repo/k8s/pod.yaml": PRIVILEGED_POD}) / "repo"
    marker = tmp_path / "pwned"
    hostile = f"--exclude=$(touch${{IFS}}{marker}) --exclude=`touch${{IFS}}{marker}` --exclude=*.x"
    done, outputs, _ = _step(tmp_path, target, args=hostile)
    assert not marker.exists()
    # Each word reached shieldwall as a literal exclude pattern: the pod is still scanned.
    assert outputs["exit-code"] == "1", done.stderr


@pytest.mark.parametrize("args", ["--no-such-option", "--fail-on severe"])
def test_a_usage_error_fails_the_step(tmp_path: Path, write, args: str) -> None:
    target = write({"repo/k8s/pod.yaml": PRIVILEGED_POD}) / "repo"
    done, outputs, _ = _step(tmp_path, target, args=args)
    assert done.returncode == 2
    assert outputs["exit-code"] == "2"
    assert "::error title=shieldwall::" in done.stdout
