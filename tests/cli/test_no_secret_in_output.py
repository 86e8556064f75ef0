"""No secret in any output: a repository with secrets planted wherever a
message, a map edge or an SBOM component can quote them, through every format
of `scan`, `map` and `sbom`, as CI runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import sw
from tests.engine.planted import leaks, plant

SCAN_FORMATS = ("text", "json", "sarif", "junit", "html")
MAP_FORMATS = ("json", "html", "dot")
SBOM_FORMATS = ("cyclonedx-json", "spdx-json")


def test_no_planted_secret_in_any_output_of_any_command(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    planted = plant(repo)
    out = tmp_path / "out"
    outputs: dict[str, str] = {}  # every byte each command wrote
    stdout: dict[str, str] = {}
    scan = sw(
        "scan",
        str(repo),
        "--offline",
        "--fail-on",
        "none",
        *(a for f in SCAN_FORMATS for a in ("--format", f"{f}:{out / ('scan.' + f)}")),
    )
    assert scan.returncode == 0, scan.stderr
    outputs["scan stdout+stderr"] = scan.stdout + scan.stderr
    for fmt in SCAN_FORMATS:
        outputs[f"scan {fmt}"] = (out / f"scan.{fmt}").read_text()
    for fmt in MAP_FORMATS:
        drawn = sw("map", str(repo), "--format", fmt)
        assert drawn.returncode == 0, drawn.stderr
        outputs[f"map {fmt}"] = drawn.stdout + drawn.stderr
        stdout[f"map {fmt}"] = drawn.stdout
    for fmt in SBOM_FORMATS:
        sbom = sw("sbom", str(repo), "--format", fmt)
        assert sbom.returncode == 0, sbom.stderr
        outputs[f"sbom {fmt}"] = sbom.stdout + sbom.stderr
        stdout[f"sbom {fmt}"] = sbom.stdout

    found = {name: leaks(text, planted) for name, text in outputs.items()}
    assert {name: names for name, names in found.items() if names} == {}

    # Everything was scanned: the findings and components that quote the values are there.
    report = json.loads(outputs["scan json"])
    messages = {f["rule"]: f["message"] for f in report["findings"]}
    assert "DOCKERFILE-ADD-REMOTE" in messages
    assert "https://deploy:****@files.example.com" in messages["DOCKERFILE-ADD-REMOTE"]
    unpinned = [f for f in report["findings"] if f["rule"] == "DEPS-UNPINNED"]
    assert {f["resource"] for f in unpinned} >= {
        "pkg:pypi/pkg-one",
        "pkg:pypi/pkg-two",
        "pkg:pypi/pkg-three",
    }
    assert sum(f["rule"].startswith("SECRET-") for f in report["findings"]) >= 10
    edges = json.loads(stdout["map json"])["edges"]
    assert any(e["to"].endswith("/orders-db") for e in edges)
    spdx = json.loads(stdout["sbom spdx-json"])
    lib = next(p for p in spdx["packages"] if p["name"] == "private-lib")
    assert lib["versionInfo"].startswith("git+https://****...")
    cdx = json.loads(stdout["sbom cyclonedx-json"])
    assert any(c["name"] == "private-lib" for c in cdx["components"])
