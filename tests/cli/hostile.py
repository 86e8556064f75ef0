"""Hostile repositories as CI sees them: committed in tmp_path, then cloned."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.analyzers.secrets.test_history import git

needs_git = pytest.mark.skipif(
    subprocess.run(["git", "--version"], capture_output=True).returncode != 0,
    reason="git not installed",
)

RUNNER_TOOL = "#!/bin/sh\necho trusted tool\n"


def runner_file(tmp_path: Path, text: str = RUNNER_TOOL) -> Path:
    """A file on the CI runner, outside the checkout, that no scan may change."""
    tool = tmp_path / "runner" / "bin" / "deploy-tool"
    tool.parent.mkdir(parents=True, exist_ok=True)
    tool.write_text(text)
    tool.chmod(0o755)
    return tool


def checkout(
    tmp_path: Path, files: dict[str, str], links: dict[str, str | Path] | None = None
) -> Path:
    """Commit `files` and the symlinks `links` (name -> target) in a repository,
    clone it as CI does and return the clone: symlinks survive the clone."""
    origin = tmp_path / "origin"
    origin.mkdir()
    for rel, text in files.items():
        path = origin / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for rel, target in (links or {}).items():
        path = origin / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, path)
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "pull request")
    clone = tmp_path / "ci" / "checkout"
    clone.parent.mkdir()
    git(clone.parent, "clone", "-q", str(origin), clone.name)
    return clone


_CAPPED = (
    "import resource, runpy, sys; "
    "resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30)); "
    "sys.argv[0] = 'shieldwall'; "
    "runpy.run_module('shieldwall', run_name='__main__', alter_sys=True)"
)


def sw_capped(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI with its address space capped, for tests where a regression would
    read /dev/zero: it then fails fast with MemoryError instead of eating the
    machine's memory."""
    return subprocess.run(
        [sys.executable, "-c", _CAPPED, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )
