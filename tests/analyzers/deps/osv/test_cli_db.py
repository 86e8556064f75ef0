"""`shieldwall db update` and `shieldwall db status` through the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.analyzers.deps.osv.helpers import record, serve, write_mirror


def sw(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHIELDWALL_DB": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "shieldwall", "db", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_update_and_status(tmp_path: Path) -> None:
    db = tmp_path / "cache" / "osv.sqlite3"
    absent = sw(db, "status")
    assert absent.returncode == 0 and "no vulnerability database" in absent.stdout
    mirror = write_mirror(
        tmp_path / "m",
        {
            "PyPI": [record("PYSEC-1", "a", []), record("PYSEC-2", "b", [])],
            "Go": [record("GO-1", "example.com/x", [], ecosystem="Go")],
        },
    )
    with serve(mirror) as url:
        done = sw(db, "update", "--source", url)
    assert done.returncode == 0, done.stderr
    assert "PyPI: 2 record(s) (full" in done.stdout
    assert db.is_file()
    status = sw(db, "status")
    assert status.returncode == 0
    assert str(db) in status.stdout and url in status.stdout
    assert "days ago" in status.stdout
    assert "PyPI" in status.stdout and "Go" in status.stdout


def test_failed_update_exits_3_with_a_hint(tmp_path: Path) -> None:
    db = tmp_path / "osv.sqlite3"
    mirror = write_mirror(tmp_path / "m", {"PyPI": [record("PYSEC-1", "a", [])]})
    (mirror / "PyPI" / "all.zip").write_bytes(b"not a zip")
    failed = sw(db, "update", "--source", str(mirror), "--quiet")
    assert failed.returncode == 3
    assert "not a readable zip" in failed.stderr and "hint:" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert not db.exists()
