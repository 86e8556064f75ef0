"""The repository's pre-commit hooks, run by pre-commit itself in a throwaway
repository: pre-commit installs shieldwall from this checkout into its own
environment (from the package registry), then runs the hooks on what is staged."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.analyzers.secrets.samples import github_token
from tests.conftest import REPO
from tests.engine.test_scanner import PRIVILEGED_POD
from tests.gitrepo import git, make_repo, needs_git

PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
pytestmark = [
    needs_git,
    pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed (dev extra)"),
]

SAFE_POD = PRIVILEGED_POD.replace("privileged: true", "privileged: false")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _try(repo: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env |= {"PRE_COMMIT_HOME": str(home), "GIT_CONFIG_GLOBAL": os.devnull, "NO_COLOR": "1"}
    assert PRE_COMMIT is not None
    return subprocess.run(
        [PRE_COMMIT, "try-repo", str(REPO), hook],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_secrets_hook_blocks_a_staged_credential_and_passes_without_it(
    tmp_path: Path, home: Path
) -> None:
    token = github_token(seed=41)
    repo = make_repo(tmp_path / "repo", {"README.md": "demo\n"})
    # A credential in an untracked, unstaged file is not part of the commit.
    (repo / "scratch.env").write_text(f"GITHUB_TOKEN={github_token(seed=42)}\n")
    (repo / "app.env").write_text(f"GITHUB_TOKEN={token}\n")
    git(repo, "add", "app.env")
    blocked = _try(repo, "shieldwall-secrets", home)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "app.env" in blocked.stdout and "SECRET-GITHUB-PAT" in blocked.stdout
    assert "scratch.env" not in blocked.stdout
    assert token not in blocked.stdout + blocked.stderr

    (repo / "app.env").write_text("GITHUB_TOKEN=${GITHUB_TOKEN}\n")
    git(repo, "add", "app.env")
    passed = _try(repo, "shieldwall-secrets", home)
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_config_hook_checks_changed_manifests(tmp_path: Path, home: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"README.md": "demo\n"})
    (repo / "k8s").mkdir()
    (repo / "k8s" / "pod.yaml").write_text(PRIVILEGED_POD)
    git(repo, "add", "k8s/pod.yaml")
    blocked = _try(repo, "shieldwall-config", home)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "K8S-PRIVILEGED" in blocked.stdout and "k8s/pod.yaml" in blocked.stdout

    (repo / "k8s" / "pod.yaml").write_text(SAFE_POD)
    git(repo, "add", "k8s/pod.yaml")
    after = _try(repo, "shieldwall-config", home)
    assert "K8S-PRIVILEGED" not in after.stdout
