"""Git repositories built in tmp_path for tests: committed files, then files left untracked."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

HAS_GIT = subprocess.run(["git", "--version"], capture_output=True).returncode == 0
needs_git = pytest.mark.skipif(not HAS_GIT, reason="git not installed")

_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Dev One",
    "GIT_AUTHOR_EMAIL": "dev@example.test",
    "GIT_COMMITTER_NAME": "Dev One",
    "GIT_COMMITTER_EMAIL": "dev@example.test",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], env=_ENV, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def make_repo(root: Path, tracked: dict[str, str], untracked: dict[str, str] | None = None) -> Path:
    """A work tree at `root` with `tracked` committed (even where .gitignore names them:
    `git add -f`, as a pull request can) and `untracked` written afterwards."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    _write(root, tracked)
    git(root, "add", "-f", "--", *tracked)
    git(root, "commit", "-q", "-m", "files")
    _write(root, untracked or {})
    return root
