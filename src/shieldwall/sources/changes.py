"""The lines a pull request changes: what `scan --diff-base REF` reports on.

The comparison runs from the merge base of REF and HEAD to the working tree:
the branch's commits, the changes not committed yet, and every file the scan
reads that git does not track, new in full. In CI the working tree is HEAD, so
this is exactly the pull request's diff.

The commits are compared tree to tree (`git diff-tree`), which reads stored
objects only. Git never compares the working tree here: that would run the
clean filters the repository's `.gitattributes` and `.git/config` name. Each
tracked file is hashed in Python as git would store it unfiltered; a file whose
hash differs from HEAD's blob is compared line by line with that blob
(`cat-file`, no filters) in `line_diff`, and the lines the commits changed are
carried over to their new numbers. A file that a filter would have normalised
(an LFS pointer, converted line endings other than CRLF) therefore counts as
changed, in full if need be: more is reported, never less.

Names come from `-z` output, NUL-separated and never quoted, so any file name
is read as it is; each file's hunks come from the patch that follows in the
same output, in the same order. A renamed file counts only for the lines
changed in it (a rename not committed yet: in full); a new, binary or
type-changed file in full; a deleted one is gone. A deletion marks the lines on
either side of it: a finding caused by a removed line is usually reported on
its neighbour.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shieldwall.errors import SourceError, UsageError
from shieldwall.sources.git import run_git
from shieldwall.sources.line_diff import compare
from shieldwall.sources.safe_files import read_bounded

_SHALLOW_HINT = (
    "fetch it first; CI clones are often shallow (actions/checkout: fetch-depth: 0, "
    "GitLab: GIT_DEPTH: 0, or `git fetch --unshallow origin`)"
)
_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_SAFE = ("-c", "safe.directory=*")
# A work-tree file larger than this is not read to be compared: it counts in full
# (the scan skips files this large unless told otherwise).
COMPARE_MAX_BYTES = 32 * 1024 * 1024
_BATCH_BYTES = 64 * 1024 * 1024  # HEAD's blobs read per `cat-file --batch`
_GITLINK = "160000"
_SYMLINK = "120000"


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


def _git(root: Path, *args: str, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return run_git(root, *_SAFE, *args, input=input)
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
        "diff-tree",
        "-r",
        "--patch-with-raw",
        "-z",
        "--unified=0",
        "--inter-hunk-context=0",
        "--find-renames",
        "--relative",
        "--no-color",
        "--ignore-submodules=all",
        base,
        "HEAD",
        "--",
    )
    if diff.returncode != 0:
        raise SourceError(
            f"git diff-tree {base[:12]} HEAD failed: {_first_line(diff)}", "run again"
        )
    lines, whole = parse_diff(diff.stdout)
    # A repository's object ids are as long as its hash's digest: sha1 or sha256.
    _add_uncommitted(root, lines, whole, "sha256" if len(base) == 64 else "sha1")
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard")
    if untracked.returncode != 0:
        raise SourceError(f"git ls-files failed: {_first_line(untracked)}", "run again")
    whole.update(os.fsdecode(p) for p in untracked.stdout.split(b"\0") if p)
    for path in whole:
        lines.pop(path, None)
    return ChangedLines(ref, base, lines, frozenset(whole), _tracked(root))


@dataclass(frozen=True, slots=True)
class _Blob:
    mode: str
    oid: str
    size: int


def _head_blobs(root: Path) -> dict[str, _Blob]:
    """HEAD's files under `root`, by path relative to it."""
    done = _git(root, "ls-tree", "-r", "-l", "-z", "HEAD")
    if done.returncode != 0:
        raise SourceError(f"git ls-tree HEAD failed: {_first_line(done)}", "run again")
    blobs: dict[str, _Blob] = {}
    for record in done.stdout.split(b"\0"):
        meta, tab, name = record.partition(b"\t")
        fields = meta.decode("ascii", "replace").split()
        if tab and len(fields) == 4:
            size = int(fields[3]) if fields[3].isdigit() else 0
            blobs[os.fsdecode(name)] = _Blob(fields[0], fields[2], size)
    return blobs


def _index_paths(root: Path) -> list[str]:
    """The paths the index tracks under `root` (not submodules), once each."""
    done = _git(root, "ls-files", "-s", "-z")
    if done.returncode != 0:
        raise SourceError(f"git ls-files failed: {_first_line(done)}", "run again")
    paths: dict[str, None] = {}
    for record in done.stdout.split(b"\0"):
        meta, tab, name = record.partition(b"\t")
        if tab and not meta.startswith(_GITLINK.encode()):
            paths[os.fsdecode(name)] = None
    return list(paths)


