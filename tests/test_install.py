"""The built wheel installs next to the scanners users already run.

A fresh virtual environment gets shieldwall's wheel together with the current
checkov and semgrep from the package registry, in one resolution: pip must
find versions that satisfy all three (no refusal, no broken requirement), and
then all three must run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.reports import load_report, validator

PEERS = ("checkov", "semgrep")


def _run(*cmd: str | Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    # The new environment must see only what it installed, not this checkout.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run(
        [str(c) for c in cmd],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
    )


def _source_copy(dest: Path) -> Path:
    """What the wheel is built from, copied so that building leaves the checkout alone."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(REPO / "src", dest / "src", ignore=ignore)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, dest / name)
    return dest


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    probe = _run(
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--quiet",
        "-d",
        tmp_path_factory.mktemp("probe"),
        "checkov",
        timeout=300,
    )
    if probe.returncode != 0:
        pytest.skip(f"the package registry cannot be reached: {probe.stderr.strip()[-300:]}")
    wheels = tmp_path_factory.mktemp("wheels")
    source = _source_copy(tmp_path_factory.mktemp("source"))
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheels, source)
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("shieldwall-*.whl")
    home = tmp_path_factory.mktemp("venv")
    venv.create(home, with_pip=True)
    python = home / "bin" / "python"
    installed = _run(python, "-m", "pip", "install", "--quiet", wheel, *PEERS)
    assert installed.returncode == 0, installed.stderr[-2000:]
    return home


def test_wheel_installs_with_checkov_and_semgrep_without_conflict(env: Path) -> None:
    check = _run(env / "bin" / "python", "-m", "pip", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    for peer in PEERS:
        version = _run(env / "bin" / peer, "--version", timeout=300)
        assert version.returncode == 0, f"{peer}: {version.stderr[-500:]}"


def test_installed_shieldwall_scans_and_writes_an_sbom(env: Path) -> None:
    shop = REPO / "examples" / "shop"
    out = _run(env / "bin" / "shieldwall", "scan", shop, "--format", "json", "--fail-on", "none")
    assert out.returncode == 0, out.stderr
    report = load_report(out.stdout)
    assert {"config", "secrets", "deps", "code", "topology"} <= {
        f["analyzer"] for f in report["findings"]
    }
    sbom = _run(env / "bin" / "shieldwall", "sbom", shop, "--format", "cyclonedx-json")
    assert sbom.returncode == 0, sbom.stderr
    doc = json.loads(sbom.stdout)
    assert doc["specVersion"] == "1.6" and doc["components"]
    # The report's JSON Schema is package data of the wheel.
    schema = _run(env / "bin" / "shieldwall", "schema", "report")
    assert schema.returncode == 0, schema.stderr
    assert json.loads(schema.stdout) == validator("report").schema
