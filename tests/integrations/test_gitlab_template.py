"""The GitLab CI template: its script, run by a plain shell as the runner would
(without the install step), writes the reports its artifacts declare."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO
from tests.engine.test_scanner import PRIVILEGED_POD

TEMPLATE = REPO / "integrations" / "gitlab" / "shieldwall.gitlab-ci.yml"


def test_template_script_writes_the_reports_it_declares(tmp_path: Path, write) -> None:
    job = yaml.safe_load(TEMPLATE.read_text())["shieldwall"]
    reports = job["artifacts"]["reports"]
    repo = write({"repo/k8s/pod.yaml": PRIVILEGED_POD}) / "repo"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        **job["variables"],
    }
    done = subprocess.run(
        ["sh", "-c", "\n".join(job["script"])],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr  # the privileged pod fails the gate
    quality = json.loads((repo / reports["codequality"]).read_text())
    assert {i["check_name"] for i in quality} >= {"K8S-PRIVILEGED"}
    sast = json.loads((repo / reports["sast"]).read_text())
    assert re.fullmatch(r"\d+\.\d+\.\d+", sast["version"])
    assert any(v["identifiers"][0]["value"] == "K8S-PRIVILEGED" for v in sast["vulnerabilities"])
    for path in job["artifacts"]["paths"]:
        assert (repo / path).is_file()
