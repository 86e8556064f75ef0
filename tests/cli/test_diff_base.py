"""`scan --diff-base REF`: only the findings on lines a branch changed, in real
repositories built here, scanned as CI scans them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import sw
from tests.gitrepo import git, make_repo, needs_git

pytestmark = needs_git

CONTAINER = """    - name: {name}
      image: registry.example/{name}:1.0
      securityContext:
        privileged: true
"""
POD = """apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: shop}}
spec:
  containers:
"""


def pod(name: str, *containers: str) -> str:
    return POD.format(name=name) + "".join(CONTAINER.format(name=c) for c in containers)


def privileged(report: dict) -> set[tuple[str, int]]:
    return {
        (f["location"]["path"], f["location"]["start_line"])
        for f in report["findings"]
        if f["rule"] == "K8S-PRIVILEGED"
    }


def scan_json(root: Path, *args: str) -> dict:
    out = sw(
        "scan", str(root), "--analyzers", "config", "--format", "json", "--fail-on", "none", *args
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def branch(tmp_path: Path) -> Path:
    """main: a.yaml, moved.yaml, edited.yaml; the branch `pr` adds a container to
    a.yaml, adds new.yaml, renames moved.yaml untouched and edited.yaml with a change."""
    repo = make_repo(
        tmp_path / "repo",
        {
            "k8s/a.yaml": pod("a", "old"),
            "k8s/moved.yaml": pod("m", "keep"),
            "k8s/edited.yaml": pod("e", "first", "second"),
        },
    )
    git(repo, "checkout", "-q", "-b", "pr")
    (repo / "k8s/a.yaml").write_text(pod("a", "old", "added"))
    (repo / "k8s/new.yaml").write_text(pod("n", "one", "two"))
    git(repo, "mv", "k8s/moved.yaml", "k8s/renamed.yaml")
    git(repo, "mv", "k8s/edited.yaml", "k8s/renamed-edited.yaml")
    text = pod("e", "first", "second").replace("second:1.0", "second:2.0")
    (repo / "k8s/renamed-edited.yaml").write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "pr")
    return repo


def test_only_findings_on_changed_lines_are_reported(tmp_path: Path) -> None:
    repo = branch(tmp_path)
    full = scan_json(repo)
    diff = scan_json(repo, "--diff-base", "main")
    assert ("k8s/a.yaml", 9) in privileged(full)  # the untouched container
    assert ("k8s/a.yaml", 9) not in privileged(diff)
    assert ("k8s/a.yaml", 13) in privileged(diff)  # the container the branch added
    assert {("k8s/new.yaml", 9), ("k8s/new.yaml", 13)} <= privileged(diff)  # a new file: all
    assert not any(path == "k8s/renamed.yaml" for path, _ in privileged(diff))  # moved only
    assert ("k8s/renamed-edited.yaml", 9) not in privileged(diff)
    assert diff["diff_base"]["ref"] == "main"
    assert diff["diff_base"]["merge_base"] == git(repo, "rev-parse", "main")
    assert diff["diff_base"]["findings_left_out"] == len(full["findings"]) - len(diff["findings"])
    assert diff["diff_base"]["findings_left_out"] > 0
    assert full["diff_base"] is None


def test_renamed_file_reports_its_changed_lines_only(tmp_path: Path) -> None:
    repo = branch(tmp_path)
    diff = scan_json(repo, "--diff-base", "main")
    lines = {
        f["location"]["start_line"]
        for f in diff["findings"]
        if f["location"]["path"] == "k8s/renamed-edited.yaml"
    }
    assert lines and lines <= {11}  # the image line the branch changed


def test_fingerprints_match_the_full_scan(tmp_path: Path) -> None:
    repo = branch(tmp_path)
    full = {
        (f["rule"], f["location"]["path"], f["location"]["start_line"]): f["fingerprint"]
        for f in scan_json(repo)["findings"]
    }
    diff = scan_json(repo, "--diff-base", "main")["findings"]
    assert diff
    for f in diff:
        assert (
            f["fingerprint"]
            == full[(f["rule"], f["location"]["path"], f["location"]["start_line"])]
        )


def test_uncommitted_and_untracked_changes_count(tmp_path: Path) -> None:
    repo = branch(tmp_path)
    (repo / "k8s/moved-back.yaml").write_text(pod("u", "untracked"))
    (repo / "k8s/renamed.yaml").write_text(pod("m", "keep", "wip"))
    diff = privileged(scan_json(repo, "--diff-base", "main"))
    assert ("k8s/moved-back.yaml", 9) in diff
    assert ("k8s/renamed.yaml", 13) in diff and ("k8s/renamed.yaml", 9) not in diff


def test_scan_of_a_subdirectory_uses_paths_under_it(tmp_path: Path) -> None:
    repo = branch(tmp_path)
    diff = privileged(scan_json(repo / "k8s", "--diff-base", "main"))
    assert ("a.yaml", 13) in diff and ("a.yaml", 9) not in diff


def test_text_report_says_what_was_left_out(tmp_path: Path) -> None:
    repo = branch(tmp_path)
    out = sw("scan", str(repo), "--analyzers", "config", "--diff-base", "main", "--fail-on", "none")
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if x.startswith("Diff base:"))
    left_out = json.loads(
        sw(
            "scan",
            str(repo),
            "--analyzers",
            "config",
            "--diff-base",
            "main",
            "--format",
            "json",
            "--fail-on",
            "none",
        ).stdout
    )["diff_base"]["findings_left_out"]
    assert "main (merge base " in line and f"{left_out} findings on other lines left out" in line


def test_gate_counts_only_changed_lines(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"pod.yaml": pod("p", "c")})
    git(repo, "checkout", "-q", "-b", "pr")
    (repo / "README.md").write_text("docs only\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "docs")
    assert sw("scan", str(repo), "--analyzers", "config").returncode == 1
    quiet = sw("scan", str(repo), "--analyzers", "config", "--diff-base", "main")
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr


def test_unknown_ref_is_a_usage_error_with_a_fetch_hint(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"pod.yaml": pod("p", "c")})
    out = sw("scan", str(repo), "--diff-base", "origin/nope")
    assert out.returncode == 2
    assert "origin/nope" in out.stderr and "fetch-depth" in out.stderr
    assert "Traceback" not in out.stderr


def test_outside_a_git_work_tree_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(pod("p", "c"))
    out = sw("scan", str(tmp_path), "--diff-base", "main")
    assert out.returncode == 2 and "not inside a git work tree" in out.stderr


def test_diff_base_with_history_is_a_usage_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"pod.yaml": pod("p", "c")})
    out = sw("scan", str(repo), "--diff-base", "main", "--history")
    assert out.returncode == 2 and "--since" in out.stderr


def test_shallow_clone_without_the_merge_base_is_a_usage_error(tmp_path: Path) -> None:
    origin = branch(tmp_path)
    clone = tmp_path / "clone"
    source = origin.as_uri()
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "pr", source, str(clone))
    git(clone, "fetch", "-q", "--depth", "1", "origin", "main:main")
    out = sw("scan", str(clone), "--analyzers", "config", "--diff-base", "main")
    assert out.returncode == 2
    assert "no common history" in out.stderr and "fetch-depth: 0" in out.stderr
    git(clone, "fetch", "-q", "--unshallow", "origin", "main:main")
    assert privileged(scan_json(clone, "--diff-base", "main")) == privileged(
        scan_json(origin, "--diff-base", "main")
    )


def test_a_repository_filter_never_runs_and_the_changed_line_is_reported(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "repo", {"k8s/a.yaml": pod("a", "old"), ".gitattributes": "* filter=x\n"}
    )
    git(repo, "checkout", "-q", "-b", "pr")
    marker = tmp_path / "marker"
    tool = tmp_path / "filter.sh"
    tool.write_text(f'#!/bin/sh\ntouch "{marker}"\ncat\n')
    tool.chmod(0o755)
    for key in ("clean", "smudge", "process"):
        git(repo, "config", f"filter.x.{key}", str(tool))
    (repo / "k8s/a.yaml").write_text(pod("a", "old", "added"))  # not committed
    diff = privileged(scan_json(repo, "--diff-base", "main"))
    assert not marker.exists()
    assert ("k8s/a.yaml", 13) in diff and ("k8s/a.yaml", 9) not in diff
