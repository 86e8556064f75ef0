"""The lines every commit added, read from `git log -p` in one stream.

Only added lines are scanned (a secret enters the history when a commit adds
it; deleting it later does not remove it from there). A merge commit is read as
its combined diff (`--cc`): the lines in none of its parents, which the merge
added itself (an evil merge, a conflict resolved by writing something new).

Nothing is left out in silence:

- names: git C-quotes a file name holding `"`, `\\`, a tab, a newline or another
  control character, even with `core.quotepath=off`; the `diff --git` header is
  unquoted (rename detection is off, so both of its names are the same one and
  an unquoted header splits in exactly one way);
- renames: with rename detection off, a renamed file's whole content is added
  lines of the commit that renamed it (the secret is still reported once, at
  the oldest commit), so a file moved out of an excluded directory is scanned;
- binary: `--text` makes git show every file as text (a repository's
  `.gitattributes` cannot mark a file binary to hide it); what a commit added
  to a file is left out when its first 8 KiB hold a NUL byte, as the working
  tree scan does, and `Unscanned` says so;
- size: there is no cap. What one commit added to one file is handed over in
  chunks of about `CHUNK_BYTES` that overlap by `OVERLAP_BYTES`, so memory
  stays bounded and a secret shorter than the overlap is whole in one chunk;
  git's output is read in pieces of at most `_READ_BYTES`, so one long line
  does not have to fit in memory either.
"""

from __future__ import annotations

import re
import tempfile
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from shieldwall.errors import SourceError
from shieldwall.model import Skipped
from shieldwall.sources.git import popen_git, resolve_commit, run_git
from shieldwall.sources.tree import exclusion

CHUNK_BYTES = 1024 * 1024
OVERLAP_BYTES = 64 * 1024
_READ_BYTES = 64 * 1024
_SNIFF = 8192
# `@@ -a,b +c,d @@`; a merge's combined diff has one more `@` and one more
# `-a,b` range per further parent.
_HUNK = re.compile(rb"^(@@+) ((?:-\d+(?:,\d+)? )+)\+(\d+)(?:,(\d+))? @@+")
_MARK = b"\x01"
_DIFF = b"diff --git "
_DENSE = b"diff --cc "
_COMBINED = b"diff --combined "
_ESCAPES = {
    ord("a"): 7,
    ord("b"): 8,
    ord("t"): 9,
    ord("n"): 10,
    ord("v"): 11,
    ord("f"): 12,
    ord("r"): 13,
    ord('"'): ord('"'),
    ord("\\"): ord("\\"),
}


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    author: str
    email: str
    date: str  # ISO 8601, author date


@dataclass(frozen=True, slots=True)
class AddedLines:
    """What one commit added to one file (or one chunk of it): the lines joined
    by newlines, and the line in the committed file of each of them."""

    commit: Commit
    path: str
    data: bytes
    numbers: tuple[int, ...]

    def blob(self) -> bytes:
        return self.data

    def line_of(self, blob_line: int) -> int:
        """The line in the committed file of the blob's 1-based line."""
        index = min(max(blob_line - 1, 0), len(self.numbers) - 1)
        return self.numbers[index]


@dataclass(frozen=True, slots=True)
class Unscanned:
    """What one commit added to one file and was not scanned, and why."""

    commit: Commit
    path: str
    reason: str


def unquote(text: bytes) -> tuple[bytes, bytes] | None:
    """A C-quoted name at the start of `text` (as git writes it) and what follows
    it, or None when `text` does not start with a well-formed one."""
    if not text.startswith(b'"'):
        return None
    out = bytearray()
    i = 1
    while i < len(text):
        c = text[i]
        if c == ord('"'):
            return bytes(out), text[i + 1 :]
        if c != ord("\\"):
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1 : i + 2]
        if not nxt:
            return None
        if nxt in b"0123":
            digits = text[i + 1 : i + 4]
            if len(digits) != 3 or not all(d in b"01234567" for d in digits):
                return None
            out.append(int(digits, 8))
            i += 4
        elif nxt[0] in _ESCAPES:
            out.append(_ESCAPES[nxt[0]])
            i += 2
        else:
            return None
    return None


def header_path(line: bytes) -> bytes | None:
    """The file name of a `diff --git a/NAME b/NAME` header (both names equal:
    rename detection is off) or of a merge's `diff --cc NAME`, quoted or not;
    None when it does not parse."""
    for combined in (_DENSE, _COMBINED):
        if line.startswith(combined):
            rest = line[len(combined) :]
            quoted = unquote(rest)
            if quoted is None:
                return None if rest.startswith(b'"') or not rest else rest
            return quoted[0] if not quoted[1] else None
    rest = line[len(_DIFF) :]
    first = unquote(rest)
    if first is not None:
        name, tail = first
        second = unquote(tail[1:]) if tail.startswith(b" ") else None
        if second is None or second[1] or not name.startswith(b"a/"):
            return None
        if second[0] != b"b/" + name[2:]:
            return None
        return name[2:]
    if (len(rest) - 5) % 2 or len(rest) < 5:
        return None
    n = (len(rest) - 5) // 2
    name = rest[2 : 2 + n]
    return name if rest == b"a/" + name + b" b/" + name else None


