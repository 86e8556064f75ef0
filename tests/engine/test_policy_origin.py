"""What the scanned repository decides (its .shieldwall.yaml and inline comments) is
counted apart from what the command line decides, and can be switched off."""

from __future__ import annotations

from pathlib import Path

from shieldwall.engine.project_config import load_config
from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.model import Severity
from tests.engine.test_scanner import PRIVILEGED_POD
from tests.gitrepo import make_repo, needs_git

INLINE_POD = PRIVILEGED_POD.replace(
    "privileged: true", "privileged: true  # shieldwall: ignore[K8S-PRIVILEGED] lab only"
)
REPO_CONFIG = (
    "exclude: [docs/]\n"
    "max_file_size: 100000\n"
    "fail_on: none\n"
    "exceptions:\n"
    "  - rule: K8S-NETPOL-*\n    reason: the mesh does it\n"
    "  - rule: K8S-RUN-AS-ROOT\n    reason: vendor image\n"
)


def _suppressed(result, kind: str) -> list[str]:
    return sorted(
        f.rule.id for f in result.findings if f.suppression and f.suppression.kind == kind
    )


def test_repository_config_and_inline_ignores_are_counted_as_the_repository(write) -> None:
    root = write(
        {
            "pod.yaml": INLINE_POD,
            ".shieldwall.yaml": REPO_CONFIG,
            "docs/a.md": "x\n",
            "docs/deep/b.md": "x\n",
        }
    )
    result = run_scan(root, ScanOptions(analyzers="config", excludes=("nothing/",))).result
    repo, cli = result.repository, result.command_line
    assert (repo.config, repo.applied, repo.inline_ignores_applied) == (
        ".shieldwall.yaml",
        True,
        True,
    )
    assert repo.excludes == ("docs/",) and repo.files_excluded == 2
    assert (repo.exceptions, repo.max_file_size, repo.fail_on) == (2, 100000, "none")
    excepted = _suppressed(result, "exception")
    assert set(excepted) == {
        "K8S-NETPOL-MISSING",
        "K8S-NETPOL-NO-DEFAULT-DENY",
        "K8S-NETPOL-NO-DEFAULT-DENY-EGRESS",
        "K8S-RUN-AS-ROOT",
    }
    assert repo.suppressed == {"inline": 1, "exception": len(excepted)}
    assert cli.config == "" and cli.excludes == ("nothing/",) and cli.files_excluded == 0
    assert cli.suppressed == {"exception": 0, "baseline": 0}
    assert result.files_scanned == 2  # pod.yaml and .shieldwall.yaml


def test_no_repo_config_ignores_its_exceptions_excludes_and_inline_ignores(write) -> None:
    root = write({"pod.yaml": INLINE_POD, ".shieldwall.yaml": REPO_CONFIG, "docs/a.md": "x\n"})
    result = run_scan(root, ScanOptions(analyzers="config", repo_config=False)).result
    assert not any(f.suppressed for f in result.findings)
    assert {"K8S-PRIVILEGED", "K8S-RUN-AS-ROOT"} <= {f.rule.id for f in result.active}
    assert result.files_scanned == 3
    repo = result.repository
    assert (repo.config, repo.applied, repo.inline_ignores_applied) == (
        ".shieldwall.yaml",
        False,
        False,
    )
    assert repo.excludes == () and repo.files_excluded == 0 and repo.fail_on is None


def test_explicit_config_replaces_the_repository_one_and_is_the_command_line(
    write, tmp_path: Path
) -> None:
    root = write({"repo/pod.yaml": INLINE_POD, "repo/.shieldwall.yaml": REPO_CONFIG})
    policy = tmp_path / "ci-policy.yaml"
    policy.write_text("exceptions:\n  - rule: K8S-SECCOMP-*\n    reason: runtime default\n")
    scan = run_scan(root / "repo", ScanOptions(analyzers="config", config=policy))
    result = scan.result
    assert scan.config.origin == "cli"
    assert "K8S-RUN-AS-ROOT" in {f.rule.id for f in result.active}  # repo exception not used
    assert set(_suppressed(result, "exception")) == {"K8S-SECCOMP-NOT-SET"}
    cli, repo = result.command_line, result.repository
    assert cli.config == str(policy) and cli.exceptions == 1
    assert cli.suppressed["exception"] == len(_suppressed(result, "exception")) >= 1
    assert (repo.config, repo.applied, repo.exceptions) == (".shieldwall.yaml", False, 0)
    # inline comments are the repository's, and still apply
    assert repo.inline_ignores_applied and repo.suppressed["inline"] == 1
    assert repo.suppressed["exception"] == 0


def test_fail_on_none_is_told_apart_from_not_set(tmp_path: Path) -> None:
    cfg = tmp_path / ".shieldwall.yaml"
    cfg.write_text("fail_on: none\n")
    config = load_config(cfg, ".shieldwall.yaml")
    assert config.fail_on is None and config.fail_on_set
    cfg.write_text("exclude: [x/]\n")
    assert not load_config(cfg, ".shieldwall.yaml").fail_on_set
    cfg.write_text("fail_on: low\n")
    config = load_config(cfg, ".shieldwall.yaml")
    assert config.fail_on is Severity.LOW and config.fail_on_set


@needs_git
def test_gitignore_cannot_hide_tracked_files_from_a_scan(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo",
        {".gitignore": "*\n", "k8s/pod.yaml": PRIVILEGED_POD},
        {"k8s/local.yaml": PRIVILEGED_POD},
    )
    result = run_scan(root, ScanOptions(analyzers="config")).result
    assert {f.location.path for f in result.active if f.rule.id == "K8S-PRIVILEGED"} == {
        "k8s/pod.yaml"
    }
    assert result.selection.tracked_by_git
    assert result.selection.files_gitignored == 1
