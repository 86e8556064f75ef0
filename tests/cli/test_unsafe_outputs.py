"""A pull request cannot make a scan overwrite files through the symlinks it
commits: every report, baseline, map and SBOM is written to a new file renamed
into place, and a path that is (or goes through) a symlink is refused with
exit 2 before any work, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.hostile import RUNNER_TOOL, checkout, needs_git, runner_file
from tests.cli.test_cli import sw
from tests.engine.test_scanner import PRIVILEGED_POD

pytestmark = needs_git


def _untouched(tool: Path) -> None:
    assert tool.read_text() == RUNNER_TOOL
    assert sorted(p.name for p in tool.parent.iterdir()) == [tool.name]


def test_report_file_committed_as_a_symlink_is_refused(tmp_path: Path) -> None:
    tool = runner_file(tmp_path)
    repo = checkout(tmp_path, {"pod.yaml": PRIVILEGED_POD}, {"report.sarif": tool})
    out = sw("scan", ".", "--format", "text", "--format", "sarif:report.sarif", cwd=repo)
    assert out.returncode == 2, out.stderr
    assert "refusing to write report.sarif: it is a symlink" in out.stderr
    assert "Traceback" not in out.stderr
    assert out.stdout == ""  # refused before the scan: not even the text report
    _untouched(tool)
    assert (repo / "report.sarif").is_symlink()


def test_report_under_a_symlinked_directory_is_refused(tmp_path: Path) -> None:
    tool = runner_file(tmp_path)
    repo = checkout(tmp_path, {"pod.yaml": PRIVILEGED_POD}, {"reports": tool.parent})
    for name in ("deploy-tool", "new.json"):
        out = sw("scan", ".", "--format", f"json:reports/{name}", cwd=repo)
        assert out.returncode == 2, out.stderr
        assert "reports is a symlink" in out.stderr
    _untouched(tool)


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (("baseline", "create"), ".shieldwall-baseline.json"),  # its default path
        (("map", ".", "--format", "json", "-o", "map.json"), "map.json"),
        (("sbom", ".", "-o", "sbom.json"), "sbom.json"),
    ],
)
def test_baseline_map_and_sbom_onto_a_committed_symlink_are_refused(
    tmp_path: Path, args: tuple[str, ...], name: str
) -> None:
    tool = runner_file(tmp_path)
    files = {"pod.yaml": PRIVILEGED_POD, "requirements.txt": "flask==2.0.0\n"}
    repo = checkout(tmp_path, files, {name: tool})
    out = sw(*args, cwd=repo)
    assert out.returncode == 2, out.stderr
    assert f"refusing to write {name}: it is a symlink" in out.stderr
    _untouched(tool)


def test_outputs_replace_regular_files_and_leave_no_temporary_files(tmp_path: Path) -> None:
    repo = checkout(
        tmp_path,
        {"pod.yaml": PRIVILEGED_POD, "requirements.txt": "flask==2.0.0\n", "out/r.json": "old"},
    )
    runs = [
        ("scan", ".", "--format", "json:out/r.json", "--fail-on", "none"),
        ("baseline", "create", "-o", "out/base.json"),
        ("map", ".", "--format", "json", "-o", "out/map.json"),
        ("sbom", ".", "-o", "out/sbom.json"),
    ]
    for args in runs:
        out = sw(*args, cwd=repo)
        assert out.returncode == 0, (args, out.stderr)
    written = {p.name: p for p in (repo / "out").iterdir()}
    assert sorted(written) == ["base.json", "map.json", "r.json", "sbom.json"]
    assert json.loads(written["r.json"].read_text())["schema"] == "shieldwall/report/v1"
    assert json.loads(written["base.json"].read_text())["schema"] == "shieldwall/baseline/v1"
    assert json.loads(written["map.json"].read_text())["schema"] == "shieldwall/map/v1"
    assert json.loads(written["sbom.json"].read_text())["bomFormat"] == "CycloneDX"
