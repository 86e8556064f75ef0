"""Running git on a repository that may be hostile.

A repository's own `.git/config` can name programs for git to run: a signature
checker for `log`, an fsmonitor hook for commands that refresh the index, a
pager, external diff and textconv drivers, hooks. Every git command shieldwall
runs goes through `git_command`, which overrides each of them on the command
line (command-line configuration wins over the repository's) and runs with the
system configuration off and a fixed, minimal environment for git.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

# Each pair is `-c key=value`: nothing the repository configures can run a program.
SAFE_CONFIG: tuple[tuple[str, str], ...] = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", os.devnull),
    ("core.pager", "cat"),
    ("core.sshCommand", "false"),
    ("core.askPass", ""),
    ("core.quotepath", "off"),
    ("core.untrackedCache", "false"),
    ("log.showSignature", "false"),
    ("gpg.program", "false"),
    ("gpg.ssh.program", "false"),
    ("gpg.x509.program", "false"),
    ("diff.external", ""),
    ("color.ui", "false"),
    ("log.decorate", "false"),
    ("protocol.allow", "never"),
    ("credential.helper", ""),
)

# Environment variables that would point git elsewhere or make it run something.
_DROPPED = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_EXTERNAL_DIFF",
    "GIT_PAGER",
    "GIT_ASKPASS",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_EDITOR",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_EXEC_PATH",
    "GIT_TRACE",
)


def git_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment git runs in: the caller's, less what redirects git, with
    the system configuration, replace refs, prompts and optional locks off."""
    env = {
        k: v
        for k, v in (os.environ if base is None else base).items()
        if k not in _DROPPED
        and not k.startswith("GIT_CONFIG_KEY_")
        and not k.startswith("GIT_CONFIG_VALUE_")
    }
    env.update(
        {
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_NO_REPLACE_OBJECTS": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_OPTIONAL_LOCKS": "0",
            "GIT_PAGER": "cat",
            "PAGER": "cat",
            "GIT_ATTR_NOSYSTEM": "1",
            "LC_ALL": "C",
        }
    )
    return env


def git_command(root: Path, *args: str) -> list[str]:
    """`git -C root <overrides> args...`."""
    cmd = ["git", "-C", str(root)]
    for key, value in SAFE_CONFIG:
        cmd += ["-c", f"{key}={value}"]
    return [*cmd, *args]


def run_git(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    """Run a git command to completion; FileNotFoundError when git is missing."""
    return subprocess.run(
        git_command(root, *args),
        capture_output=True,
        check=False,
        timeout=timeout,
        env=git_env(),
        stdin=subprocess.DEVNULL,
    )


def popen_git(root: Path, *args: str) -> subprocess.Popen[bytes]:
    """Start a git command whose standard output is read as a stream."""
    return subprocess.Popen(
        git_command(root, *args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=git_env(),
    )
