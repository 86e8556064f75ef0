"""A pull request cannot make a scan look clean: tracked files are scanned whatever
.gitignore says, what the repository's own config and comments decide is reported,
`--no-repo-config` switches it off, and a scan of nothing is not a pass."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import sw
from tests.engine.test_scanner import PRIVILEGED_POD
from tests.gitrepo import make_repo, needs_git
from tests.reports import load_report

INLINE_POD = PRIVILEGED_POD.replace(
    "privileged: true", "privileged: true  # shieldwall: ignore[K8S-PRIVILEGED] lab only"
)


def _json(out) -> dict:
    return load_report(out.stdout)


@needs_git
def test_gitignore_of_everything_does_not_hide_tracked_manifests(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo",
        {".gitignore": "*\n", "k8s/pod.yaml": PRIVILEGED_POD},
        {"build/pod.yaml": PRIVILEGED_POD},
    )
    out = sw("scan", str(root), "--analyzers", "config", "--format", "json")
    assert out.returncode == 1, out.stderr
    report = _json(out)
    paths = {f["location"]["path"] for f in report["findings"] if f["rule"] == "K8S-PRIVILEGED"}
    assert paths == {"k8s/pod.yaml"}  # the untracked, ignored copy stays ignored
    assert report["files_scanned"] == 2
    assert report["file_selection"] == {
        "tracked_by_git": True,
        "note": "",
        "files_gitignored": 1,
    }
    text = sw("scan", str(root), "--analyzers", "config")
    assert "Files scanned: 2 (tracked files listed by git" in text.stdout
    assert "1 (untracked) by .gitignore" in text.stdout


@needs_git
def test_subdirectory_of_a_repository_reports_paths_relative_to_it(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo",
        {"svc/.gitignore": "*.yaml\n", "svc/k8s/pod.yaml": PRIVILEGED_POD, "x.yaml": "a: 1\n"},
    )
    out = sw("scan", "svc", "--analyzers", "config", "--format", "json", cwd=root)
    assert out.returncode == 1, out.stderr
    report = _json(out)
    assert report["target"] == "svc"
    assert {f["location"]["path"] for f in report["findings"]} == {"k8s/pod.yaml"}
    assert report["files_scanned"] == 2


@needs_git
def test_repository_excluding_everything_is_visible_and_exit_2(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo",
        {".shieldwall.yaml": "exclude: ['*']\n", "k8s/pod.yaml": PRIVILEGED_POD},
    )
    sarif, text = tmp_path / "r.sarif", tmp_path / "r.txt"
    out = sw(
        "scan", str(root), "--format", "json",
        "--format", f"sarif:{sarif}", "--format", f"text:{text}",
    )  # fmt: skip
    assert out.returncode == 2
    assert "no file scanned" in out.stderr and "2 by the excludes of .shieldwall.yaml" in out.stderr
    assert "--no-repo-config" in out.stderr
    report = _json(out)
    assert report["files_scanned"] == 0
    assert report["repository_config"]["excludes"] == ["*"]
    assert report["repository_config"]["files_excluded"] == 2
    assert "Left out: 2 by the excludes of .shieldwall.yaml" in text.read_text()
    assert "Repository policy: .shieldwall.yaml: exclude *" in text.read_text()
    run = json.loads(sarif.read_text())["runs"][0]
    assert run["properties"]["repositoryConfig"]["files_excluded"] == 2
    assert run["invocations"][0]["executionSuccessful"] is False
    # the CI's own decision puts the files back
    again = sw("scan", str(root), "--no-repo-config", "--format", "json")
    assert again.returncode == 1
    assert _json(again)["repository_config"]["applied"] is False


def test_empty_directory_is_exit_2_not_a_pass(tmp_path: Path) -> None:
    out = sw("scan", str(tmp_path))
    assert out.returncode == 2
    assert "no file scanned" in out.stderr and "holds no file" in out.stderr


def test_no_repo_config_drops_the_repository_exceptions_and_inline_ignores(write) -> None:
    root = write(
        {
            "pod.yaml": INLINE_POD,
            ".shieldwall.yaml": "exceptions:\n  - rule: '*'\n    reason: trust me\n",
        }
    )
    trusted = sw("scan", str(root), "--analyzers", "config", "--format", "json")
    assert trusted.returncode == 0, trusted.stderr
    report = _json(trusted)
    assert report["summary"]["findings"] == 0
    assert report["suppressions"]["inline"] == 1
    assert report["suppressions"]["exception"] == len(report["findings"]) - 1
    assert report["repository_config"]["inline_ignores"] == 1
    assert report["repository_config"]["suppressed"]["exception"] >= 1

    out = sw("scan", str(root), "--analyzers", "config", "--no-repo-config", "--format", "json")
    assert out.returncode == 1
    report = _json(out)
    assert not any(f["suppressed"] for f in report["findings"])
    assert report["suppressions"] == {"inline": 0, "exception": 0, "baseline": 0}
    repo = report["repository_config"]
    assert repo["path"] == ".shieldwall.yaml"
    assert repo["applied"] is False and repo["inline_ignores_applied"] is False
    text = sw("scan", str(root), "--analyzers", "config", "--no-repo-config")
    assert "Repository policy: .shieldwall.yaml not applied; inline ignores not applied" in (
        " ".join(text.stdout.split())
    )


def test_config_file_replaces_the_repository_one_as_the_command_line(write, tmp_path: Path) -> None:
    root = write(
        {
            "repo/pod.yaml": PRIVILEGED_POD,
            "repo/.shieldwall.yaml": "exceptions:\n  - rule: '*'\n    reason: trust me\n",
        }
    )
    policy = tmp_path / "policy.yaml"
    policy.write_text("fail_on: critical\n")
    out = sw("scan", str(root / "repo"), "--config", str(policy), "--format", "json")
    assert out.returncode == 0, out.stderr  # privileged is high; the CI gates on critical
    report = _json(out)
    assert report["summary"]["findings"] >= 1  # the repository's `*` exception did not apply
    assert report["command_line"]["config"] == str(policy)
    assert report["command_line"]["fail_on"] == "critical"
    assert report["repository_config"]["applied"] is False


def test_fail_on_none_in_the_repository_config_is_honoured_and_said(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD, ".shieldwall.yaml": "fail_on: none\n"})
    out = sw("scan", str(root), "--format", "json")
    assert out.returncode == 0
    assert "turns the gate off (fail_on: none)" in out.stderr
    assert _json(out)["repository_config"]["fail_on"] == "none"
    assert sw("scan", str(root), "--fail-on", "high", "--format", "json").returncode == 1
    assert sw("scan", str(root), "--no-repo-config", "--format", "json").returncode == 1


def test_json_report_fields_have_their_types(write) -> None:
    root = write({"pod.yaml": PRIVILEGED_POD, "docs/a.md": "x\n"})
    out = sw("scan", str(root), "--exclude", "docs/", "--format", "json", "--fail-on", "none")
    report = _json(out)
    assert isinstance(report["files_scanned"], int) and report["files_scanned"] == 1
    assert isinstance(report["errors"], list) and isinstance(report["warnings"], list)
    assert set(report["suppressions"]) == {"inline", "exception", "baseline"}
    assert all(isinstance(n, int) for n in report["suppressions"].values())
    cli = report["command_line"]
    assert cli["excludes"] == ["docs/"] and cli["files_excluded"] == 1
    repo = report["repository_config"]
    assert repo["path"] is None and repo["excludes"] == [] and repo["files_excluded"] == 0
    selection = report["file_selection"]
    assert selection["tracked_by_git"] is False
    assert selection["note"].startswith("not a git work tree")
