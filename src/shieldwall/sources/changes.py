"""The lines a pull request changes: what `scan --diff-base REF` reports on.

The comparison runs from the merge base of REF and HEAD to the working tree:
the branch's commits (`git diff REF...HEAD`), the changes not committed yet,
and every file the scan reads that git does not track, new in full. In CI the
working tree is HEAD, so this is exactly the pull request's diff.

Names come from `git diff --raw -z`, NUL-separated and never quoted, so any
file name is read as it is; each file's hunks come from the patch that follows
in the same output, in the same order. A renamed file counts only for the lines
changed in it; a new, binary or type-changed file in full; a deleted one is
gone. A deletion marks the lines on either side of it: a finding caused by a
removed line is usually reported on its neighbour.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shieldwall.errors import SourceError, UsageError
from shieldwall.sources.git import run_git

_SHALLOW_HINT = (
    "fetch it first; CI clones are often shallow (actions/checkout: fetch-depth: 0, "
    "GitLab: GIT_DEPTH: 0, or `git fetch --unshallow origin`)"
)
_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_SAFE = ("-c", "safe.directory=*")


@dataclass(frozen=True, slots=True)
class ChangedLines:
    """Per file (relative to the scanned root): the line numbers changed in its
    current version; files in `whole` are new or changed in full."""

    ref: str
    base: str  # the merge base of REF and HEAD, a full commit id
    lines: Mapping[str, frozenset[int]] = field(default_factory=dict)
    whole: frozenset[str] = frozenset()
    # The files git tracks: any other file the scan reads is new, whatever ignores it.
    tracked: frozenset[str] | None = None

    @property
    def files(self) -> int:
        return len(self.whole) + len(self.lines)

    def touches(self, path: str, start: int, end: int) -> bool:
        """Did the change touch these lines of `path`? A location without a line
        (0) stands for the whole file: it counts when the file changed at all."""
        if path in self.whole:
            return True
        changed = self.lines.get(path)
        if changed is None:
            return self.tracked is not None and path not in self.tracked
        if start <= 0:
            return True
        return not changed.isdisjoint(range(start, max(start, end) + 1))


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return run_git(root, *_SAFE, *args)
    except FileNotFoundError as exc:
        raise UsageError("--diff-base needs git, which is not installed", "install git") from exc
    except (OSError, subprocess.SubprocessError) as exc:
        raise SourceError(f"git failed: {exc}", "run again; check the repository") from exc


def _first_line(done: subprocess.CompletedProcess[bytes]) -> str:
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else f"exit code {done.returncode}"


def _commit(root: Path, ref: str) -> str:
    if not ref or ref.startswith("-"):
        raise UsageError(f"--diff-base {ref!r} is not a git ref", "name a branch, tag or commit")
    if _git(root, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise UsageError(
            f"--diff-base {ref}: {root} is not inside a git work tree",
            "scan a git checkout, or drop --diff-base to scan every line",
        )
    done = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if done.returncode != 0:
        raise UsageError(f"--diff-base {ref}: no such commit, branch or tag", _SHALLOW_HINT)
    return done.stdout.decode("ascii").strip()


def _merge_base(root: Path, ref: str, commit: str) -> str:
    done = _git(root, "merge-base", commit, "HEAD")
    if done.returncode != 0:
        raise UsageError(
            f"--diff-base {ref}: no common history with HEAD ({_first_line(done)})",
            _SHALLOW_HINT,
        )
    return done.stdout.decode("ascii").strip()


@dataclass(frozen=True, slots=True)
class _Entry:
    status: str  # first letter of git's status: A M D R T U ...
    path: str  # the file's path now ("" when deleted)


def _raw_entries(tokens: list[bytes]) -> tuple[list[_Entry], int]:
    """The `--raw -z` records at the start of the output, and where the patch starts."""
    entries: list[_Entry] = []
    i = 0
    while i < len(tokens) and tokens[i].startswith(b":"):
        status = tokens[i].split(b" ")[-1][:1].decode("ascii", "replace")
        names = 2 if status in ("R", "C") else 1
        if i + names >= len(tokens):
            raise SourceError("git diff output ended inside a record", "run again")
        path = os.fsdecode(tokens[i + names])
        entries.append(_Entry(status, "" if status == "D" else path))
        i += names + 1
    return entries, i


def _hunk_lines(section: list[bytes]) -> tuple[set[int], bool]:
    """Lines a file's patch section changes in the new version; True when it
    cannot say which (a binary file)."""
    lines: set[int] = set()
    for line in section:
        if line.startswith(b"Binary files ") or line.startswith(b"GIT binary patch"):
            return lines, True
        match = _HUNK.match(line) if line.startswith(b"@@ ") else None
        if match is None:
            continue
        start = int(match.group(1))
        count = 1 if match.group(2) is None else int(match.group(2))
        if count:
            lines.update(range(start, start + count))
        else:  # lines removed after `start`: mark both neighbours
            lines.update(n for n in (start, start + 1) if n > 0)
    return lines, False


def parse_diff(output: bytes) -> tuple[dict[str, frozenset[int]], set[str]]:
    """(changed lines per file, files changed in full) from
    `git diff --patch-with-raw -z --unified=0` output."""
    tokens = output.split(b"\0")
    entries, used = _raw_entries(tokens)
    patch = b"\0".join(tokens[used:]).lstrip(b"\0")
    sections: list[list[bytes]] = []
    for line in patch.split(b"\n"):
        if line.startswith(b"diff --git ") or line.startswith(b"diff --cc "):
            sections.append([])
        elif sections:
            sections[-1].append(line)
    if len(sections) != len(entries):
        raise SourceError(
            f"git diff listed {len(entries)} file(s) but gave {len(sections)} patch(es)",
            "run again; report it as a bug if it persists",
        )
    lines: dict[str, frozenset[int]] = {}
    whole: set[str] = set()
    for entry, section in zip(entries, sections, strict=True):
        if not entry.path:
            continue
        changed, binary = _hunk_lines(section)
        if entry.status in ("A", "T", "U") or binary:
            whole.add(entry.path)
        else:
            lines[entry.path] = frozenset(changed)
    return lines, whole


def changed_lines(root: Path, ref: str) -> ChangedLines:
    """What changed under `root` from the merge base of `ref` and HEAD to the working tree."""
    commit = _commit(root, ref)
    base = _merge_base(root, ref, commit)
    diff = _git(
        root,
        "diff",
        "--patch-with-raw",
        "-z",
        "--unified=0",
        "--inter-hunk-context=0",
        "--find-renames",
        "--relative",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--ignore-submodules=all",
        base,
        "--",
    )
    if diff.returncode != 0:
        raise SourceError(f"git diff {base[:12]} failed: {_first_line(diff)}", "run again")
    lines, whole = parse_diff(diff.stdout)
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard")
    if untracked.returncode != 0:
        raise SourceError(f"git ls-files failed: {_first_line(untracked)}", "run again")
    whole.update(os.fsdecode(p) for p in untracked.stdout.split(b"\0") if p)
    for path in whole:
        lines.pop(path, None)
    return ChangedLines(ref, base, lines, frozenset(whole), _tracked(root))


def _tracked(root: Path) -> frozenset[str]:
    done = _git(root, "ls-files", "-z", "--recurse-submodules")
    if done.returncode != 0:  # a broken submodule: the superproject alone
        done = _git(root, "ls-files", "-z")
    if done.returncode != 0:
        raise SourceError(f"git ls-files failed: {_first_line(done)}", "run again")
    return frozenset(os.fsdecode(p) for p in done.stdout.split(b"\0") if p)
