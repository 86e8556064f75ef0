"""Running git on a repository that may be hostile.

A repository's own configuration (`.git/config` and any file it includes) can
name programs for git to run: a signature checker for `log`, an fsmonitor hook
for commands that refresh the index, a pager, external diff and textconv
drivers, clean/smudge filters, hooks, an alternate-refs command. Its
`.gitattributes` choose which diff and filter drivers apply. Every git command
shieldwall runs goes through `git_command`, which

- accepts only read-only commands that never run a filter, hook or merge
  driver (`ALLOWED`, with the arguments of `ls-files` and `cat-file` checked);
  `status`, `diff` against the work tree, `checkout`... would run the
  repository's clean/smudge filters, which no `-c` can switch off since their
  names are the repository's own. What changed in the work tree is found by
  hashing its files in Python instead (`sources/changes.py`);
- overrides every key that names a program with `-c` (command-line
  configuration wins over the repository's, its includes included);
- adds `--no-textconv --no-ext-diff` (and `--no-show-signature`) to commands
  that print diffs, since textconv drivers are named by the repository;
- sets the work tree to the directory holding `.git` (a `core.worktree` of the
  repository's could otherwise hide every file from `--relative`);
- runs git with the system configuration, replace refs and grafts off and the
  variables that would point git elsewhere or run something dropped.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import IO

# Each pair is `-c key=value`: nothing the repository configures can run a program.
SAFE_CONFIG: tuple[tuple[str, str], ...] = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", os.devnull),
    ("core.pager", "cat"),
    ("core.sshCommand", "false"),
    ("core.askPass", ""),
    ("core.alternateRefsCommand", ""),
    ("core.quotepath", "off"),
    ("core.untrackedCache", "false"),
    ("log.showSignature", "false"),
    ("gpg.program", "false"),
    ("gpg.ssh.program", "false"),
    ("gpg.x509.program", "false"),
    ("diff.external", ""),
    ("diff.submodule", "short"),
    ("color.ui", "false"),
    ("log.decorate", "false"),
    ("i18n.logOutputEncoding", "UTF-8"),
    ("protocol.allow", "never"),
    ("credential.helper", ""),
)

# Commands that read objects, refs and the index only: none runs a filter, hook or
# merge driver. `ls-files` would with --modified (any abbreviation of it: git
# accepts unique prefixes), which compares file contents; `cat-file` would with
# --filters or --textconv, so it may only print a blob (`cat-file blob <id>`) or
# objects by id (`--batch`, `--batch-check`), as stored.
ALLOWED = frozenset(
    {
        "rev-parse",
        "log",
        "rev-list",
        "ls-tree",
        "ls-files",
        "for-each-ref",
        "diff-tree",
        "merge-base",
        "cat-file",
    }
)
_MODIFIED = re.compile(r"--m(?:o(?:d(?:i(?:f(?:i(?:e(?:d)?)?)?)?)?)?)?|-[a-zA-Z]*m[a-zA-Z]*")
_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
# Commands that print diffs: textconv and external diff drivers off on the command line.
_DIFF_FLAGS = {
    "log": ("--no-textconv", "--no-ext-diff", "--no-show-signature"),
    "diff-tree": ("--no-textconv", "--no-ext-diff"),
}

# Environment variables that would point git elsewhere or make it run something.
_DROPPED = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_EXTERNAL_DIFF",
    "GIT_DIFF_OPTS",
    "GIT_PAGER",
    "GIT_ASKPASS",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_EDITOR",
    "GIT_SEQUENCE_EDITOR",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_EXEC_PATH",
    "GIT_REPLACE_REF_BASE",
)


def git_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment git runs in: the caller's, less what redirects git, with
    the system configuration, replace refs, grafts, prompts and optional locks off."""
    env = {
        k: v
        for k, v in (os.environ if base is None else base).items()
        if k not in _DROPPED
        and not k.startswith("GIT_CONFIG_KEY_")
        and not k.startswith("GIT_CONFIG_VALUE_")
        and not k.startswith("GIT_TRACE")
    }
    env.update(
        {
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_NO_REPLACE_OBJECTS": "1",
            "GIT_GRAFT_FILE": os.devnull,
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_OPTIONAL_LOCKS": "0",
            "GIT_PAGER": "cat",
            "PAGER": "cat",
            "GIT_ATTR_NOSYSTEM": "1",
            "LC_ALL": "C",
        }
    )
    return env


def work_tree(root: Path) -> Path | None:
    """The directory git finds `.git` in, from `root` up (None: none). The
    repository's `core.worktree` could name another one (`/`, so that every
    path falls outside what `--relative` keeps), so this one is set instead."""
    start = root.resolve()
    for directory in (start, *start.parents):
        if os.path.lexists(directory / ".git"):
            return directory
    return None


def _safe_arguments(command: str, args: tuple[str, ...]) -> bool:
    if command == "ls-files":
        return not any(_MODIFIED.fullmatch(a) for a in args)
    if command == "cat-file":
        return args in (("--batch",), ("--batch-check",)) or (
            len(args) == 2 and args[0] == "blob" and _OBJECT_ID.fullmatch(args[1]) is not None
        )
    return True


def git_command(root: Path, *args: str) -> list[str]:
    """`git --no-pager -C root <overrides> [-c k=v]... command <safe flags> args...`
    (`args` may start with the caller's own `-c k=v` pairs); ValueError for a
    command outside `ALLOWED`."""
    at = 0
    while at + 1 < len(args) and args[at] == "-c":
        at += 2
    command = args[at] if at < len(args) else ""
    if command not in ALLOWED or not _safe_arguments(command, args[at + 1 :]):
        raise ValueError(f"git {command}: not a command shieldwall may run")
    cmd = ["git", "--no-pager", "--no-replace-objects", "-C", str(root)]
    for key, value in SAFE_CONFIG:
        cmd += ["-c", f"{key}={value}"]
    tree = work_tree(root)
    if tree is not None:
        cmd.append(f"--work-tree={tree}")
    return [*cmd, *args[: at + 1], *_DIFF_FLAGS.get(command, ()), *args[at + 1 :]]


def run_git(
    root: Path, *args: str, timeout: float = 120, input: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run a git command to completion, `input` on its standard input (none
    without); FileNotFoundError when git is missing."""
    return subprocess.run(
        git_command(root, *args),
        capture_output=True,
        check=False,
        timeout=timeout,
        env=git_env(),
        stdin=subprocess.DEVNULL if input is None else None,
        input=input,
    )


def popen_git(
    root: Path, *args: str, stderr: IO[bytes] | int = subprocess.PIPE
) -> subprocess.Popen[bytes]:
    """Start a git command whose standard output is read as a stream. A caller
    that reads only standard output passes a file for `stderr`, so that git
    never blocks on a full pipe."""
    return subprocess.Popen(
        git_command(root, *args),
        stdout=subprocess.PIPE,
        stderr=stderr,
        stdin=subprocess.DEVNULL,
        env=git_env(),
    )


def resolve_commit(root: Path, ref: str, timeout: float = 60) -> str | None:
    """The commit `ref` names (read as a revision even when it starts with `-`),
    or None; FileNotFoundError when git is missing."""
    done = run_git(
        root,
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        f"{ref}^{{commit}}",
        timeout=timeout,
    )
    sha = done.stdout.decode("ascii", "replace").strip()
    return sha if done.returncode == 0 and sha else None
