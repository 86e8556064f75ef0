"""The image definition of shieldwall itself: non-root, no build tools in the
final stage, what it copies is in the build context, and shieldwall passes it."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO
from tests.reports import load_report

DOCKERFILE = REPO / "Dockerfile"


def _stages() -> list[list[str]]:
    stages: list[list[str]] = []
    for line in DOCKERFILE.read_text().splitlines():
        if line.startswith("FROM "):
            stages.append([])
        if stages and line.strip() and not line.startswith("#"):
            stages[-1].append(line)
    return stages


def test_final_stage_runs_as_a_numeric_non_root_user_without_compilers() -> None:
    final = "\n".join(_stages()[-1])
    user = [ln.split()[1] for ln in _stages()[-1] if ln.startswith("USER ")]
    assert user and user[-1].split(":")[0] not in ("0", "root") and user[-1][0].isdigit()
    for tool in ("gcc", "build-essential", "make ", "g++", "pip install"):
        assert tool not in final, tool


def test_what_the_build_copies_is_in_the_context() -> None:
    allowed = [
        ln[1:].rstrip("/")
        for ln in (REPO / ".dockerignore").read_text().splitlines()
        if ln.startswith("!")
    ]
    for line in _stages()[0]:
        if line.startswith("COPY ") and "--from" not in line:
            for source in line.split()[1:-1]:
                assert source in allowed, f"{source} is not in the build context"
                assert (REPO / source).exists(), source


def test_shieldwall_passes_its_own_image_definition() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "shieldwall",
            "scan",
            str(DOCKERFILE),
            "--analyzers",
            "config,secrets",
            "--format",
            "json",
            "--fail-on",
            "low",
            "--no-repo-config",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = load_report(done.stdout)
    above_info = [f["rule"] for f in report["findings"] if f["severity"] != "info"]
    assert done.returncode == 0 and not above_info, above_info
