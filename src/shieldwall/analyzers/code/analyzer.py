"""The Python code analyzer: taint tracking from request to sink plus pattern
rules, one process per core over chunks of files."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from pathlib import Path

from shieldwall.analyzers.base import AnalyzerOutput, ScanTarget, worker_count
from shieldwall.analyzers.code.catalog import TAINT_RULES
from shieldwall.analyzers.code.flow import FunctionFlow
from shieldwall.analyzers.code.module import RawFinding
from shieldwall.analyzers.code.patterns import PATTERN_RULES
from shieldwall.analyzers.code.project import Project, build_index, module_names, parse
from shieldwall.analyzers.code.rules import ANALYZER
from shieldwall.analyzers.hits import Hit, findings_from
from shieldwall.analyzers.workers import isolated_map
from shieldwall.errors import SourceError
from shieldwall.model import Control, Location, Rule, Skipped
from shieldwall.sources.tree import SourceFile

# Below this many files one process is faster than starting workers.
PARALLEL_MIN_FILES = 48
CHUNK_FILES = 16

FileResult = tuple[str, list[RawFinding], str | None]

# Taint rules (one per sink class), then pattern rules.
# one rule may be broken by several sink classes (code run by exec() or imported)
ALL_RULES: tuple[Rule, ...] = tuple(dict.fromkeys((*TAINT_RULES.values(), *PATTERN_RULES)))

_project: Project | None = None


def analyze_text(rel: str, text: str, project: Project | None = None) -> list[RawFinding]:
    """Findings for one Python file's text (SyntaxError etc. propagate)."""
    return _analyze_tree(rel, text, parse(text, rel), project)


def _analyze_tree(
    rel: str, text: str, tree: ast.Module, project: Project | None = None
) -> list[RawFinding]:
    project = project or Project(Path(), {}, 0)
    names = module_names(rel)
    module = project.module(rel, text, tree, names[0] if names else "", report=True)
    # Functions that set module variables (`global x`) first: the others read them.
    infos = sorted(
        module.definitions(),
        key=lambda i: not any(isinstance(s, ast.Global) for s in i.node.body),
    )
    for info in infos:
        FunctionFlow(module, info).run()
    return module.findings


def _too_deep(exc: BaseException) -> str:
    """Why hostile nesting stopped the parser or the analysis."""
    if isinstance(exc, MemoryError | RecursionError):
        return f"nested too deeply ({type(exc).__name__})"
    return f"{type(exc).__name__}: {exc}"


def _analyze_file(project: Project, rel: str, size: int) -> FileResult:
    """One file's findings, or why it was skipped: a file that cannot be parsed or
    analysed costs that file only."""
    source = SourceFile(project.root, rel, size)
    try:
        text = source.read_text(project.max_bytes)
    except SourceError as exc:
        return rel, [], exc.message
    try:
        tree = parse(text, rel)
    except SyntaxError as exc:
        return rel, [], f"Python syntax error at line {exc.lineno}: {exc.msg}"
    except (ValueError, MemoryError, RecursionError) as exc:
        return rel, [], f"cannot parse Python: {_too_deep(exc)}"
    try:
        return rel, _analyze_tree(rel, text, tree, project), None
    except (ValueError, MemoryError, RecursionError) as exc:
        return rel, [], f"cannot analyse Python: {_too_deep(exc)}"


def _init_worker(root: str, index: dict[str, str], max_bytes: int) -> None:
    global _project
    _project = Project(Path(root), index, max_bytes)


def _analyze_job(job: tuple[str, int]) -> FileResult:
    assert _project is not None
    return _analyze_file(_project, *job)


def _worker_died(job: tuple[str, int], how: str) -> FileResult:
    return job[0], [], f"the process analysing this file died ({how})"


def _flow(
    source: tuple[str, int] | None, calls: tuple[tuple[str, int], ...], sink: Location
) -> tuple[Location, ...]:
    """Source, the calls that lead into the function holding the sink, then the
    sink, for a data-flow finding whose source line is known."""
    if source is None or source[1] < 1:
        return ()
    return (Location.at(*source), *(Location.at(*c) for c in calls), sink)


def _hits(results: list[FileResult]) -> Iterator[Hit]:
    """The hits of the files' findings, each with the key its fingerprint needs."""
    seen: dict[str, int] = {}  # fingerprint -> line
    for rel, raws, _ in results:
        for raw in raws:
            where = "module level" if raw.resource == "<module>" else f"`{raw.resource}`"
            path = raw.path or rel
            sink = Location(path, raw.line, max(raw.line, raw.end_line))
            key, n = raw.key, 0
            while True:
                hit = Hit(
                    raw.rule,
                    path,
                    raw.line,
                    path,  # the file of the sink: one finding whichever file reached it
                    f"{raw.message} (in {where})",
                    key,
                    end_line=raw.end_line,
                    flow=_flow(raw.source, raw.chain[:-1], sink),
                )
                fingerprint = hit.finding().fingerprint
                line = seen.setdefault(fingerprint, raw.line)
                if line == raw.line:
                    break  # new, or the same finding again (findings_from keeps one)
                # the same flow in another definition of the same name (two views
                # both called `download`): a finding of its own
                n += 1
                key = f"{raw.key}|def{n}"
            yield hit


class CodeAnalyzer:
    name = ANALYZER

    def __init__(self, processes: int | None = None) -> None:
        self._processes = processes

    def rules(self) -> Sequence[Rule]:
        return ALL_RULES

    def analyze(self, target: ScanTarget) -> AnalyzerOutput:
        tree = target.tree
        files = [f for f in tree.files if f.rel.endswith(".py")]
        index = build_index([f.rel for f in files])
        max_bytes = target.settings.max_file_bytes
        jobs = [(f.rel, f.size) for f in files]
        processes = self._processes or worker_count()
        results: list[FileResult]
        if processes > 1 and len(jobs) >= PARALLEL_MIN_FILES:
            results = self._parallel(tree.root, index, max_bytes, jobs, processes)
        else:
            project = Project(tree.root, index, max_bytes)
            results = [_analyze_file(project, rel, size) for rel, size in jobs]
        skipped = [Skipped(rel, reason) for rel, _, reason in results if reason is not None]
        scanned = frozenset(rel for rel, _, reason in results if reason is None)
        return AnalyzerOutput(
            findings=tuple(findings_from(_hits(results))),
            skipped=tuple(skipped),
            checked={Control.CODE: scanned, Control.ENCRYPTION: scanned} if scanned else {},
        )

    @staticmethod
    def _parallel(
        root: Path,
        index: dict[str, str],
        max_bytes: int,
        jobs: list[tuple[str, int]],
        processes: int,
    ) -> list[FileResult]:
        # Big files first so that no worker is left with a long tail.
        ordered = sorted(jobs, key=lambda j: -j[1])
        chunks = [ordered[i : i + CHUNK_FILES] for i in range(0, len(ordered), CHUNK_FILES)]
        out = isolated_map(
            _analyze_job,
            chunks,
            processes,
            _worker_died,
            _init_worker,
            (str(root), index, max_bytes),
        )
        out.sort(key=lambda r: r[0])
        return out
