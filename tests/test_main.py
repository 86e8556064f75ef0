"""`python -m shieldwall` run from inside the scanned repository imports nothing from it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_modules_in_the_working_directory_are_not_imported(tmp_path: Path) -> None:
    marker = tmp_path / "imported"
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("yaml", "click", "shieldwall_plugins", "json"):
        (repo / f"{name}.py").write_text(
            f"open({str(marker)!r}, 'a').write({name!r})\nraise SystemExit(9)\n"
        )
    (repo / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n")
    done = subprocess.run(
        [sys.executable, "-m", "shieldwall", "scan", ".", "--format", "json", "--fail-on", "none"],
        capture_output=True,
        text=True,
        cwd=repo,
        timeout=60,
    )
    assert not marker.exists(), marker.read_text()
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["target"] == "."