def _count(hunk_range: bytes) -> int:
    """The line count of a hunk header's `-a,b` range (`-a` alone: one line)."""
    _, _, count = hunk_range.partition(b",")
    return int(count) if count else 1


def _decode(name: bytes) -> str:
    return name.decode("utf-8", "backslashreplace")


class _File:
    """Collects what one commit added to one file and cuts it into chunks."""

    def __init__(self, commit: Commit, path: str, chunk: int, overlap: int) -> None:
        self.commit, self.path = commit, path
        self.chunk, self.overlap = chunk, overlap
        self.buf = bytearray()
        self.starts: list[int] = []  # offset in buf of each line
        self.numbers: list[int] = []  # line in the committed file of each line
        self.fresh = 0  # bytes not yet handed over in a chunk
        self.sniffed = False
        self.binary = False

    def line(self, text: bytes, number: int) -> AddedLines | None:
        if self.binary:
            return None
        if self.starts:
            self.buf += b"\n"
        self.starts.append(len(self.buf))
        self.numbers.append(number)
        return self.more(text)

    def more(self, text: bytes) -> AddedLines | None:
        """The rest of a line longer than one read."""
        if self.binary:
            return None
        self.buf += text
        self.fresh += len(text) + 1
        if not self.sniffed and len(self.buf) >= min(_SNIFF, self.chunk):
            self._sniff()
            if self.binary:
                return None
        return self._cut() if len(self.buf) >= self.chunk else None

    def _sniff(self) -> None:
        self.sniffed = True
        if b"\x00" in self.buf[:_SNIFF]:
            self.binary = True
            self.buf, self.starts, self.numbers = bytearray(), [], []

    def _cut(self) -> AddedLines:
        out = AddedLines(self.commit, self.path, bytes(self.buf), tuple(self.numbers))
        keep = max(len(self.buf) - self.overlap, 0)
        i = bisect_right(self.starts, keep) - 1
        if len(self.buf) - self.starts[i] <= 2 * self.overlap:
            keep = self.starts[i]  # start the overlap at a line start when one is near
        self.buf = self.buf[keep:]
        self.starts = [0, *(s - keep for s in self.starts[i + 1 :])]
        self.numbers = self.numbers[i:]
        self.fresh = 0
        return out

    def finish(self) -> AddedLines | Unscanned | None:
        if not self.sniffed:
            self._sniff()
        if self.binary:
            return Unscanned(self.commit, self.path, "binary (NUL bytes in what it added)")
        if not self.fresh or not self.starts:
            return None
        return AddedLines(self.commit, self.path, bytes(self.buf), tuple(self.numbers))


def _check_repo(root: Path, since: str | None) -> str | None:
    """The commit `since` names, after checking that `root` is in a repository
    with commits."""
    try:
        probe = run_git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    except FileNotFoundError as exc:
        raise SourceError("git is not installed", "install git to scan history") from exc
    if probe.returncode != 0:
        inside = run_git(root, "rev-parse", "--is-inside-work-tree")
        if inside.returncode != 0:
            raise SourceError(f"{root} is not inside a git repository", "drop --history")
        raise SourceError("the repository has no commits yet")
    if since is None:
        return None
    sha = resolve_commit(root, since)
    if sha is None:
        raise SourceError(
            f"--since {since}: no such commit, branch or tag",
            "fetch it first (CI clones are often shallow: fetch-depth: 0)",
        )
    return sha


def _pieces(stream: IO[bytes]) -> Iterator[tuple[bytes, bool]]:
    """(piece without its newline, whether it starts a line), at most _READ_BYTES each."""
    starts = True
    while piece := stream.readline(_READ_BYTES):
        ends = piece.endswith(b"\n")
        yield (piece[:-1] if ends else piece), starts
        starts = ends


def _commit(line: bytes) -> Commit:
    fields = line[1:].decode("utf-8", "replace").split("\x00", 3)
    sha, author, email, date = (*fields, "", "", "", "")[:4]
    return Commit(sha, author, email, date)


