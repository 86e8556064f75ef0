"""Secrets analyzer: the working tree (and, with --history, every commit's added
lines) through one Detector; findings carry a redacted preview and a keyed hash
only (HMAC-SHA256 under the key `Settings.fingerprint_key` loads).

One finding per secret and rule: the same value in several files, or in the
working tree and in history, is one finding at its first location (working
tree first, else the oldest commit that added it) whose message names the
others. Its fingerprint is built from the rule and the value's keyed hash, not
the path, so it survives moves and rescans (with the same key), and a baseline
entry covers the secret wherever it appears."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from shieldwall.analyzers.base import AnalyzerOutput, ScanTarget, worker_count
from shieldwall.analyzers.hits import Hit, findings_from
from shieldwall.analyzers.secrets import history, prefilter
from shieldwall.analyzers.secrets.engine import (
    GENERIC_PASSWORD,
    GENERIC_TOKEN,
    GENERIC_UUID,
    Match,
    default_detector,
)
from shieldwall.analyzers.secrets.redact import HASH_PREFIX, SecretHasher, is_password, preview
from shieldwall.analyzers.secrets.rules import (
    ANALYZER,
    BUILD_ARG_IN_ENV,
    PROVIDER_OF,
    all_rules,
    at_severity,
)
from shieldwall.analyzers.secrets.verify import (
    AWS_KEY_ID,
    AWS_SECRET,
    LIVE,
    SHARED_FORMAT,
    VERIFIABLE,
    Verifier,
    self_hosted_hosts,
)
from shieldwall.analyzers.workers import isolated_map
from shieldwall.errors import SourceError
from shieldwall.model import Control, Rule, Severity, Skipped
from shieldwall.sources.safe_files import read_bounded
from shieldwall.sources.tree import exclusion

_SNIFF = 8192
# Below this many bytes a pool of processes costs more than it saves.
_PARALLEL_BYTES = 24 * 1024 * 1024
_CHUNK_BYTES = 4 * 1024 * 1024
# Without a key from the engine (library use): one of this process only.
_PROCESS_KEY = os.urandom(32)


class _Places(dict[str, None]):
    """Where else a secret is: an ordered set, so that a value repeated on every
    line of a big file costs a constant time per line."""

    def append(self, place: str) -> None:
        self[place] = None


@dataclass
class _Seen:
    """Every place one secret (for one rule) was found."""

    match: Match
    path: str
    commit: history.Commit | None = None
    others: _Places = field(default_factory=_Places)
    in_history: history.Commit | None = None
    verdict_note: str = ""
    live: bool = False
    # The files of the tree it is in, and the self-hosted GitHub / GitLab hosts that
    # the commits which added it name (see verify.py: such tokens are not sent).
    files: set[str] = field(default_factory=set)
    hosts: frozenset[str] = frozenset()


def _read(path: str, size: int, max_bytes: int) -> bytes | str:
    """The file's bytes, or why it is not scanned."""
    if size > max_bytes:
        return f"file is {size} bytes, over the {max_bytes}-byte limit"
    try:
        data = _read_all(path, size)
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    if b"\x00" in data[:_SNIFF]:
        return "binary file (contains NUL bytes)"
    return data


def _read_all(path: str, size: int) -> bytes:
    """The whole file, to its end whatever its size is now (`size`: what the walk
    saw). Unbuffered: an open, two reads and a close; a buffered `open` adds stat,
    terminal and seek calls, which a tree of small files pays per file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        chunks = [os.read(fd, size + 1)]
        while chunks[-1]:
            chunks.append(os.read(fd, max(size, 1 << 16)))
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) <= 2 else b"".join(chunks)


# (rel, absolute path, size, byte limit) -> its matches, or why it was skipped
_Job = tuple[str, str, int, int]
_FileResult = tuple[list[Match], str | None]


def scan_file(job: _Job) -> _FileResult:
    """One file's matches, or the reason it was not scanned. Runs in workers."""
    rel, path, size, max_bytes = job
    data = _read(path, size, max_bytes)
    if isinstance(data, str):
        return [], data
    try:
        return default_detector().scan(data, rel), None
    except (RecursionError, MemoryError, ValueError) as exc:  # costs this file only
        return [], f"cannot scan for secrets: {type(exc).__name__}: {exc}"


def _numbered(job: tuple[int, _Job]) -> tuple[int, _FileResult]:
    return job[0], scan_file(job[1])


def _died(job: tuple[int, _Job], how: str) -> tuple[int, _FileResult]:
    return job[0], ([], f"the process scanning this file died ({how})")


def scan_files(
    files: Sequence[tuple[str, str, int]], max_bytes: int
) -> tuple[list[tuple[str, Match]], list[tuple[str, str]]]:
    """(rel, absolute path, size) -> matches and (rel, reason) skips."""
    return _gather(files, [scan_file((*f, max_bytes)) for f in files])


