"""A Python file that cannot be parsed or analysed costs that file only: it is one
skipped record with its reason, and every other file's findings are still reported,
in one process, in worker processes, and when a worker dies."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from shieldwall.analyzers.base import ScanTarget
from shieldwall.analyzers.code import CodeAnalyzer, analyzer
from shieldwall.analyzers.code.analyzer import PARALLEL_MIN_FILES
from shieldwall.model import Settings
from shieldwall.sources.tree import walk

VULNERABLE = (
    "import os\nfrom flask import request\ndef run():\n    os.system(request.args['cmd'])\n"
)
# 100 KB of unary minus: CPython's parser gives up with MemoryError.
DEEP_UNARY = "x = " + "-" * 100_000 + "1\n"
# Parses, but nests deeper than the analysis can follow (RecursionError).
DEEP_CALLS = "x = f" + "()" * 900 + "\n"


def scan_json(root: Path, jobs: int) -> dict:
    env = {**os.environ, "SHIELDWALL_JOBS": str(jobs)}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "shieldwall",
            "scan",
            str(root),
            "--analyzers",
            "code",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert out.returncode == 1, out.stderr  # findings, not "the tool failed"
    return json.loads(out.stdout)


def skipped_reasons(report: dict) -> dict[str, str]:
    return {s["path"]: s["reason"] for s in report["skipped"]}


def test_deep_unary_file_is_skipped_and_the_vulnerable_one_still_reported(
    tmp_path: Path,
) -> None:
    (tmp_path / "deep.py").write_text(DEEP_UNARY)
    (tmp_path / "app.py").write_text(VULNERABLE)
    report = scan_json(tmp_path, jobs=1)
    assert [(f["rule"], f["location"]["path"]) for f in report["findings"]] == [
        ("PY-COMMAND-INJECTION", "app.py")
    ]
    assert skipped_reasons(report) == {
        "deep.py": "cannot parse Python: nested too deeply (MemoryError)"
    }


def test_hostile_files_in_worker_processes_cost_only_themselves(tmp_path: Path) -> None:
    for i in range(PARALLEL_MIN_FILES):
        (tmp_path / f"app{i}.py").write_text(VULNERABLE)
    (tmp_path / "deep.py").write_text(DEEP_UNARY)
    (tmp_path / "calls.py").write_text(DEEP_CALLS)
    report = scan_json(tmp_path, jobs=2)
    assert sorted(f["location"]["path"] for f in report["findings"]) == sorted(
        f"app{i}.py" for i in range(PARALLEL_MIN_FILES)
    )
    reasons = skipped_reasons(report)
    assert reasons["deep.py"] == "cannot parse Python: nested too deeply (MemoryError)"
    assert reasons["calls.py"] == "cannot analyse Python: nested too deeply (RecursionError)"


def test_a_hostile_module_imported_by_another_does_not_cost_the_importer(
    tmp_path: Path,
) -> None:
    (tmp_path / "deep.py").write_text(DEEP_UNARY)
    (tmp_path / "app.py").write_text(
        "import deep\nfrom deep import x\n" + VULNERABLE + "    deep.run(request.args['a'])\n"
    )
    report = scan_json(tmp_path, jobs=1)
    assert {f["location"]["path"] for f in report["findings"]} == {"app.py"}
    assert set(skipped_reasons(report)) == {"deep.py"}


def _dies_on_crash_py(project: analyzer.Project, rel: str, size: int) -> analyzer.FileResult:
    if rel.endswith("crash.py"):
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
    return _real_analyze_file(project, rel, size)


_real_analyze_file = analyzer._analyze_file


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs fork to inject the crash"
)
def test_a_worker_that_dies_loses_only_the_file_it_was_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = PARALLEL_MIN_FILES + 20
    for i in range(count):
        (tmp_path / f"app{i:03}.py").write_text(VULNERABLE)
    # Largest file first in its chunk, so that files after it in the chunk are re-queued.
    (tmp_path / "crash.py").write_text(VULNERABLE + "#" * 10_000 + "\n")
    monkeypatch.setattr(analyzer, "_analyze_file", _dies_on_crash_py)
    out = CodeAnalyzer(processes=2).analyze(ScanTarget(walk(tmp_path), Settings()))
    assert sorted(f.location.path for f in out.findings) == [f"app{i:03}.py" for i in range(count)]
    assert [(s.path, s.reason) for s in out.skipped] == [
        (
            "crash.py",
            "the process analysing this file died (killed by SIGKILL, perhaps out of memory)",
        )
    ]
