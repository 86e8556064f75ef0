"""The lines every commit added, read from `git log -p` in one stream.

Only added lines are scanned (a secret enters the history when a commit adds
it; deleting it later does not remove it from there). Merge commits add nothing
of their own (`git log -p` shows no diff for them), renames add nothing."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from shieldwall.errors import SourceError
from shieldwall.sources.tree import exclusion

_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_MARK = b"\x01"


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    author: str
    email: str
    date: str  # ISO 8601, author date


@dataclass
class AddedLines:
    """What one commit added to one file: the lines and their numbers in the new file."""

    commit: Commit
    path: str
    lines: list[bytes] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)

    def blob(self) -> bytes:
        return b"\n".join(self.lines)

    def line_of(self, blob_line: int) -> int:
        """The line in the committed file of the blob's 1-based line."""
        index = min(max(blob_line - 1, 0), len(self.numbers) - 1)
        return self.numbers[index]


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, check=False, timeout=120
    )


def _check_repo(root: Path, since: str | None) -> None:
    try:
        probe = _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    except FileNotFoundError as exc:
        raise SourceError("git is not installed", "install git to scan history") from exc
    if probe.returncode != 0:
        inside = _git(root, "rev-parse", "--is-inside-work-tree")
        if inside.returncode != 0:
            raise SourceError(f"{root} is not inside a git repository", "drop --history")
        raise SourceError("the repository has no commits yet")
    if since is not None:
        ref = _git(root, "rev-parse", "--verify", "--quiet", f"{since}^{{commit}}")
        if ref.returncode != 0:
            raise SourceError(
                f"--since {since}: no such commit, branch or tag",
                "fetch it first (CI clones are often shallow: fetch-depth: 0)",
            )


def added_lines(
    root: Path,
    since: str | None = None,
    max_bytes: int = 5 * 1024 * 1024,
    excluded: Callable[[str], bool] | None = None,
) -> Iterator[AddedLines]:
    """Every (commit, file) with added lines, newest commit first; paths that
    `excluded` rejects (by default: those in vendored directories) are left out,
    as the tree walk leaves them out."""
    _check_repo(root, since)
    skip = excluded if excluded is not None else exclusion(())
    revisions = f"{since}..HEAD" if since else "HEAD"
    cmd = [
        "git",
        "-C",
        str(root),
        "-c",
        "core.quotepath=off",
        "log",
        revisions,
        "-p",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--unified=0",
        "--relative",
        "--format=" + "\x01%H%x00%an%x00%ae%x00%aI",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    commit: Commit | None = None
    current: AddedLines | None = None
    size = 0
    new_line = 0
    in_header = False
    try:
        for raw in proc.stdout:
            line = raw[:-1] if raw.endswith(b"\n") else raw
            if line.startswith(_MARK):
                if current is not None and current.lines:
                    yield current
                current = None
                sha, author, email, date = line[1:].decode("utf-8", "replace").split("\x00", 3)
                commit = Commit(sha, author, email, date)
                continue
            if line.startswith(b"diff --git "):
                if current is not None and current.lines:
                    yield current
                current = None
                in_header = True
                continue
            if in_header:
                if line.startswith(b"+++ "):
                    target = line[4:].decode("utf-8", "replace")
                    if target.startswith("b/") and commit is not None:
                        path = target[2:]
                        current = None if skip(path) else AddedLines(commit, path)
                        size = 0
                    in_header = False
                continue
            if line.startswith(b"@@"):
                m = _HUNK.match(line)
                new_line = int(m.group(1)) if m else 0
                continue
            if line.startswith(b"+") and current is not None:
                size += len(line)
                if size <= max_bytes:
                    current.lines.append(line[1:])
                    current.numbers.append(new_line)
                new_line += 1
        if current is not None and current.lines:
            yield current
    finally:
        proc.stdout.close()
        stderr = proc.stderr.read() if proc.stderr else b""
        code = proc.wait()
        if proc.stderr:
            proc.stderr.close()
    if code != 0:
        raise SourceError(f"git log failed: {stderr.decode('utf-8', 'replace').strip()[:300]}")