def _work_tree_bytes(root: Path, path: str, blob: _Blob) -> bytes | None:
    """What git would store for `path` unfiltered (a symlink: its target), if it
    can be compared with `blob`; None when the file is gone. SourceError: count
    it in full (its type changed, it is too large, or it cannot be read)."""
    full = root / path
    try:
        st = full.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise SourceError(f"{path}: {exc.strerror or exc}") from exc
    if stat.S_ISLNK(st.st_mode) != (blob.mode == _SYMLINK):
        raise SourceError(f"{path}: type changed")
    if stat.S_ISLNK(st.st_mode):
        try:
            return os.fsencode(full.readlink())
        except OSError as exc:
            raise SourceError(f"{path}: {exc.strerror or exc}") from exc
    return read_bounded(full, COMPARE_MAX_BYTES, root=root, what=path)


def _add_uncommitted(
    root: Path,
    lines: dict[str, frozenset[int]],
    whole: set[str],
    algorithm: str,
) -> None:
    """Add to the committed change what differs between HEAD and the work tree."""
    head = _head_blobs(root)
    differing: dict[str, bytes] = {}
    for path in _index_paths(root):
        blob = head.get(path)
        if path in whole or (blob is None and not os.path.lexists(root / path)):
            continue
        if blob is None or blob.mode == _GITLINK or blob.size > COMPARE_MAX_BYTES:
            whole.add(path)  # added to the index since HEAD, or too large to compare
            continue
        try:
            data = _work_tree_bytes(root, path, blob)
        except SourceError:
            whole.add(path)
            continue
        if data is None:
            lines.pop(path, None)  # deleted: nothing left to report on
        elif _object_id(algorithm, data) != blob.oid:
            differing[path] = data
    stored = _read_blobs(root, [head[path] for path in differing])
    for path, data in differing.items():
        old = stored[head[path].oid]
        if _binary(old) or _binary(data):
            whole.add(path)
            continue
        edit = compare(old, data)
        lines[path] = edit.changed | frozenset(edit.carry(lines.get(path, ())))


def _binary(data: bytes) -> bool:
    """Git's test: a NUL byte in the first 8000."""
    return b"\0" in data[:8000]


def _object_id(algorithm: str, data: bytes) -> str:
    """The id git gives `data` stored as a blob."""
    digest = hashlib.new(algorithm, b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def _read_blobs(root: Path, blobs: list[_Blob]) -> dict[str, bytes]:
    """The stored content of each blob by id, as it is (`cat-file` runs no filter)."""
    sizes = {blob.oid: blob.size for blob in blobs}
    batches: list[list[str]] = []
    total = 0
    for oid, size in sizes.items():
        if not batches or total + size > _BATCH_BYTES:
            batches.append([])
            total = 0
        batches[-1].append(oid)
        total += size
    found: dict[str, bytes] = {}
    for batch in batches:
        done = _git(root, "cat-file", "--batch", input="".join(f"{o}\n" for o in batch).encode())
        if done.returncode != 0:
            raise SourceError(f"git cat-file failed: {_first_line(done)}", "run again")
        found.update(_parse_batch(done.stdout, batch))
    return found


def _parse_batch(output: bytes, oids: list[str]) -> dict[str, bytes]:
    """`cat-file --batch` output: per object `<id> blob <size>\\n<content>\\n`."""
    found: dict[str, bytes] = {}
    at = 0
    for oid in oids:
        end = output.find(b"\n", at)
        header = output[at:end].split() if end >= 0 else []
        if len(header) != 3 or header[1] != b"blob" or not header[2].isdigit():
            raise SourceError(f"git cat-file: no blob {oid}", "run again; check the repository")
        size = int(header[2])
        found[oid] = output[end + 1 : end + 1 + size]
        at = end + 1 + size + 1
    return found


def _tracked(root: Path) -> frozenset[str]:
    done = _git(root, "ls-files", "-z", "--recurse-submodules")
    if done.returncode != 0:  # a broken submodule: the superproject alone
        done = _git(root, "ls-files", "-z")
    if done.returncode != 0:
        raise SourceError(f"git ls-files failed: {_first_line(done)}", "run again")
    return frozenset(os.fsdecode(p) for p in done.stdout.split(b"\0") if p)