def _gather(
    files: Sequence[tuple[str, str, int]], results: Sequence[_FileResult]
) -> tuple[list[tuple[str, Match]], list[tuple[str, str]]]:
    found: list[tuple[str, Match]] = []
    skipped: list[tuple[str, str]] = []
    for (rel, _, _), (matches, reason) in zip(files, results, strict=True):
        found.extend((rel, m) for m in matches)
        if reason is not None:
            skipped.append((rel, reason))
    return found, skipped


def _chunks(files: Sequence[tuple[str, str, int]]) -> list[list[tuple[str, str, int]]]:
    chunks: list[list[tuple[str, str, int]]] = [[]]
    size = 0
    for f in files:
        if size >= _CHUNK_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(f)
        size += f[2]
    return chunks


class SecretsAnalyzer:
    name = ANALYZER

    def __init__(self) -> None:
        self._rules = all_rules()
        self._hasher = SecretHasher(_PROCESS_KEY)

    def rules(self) -> Sequence[Rule]:
        return self._rules

    def analyze(self, target: ScanTarget) -> AnalyzerOutput:
        settings = target.settings
        root = target.tree.root
        files = [(f.rel, str(root / f.rel), f.size) for f in target.tree.files]
        found, skips = self._scan_tree(files, settings.max_file_bytes)
        skipped = [Skipped(rel, reason) for rel, reason in skips]
        seen: dict[tuple[str, str], _Seen] = {}
        for rel, m in found:
            entry = seen.get((m.rule.id, m.secret))
            if entry is None:
                seen[(m.rule.id, m.secret)] = _Seen(m, rel, files={rel})
            elif (rel, m.line) != (entry.path, entry.match.line):
                entry.files.add(rel)
                where = f"{rel}:{m.line}"
                if where not in entry.others:
                    entry.others.append(where)
        if settings.history:
            unscanned: list[history.Unscanned] = []
            try:
                self._history(target, seen, unscanned)
            except SourceError as exc:
                hint = f" ({exc.hint})" if exc.hint else ""
                skipped.append(
                    Skipped("(git history)", f"history not scanned: {exc.message}{hint}")
                )
            skipped.extend(history.skipped(unscanned))
        key = settings.fingerprint_key
        # The key is loaded (made, on first use) only when there is a secret to hash.
        self._hasher = SecretHasher(key.load() if key is not None and seen else _PROCESS_KEY)
        if settings.verify:
            if settings.offline:
                skipped.append(
                    Skipped("(verification)", "--verify ignored: --offline forbids network calls")
                )
            else:
                problem = self._verify(seen, root, settings.max_file_bytes)
                if problem:
                    skipped.append(Skipped("(verification)", problem))
        findings = findings_from(self._hit(s) for s in seen.values())
        resources = frozenset(f.resource for f in findings) | frozenset(
            f.rel for f in target.tree.files
        )
        warnings = key.notes() if key is not None and findings else ()
        return AnalyzerOutput(
            findings=tuple(findings),
            skipped=tuple(skipped),
            checked={Control.SECRETS: resources},
            warnings=(*prefilter.notice(), *warnings),
        )

    def _scan_tree(
        self, files: list[tuple[str, str, int]], max_bytes: int
    ) -> tuple[list[tuple[str, Match]], list[tuple[str, str]]]:
        total = sum(min(size, max_bytes) for _, _, size in files)
        jobs = worker_count()
        if jobs <= 1 or total < _PARALLEL_BYTES:
            return scan_files(files, max_bytes)
        # A worker that dies costs the file it was on; results keep the files' order.
        numbered = {f: i for i, f in enumerate(files)}
        chunks = [[(numbered[f], (*f, max_bytes)) for f in chunk] for chunk in _chunks(files)]
        results = sorted(isolated_map(_numbered, chunks, min(jobs, len(chunks)), _died))
        return _gather(files, [r for _, r in results])

    def _history(
        self,
        target: ScanTarget,
        seen: dict[tuple[str, str], _Seen],
        unscanned: list[history.Unscanned],
    ) -> None:
        settings = target.settings
        detector = default_detector()
        excluded = exclusion(target.tree.excludes)
        commits = 0

        def read_one() -> None:
            nonlocal commits
            commits += 1
            target.progress(f"history: {commits} commit" + ("" if commits == 1 else "s"))

        added_lines = history.added_lines(
            target.tree.root, settings.since, excluded, unscanned=unscanned, on_commit=read_one
        )
        for added in added_lines:
            # Self-hosted GitHub / GitLab hosts these added lines name, per rule.
            hosts: dict[str, frozenset[str]] = {}
            for m in detector.scan(added.blob(), added.path):
                line = added.line_of(m.line)
                end = added.line_of(m.end_line) if m.end_line != m.line else line
                rule_id = m.rule.id
                placed = Match(m.rule, m.secret, line, max(end, line), m.severity, m.detail)
                entry = seen.get((rule_id, m.secret))
                if rule_id in SHARED_FORMAT and rule_id not in hosts:
                    hosts[rule_id] = self_hosted_hosts(rule_id, _added_text(added))
                if entry is None:
                    entry = seen[(rule_id, m.secret)] = _Seen(
                        placed, added.path, commit=added.commit
                    )
                elif entry.commit is None:
                    entry.in_history = added.commit  # newest first: ends on the oldest
                else:
                    # Already known from a newer commit: this older one introduced it.
                    if entry.path != added.path:
                        entry.others.append(
                            f"{entry.path}:{entry.match.line}@{entry.commit.sha[:12]}"
                        )
                    entry.match, entry.path, entry.commit = placed, added.path, added.commit
                entry.hosts |= hosts.get(rule_id, frozenset())

    def _verify(self, seen: dict[tuple[str, str], _Seen], root: Path, max_bytes: int) -> str:
        """Ask providers about the verifiable secrets; what went wrong ("" when nothing)."""
        try:
            verifier = Verifier()
        except (ValueError, OSError) as exc:
            return f"--verify not run: {exc}"
        key_ids: dict[str, str] = {}
        for entry in seen.values():
            if entry.match.rule.id == AWS_KEY_ID:
                key_ids.setdefault(entry.path, entry.match.secret)
        named: dict[tuple[str, str], frozenset[str] | None] = {}  # (file, rule) -> hosts
        for entry in seen.values():
            rule_id = entry.match.rule.id
            if rule_id not in VERIFIABLE:
                continue
            partner = key_ids.get(entry.path) if rule_id == AWS_SECRET else None
            hosts = set(entry.hosts)
            unreadable = ""
            for rel in sorted(entry.files) if rule_id in SHARED_FORMAT else ():
                if (rel, rule_id) not in named:
                    content = _text_of(root, rel, max_bytes)
                    named[(rel, rule_id)] = (
                        None if content is None else self_hosted_hosts(rule_id, content)
                    )
                found = named[(rel, rule_id)]
                if found is None:
                    unreadable = rel
                else:
                    hosts |= found
            if unreadable:  # cannot tell where the token belongs: not sent
                entry.verdict_note = f"not verified: {unreadable} could not be read again"
                continue
            verdict = verifier.verify(rule_id, entry.match.secret, partner, hosts)
            if verdict is not None:
                entry.verdict_note = verdict.note
                entry.live = verdict.status == LIVE
        if verifier.exhausted:
            return (
                f"--verify stopped after {verifier.requests} request(s): "
                f"{verifier.exhausted} credential(s) not verified (budget exhausted; "
                "SHIELDWALL_VERIFY_BUDGET and SHIELDWALL_VERIFY_MAX_REQUESTS set it)"
            )
        return ""

    def _hit(self, s: _Seen) -> Hit:
        m = s.match
        provider = PROVIDER_OF.get(m.rule.id, "")
        generic = m.rule in (GENERIC_PASSWORD, GENERIC_TOKEN, GENERIC_UUID)
        shown = preview(m.secret, provider_format=not generic, password=is_password(m.rule.id))
        parts = [f"value {shown}"]  # the title, shown beside the message, says what it is
        if m.rule == BUILD_ARG_IN_ENV:  # no value in the file: the build gives it
            parts = [f"{m.detail}: the value given at build time is kept in the image"]
        elif m.detail:
            parts[0] += f" ({m.detail})"
        if s.commit is not None:
            c = s.commit
            parts.append(
                f"added in commit {c.sha[:12]} by {c.author} <{c.email}> on {c.date} to {s.path}; "
                "not in the scanned files now, but still in the git history"
            )
        elif s.in_history is not None:
            c = s.in_history
            parts.append(f"also in the git history since commit {c.sha[:12]} ({c.date})")
        if s.others:
            more = f" (+{len(s.others) - 5} more)" if len(s.others) > 5 else ""
            parts.append("also at " + ", ".join(list(s.others)[:5]) + more)
        if s.verdict_note:
            parts.append(s.verdict_note)
        key = self._hasher(m.secret)
        slug = (provider or "generic").lower().replace(" ", "-")
        return Hit(
            at_severity(m.rule, Severity.CRITICAL if s.live else m.severity),
            s.path,
            m.line,
            f"secret/{slug}/{key.removeprefix(HASH_PREFIX)[:12]}",
            "; ".join(parts),
            key,
            end_line=m.end_line,
            path_in_fingerprint=False,
        )


def _text_of(root: Path, rel: str, max_bytes: int) -> str | None:
    """A scanned file's text, to look for self-hosted hosts in (None: unreadable now)."""
    try:
        return read_bounded(root / rel, max_bytes, root=root).decode("utf-8", "replace")
    except SourceError:
        return None


def _added_text(added: history.AddedLines) -> str:
    return added.blob().decode("utf-8", "replace")


def findings_in(data: bytes, path: str = "input") -> Iterable[Match]:
    """Matches in one buffer (the library entry point benchmarks use)."""
    return default_detector().scan(data, path)