def parse(
    stream: IO[bytes],
    excluded: Callable[[str], bool],
    chunk: int = CHUNK_BYTES,
    overlap: int = OVERLAP_BYTES,
    on_commit: Callable[[], None] | None = None,
) -> Iterator[AddedLines | Unscanned]:
    """Read `git log -p --cc --unified=0 --no-renames --text` output with the
    commit format `\\x01%H%x00%an%x00%ae%x00%aI`. A merge's combined diff gives
    the lines that are in none of its parents: those it added itself.
    `on_commit` is called as each commit starts."""
    if not 0 < 2 * overlap < chunk:
        raise ValueError("the overlap must be under half a chunk")
    commit = Commit("", "", "", "")
    current: _File | None = None
    old_left: list[int] = []  # lines each parent has left in the hunk
    new_left = new_line = 0
    continues = False  # the piece read last was the start of an added line

    def done() -> Iterable[AddedLines | Unscanned]:
        last = current.finish() if current is not None else None
        return () if last is None else (last,)

    for piece, starts in _pieces(stream):
        if not starts:
            if continues and current is not None and (out := current.more(piece)):
                yield out
            continue
        continues = False
        if new_left > 0 or any(old_left):
            if piece.startswith(b"\\"):
                continue
            cols = piece[: len(old_left)]
            if len(cols) == len(old_left) and not cols.strip(b" +-"):
                if b"-" in cols:
                    old_left = [n - (c == ord("-")) for n, c in zip(old_left, cols, strict=True)]
                    continue
                old_left = [n - (c == ord(" ")) for n, c in zip(old_left, cols, strict=True)]
                new_left -= 1
                if current is not None and not cols.strip(b"+"):
                    continues = True
                    if out := current.line(piece[len(cols) :], new_line):
                        yield out
                new_line += 1
                continue
            old_left, new_left = [], 0  # not a hunk line: read it as a header
        if piece.startswith(_MARK):
            yield from done()
            current = None
            commit = _commit(piece)
            if on_commit is not None:
                on_commit()
        elif piece.startswith((_DIFF, _COMBINED, _DENSE)):
            yield from done()
            current = None
            name = header_path(piece)
            if name is None:
                shown = _decode(piece.partition(b" ")[2].partition(b" ")[2])
                yield Unscanned(commit, shown, "file name in the diff header not understood")
            elif not excluded(path := _decode(name)):
                current = _File(commit, path, chunk, overlap)
        elif piece.startswith(b"@@"):
            m = _HUNK.match(piece)
            if m is not None and len(m.group(1)) == len(m.group(2).split()) + 1:
                old_left = [_count(r) for r in m.group(2).split()]
                new_line = int(m.group(3))
                new_left = int(m.group(4)) if m.group(4) is not None else 1
    yield from done()


def added_lines(
    root: Path,
    since: str | None = None,
    excluded: Callable[[str], bool] | None = None,
    *,
    unscanned: list[Unscanned],
    chunk: int = CHUNK_BYTES,
    overlap: int = OVERLAP_BYTES,
    on_commit: Callable[[], None] | None = None,
) -> Iterator[AddedLines]:
    """Every (commit, file) with added lines, newest commit first, in chunks;
    paths that `excluded` rejects (by default: those in vendored directories)
    are left out, as the tree walk leaves them out. What is not scanned goes to
    `unscanned`; `on_commit` is called as each commit is read."""
    base = _check_repo(root, since)
    skip = excluded if excluded is not None else exclusion(())
    revisions = f"{base}..HEAD" if base else "HEAD"
    with tempfile.TemporaryFile() as errors:
        proc = popen_git(
            root,
            "log",
            "-p",
            "--cc",
            "--text",
            "--no-renames",
            "--root",
            "--no-color",
            "--unified=0",
            "--inter-hunk-context=0",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "--relative",
            "--format=" + "\x01%H%x00%an%x00%ae%x00%aI",
            revisions,
            "--",
            stderr=errors,
        )
        assert proc.stdout is not None
        try:
            for item in parse(proc.stdout, skip, chunk, overlap, on_commit):
                if isinstance(item, Unscanned):
                    unscanned.append(item)
                else:
                    yield item
        finally:
            proc.stdout.close()
            code = proc.wait()
        errors.seek(0)
        message = errors.read(4096).decode("utf-8", "replace").strip()
    if code != 0:
        raise SourceError(f"git log failed: {message[:300]}")


def skipped(unscanned: Iterable[Unscanned]) -> list[Skipped]:
    """One Skipped record per path and reason, naming the oldest commit."""
    by_path: dict[tuple[str, str], list[Commit]] = {}
    for u in unscanned:
        by_path.setdefault((u.path, u.reason), []).append(u.commit)
    records = []
    for (path, reason), commits in by_path.items():
        oldest = commits[-1]  # newest commit first
        more = f" and {len(commits) - 1} later" if len(commits) > 1 else ""
        records.append(
            Skipped(
                path,
                f"git history not scanned for secrets in commit {oldest.sha[:12]}{more}: " + reason,
            )
        )
    return records
