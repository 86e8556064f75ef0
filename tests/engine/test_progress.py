"""The scan reports what it is doing through the callback it is given, and never prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from shieldwall.engine.scanner import ScanOptions, run_scan
from tests.engine.test_scanner import PRIVILEGED_POD
from tests.gitrepo import git, make_repo, needs_git


def test_files_walked_and_each_analyzer_are_reported(
    write, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write({"k8s/pod.yaml": PRIVILEGED_POD, "app/main.py": "print(1)\n"})
    statuses: list[str] = []
    run_scan(root, ScanOptions(analyzers="config,code"), progress=statuses.append)
    assert statuses[0] == "loading analyzers"
    walked = [s for s in statuses if s.startswith("walking files: ")]
    # Once per directory entered (the root, app/, k8s/), with the files found before it.
    assert walked == ["walking files: 0", "walking files: 0", "walking files: 1"]
    assert [s for s in statuses if s.startswith("analyzer ")] == [
        "analyzer config (1/2)",
        "analyzer code (2/2)",
    ]
    assert capsys.readouterr() == ("", "")


@needs_git
def test_history_reports_each_commit_read(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"a.txt": "one\n"})
    for n in (2, 3):
        (root / "a.txt").write_text(f"{n}\n")
        git(root, "commit", "-q", "-am", f"change {n}")
    statuses: list[str] = []
    options = ScanOptions(analyzers="secrets", history=True)
    run_scan(root, options, progress=statuses.append)
    assert [s for s in statuses if s.startswith("history: ")] == [
        "history: 1 commit",
        "history: 2 commits",
        "history: 3 commits",
    ]
