"""Scanner: walk once, run the chosen analyzers (a crash in one never stops the
others), then apply inline suppressions, exceptions and the baseline."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from shieldwall.analyzers.base import Analyzer, ScanTarget
from shieldwall.engine.analyzers import select
from shieldwall.engine.baseline import apply_baseline, load_baseline
from shieldwall.engine.caps import FINDINGS_PER_FILE_RULE, cap_findings
from shieldwall.engine.diff_base import keep_changed
from shieldwall.engine.exceptions import apply_decisions, apply_exceptions
from shieldwall.engine.fingerprint_key import scan_key
from shieldwall.engine.gate import database_warnings, threshold, verdict
from shieldwall.engine.inline import apply_inline
from shieldwall.engine.overlap import merge_overlaps
from shieldwall.engine.project_config import ProjectConfig, find_config, load_config
from shieldwall.engine.redaction import redact_result
from shieldwall.engine.rule_ids import check_patterns, select_rules
from shieldwall.engine.rules import rule_ids
from shieldwall.errors import SourceError, UsageError
from shieldwall.model import (
    Control,
    FileSelection,
    Finding,
    PolicySource,
    Rule,
    ScanResult,
    Scorecard,
    ServiceMap,
    Settings,
    Skipped,
)
from shieldwall.model.progress import Progress, no_progress
from shieldwall.sources.changes import changed_lines
from shieldwall.sources.git import resolve_commit
from shieldwall.sources.safe_files import read_bounded
from shieldwall.sources.tree import FileTree, walk
from shieldwall.system.kustomize_build import relocate


@dataclass(frozen=True, slots=True)
class ScanOptions:
    analyzers: str | None = None
    excludes: tuple[str, ...] = ()
    baseline: Path | None = None
    # The baseline being created (its fingerprint key is looked for, or made, beside it).
    new_baseline: Path | None = None
    config: Path | None = None
    # False: ignore the scanned repository's .shieldwall.yaml and its inline comments.
    repo_config: bool = True
    max_file_bytes: int | None = None
    today: dt.date | None = None
    verbose: bool = False
    history: bool = False
    since: str | None = None
    verify: bool = False
    offline: bool = False
    # The gate's threshold (a severity or "none"; None: the config's, else high) and the
    # oldest vulnerability database accepted (None: the config's, else the default).
    fail_on: str | None = None
    max_db_age_days: float | None = None
    # POSIX paths under the root: analyse only the files at or under them (empty: all).
    only: tuple[str, ...] = ()
    # Findings of one rule listed per file (the rest summed up); None: all of them.
    max_per_file_rule: int | None = FINDINGS_PER_FILE_RULE
    # Report only the findings on lines changed since this git ref's merge base.
    diff_base: str | None = None
    # Rule ids or globs: report only these (empty: all), and never those.
    rules: tuple[str, ...] = ()
    skip_rules: tuple[str, ...] = ()
    # Triage pulled from a findings service (`scan --server`): fingerprint -> reason.
    server_decisions: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Scan:
    """A finished scan: the result plus the project configuration that shaped it."""

    result: ScanResult
    config: ProjectConfig
    root: Path
    analyzers: list[Analyzer] = field(default_factory=list)


def _project_config(root: Path, explicit: Path | None, repo_config: bool) -> ProjectConfig:
    """The config that applies: the file named by --config (the CI's own, origin
    "cli") instead of the repository's, or the repository's unless told to ignore it."""
    if explicit is not None:
        if not explicit.exists():
            raise UsageError(f"config file {explicit} not found", "check the --config path")
        return replace(load_config(explicit, explicit.name, trusted=True), origin="cli")
    found = find_config(root) if repo_config else None
    if found is None:
        return ProjectConfig()
    return load_config(found, found.name)


def _fail_on_text(config: ProjectConfig) -> str | None:
    if not config.fail_on_set:
        return None
    return config.fail_on.value if config.fail_on is not None else "none"


def _set_by(config: ProjectConfig) -> PolicySource:
    """What a loaded config file sets (before anything is counted)."""
    size = config.settings.max_file_bytes
    return PolicySource(
        config=config.path,
        excludes=config.excludes,
        exceptions=len(config.exceptions),
        max_file_size=size if size != Settings().max_file_bytes else None,
        fail_on=_fail_on_text(config),
        require_db=None if config.settings.require_db else False,
        max_db_age_days=_changed(config.settings.max_db_age_days, Settings().max_db_age_days),
    )


def _changed(value: float, default: float) -> float | None:
    return None if value == default else value


def _policies(
    path: Path,
    config: ProjectConfig,
    options: ScanOptions,
    tree: FileTree,
    findings: Sequence[Finding],
) -> tuple[PolicySource, PolicySource]:
    """(command line, repository): what each set, left out and suppressed."""
    kinds = Counter(f.suppression.kind for f in findings if f.suppression is not None)
    loaded = _set_by(config) if config.path else PolicySource()
    by_cli = config.origin == "cli"
    cli, repo = (loaded, PolicySource()) if by_cli else (PolicySource(), loaded)
    cli = replace(
        cli,
        config=str(options.config) if options.config is not None else "",
        excludes=(*options.excludes, *cli.excludes),
        files_excluded=tree.left_out["exclude"],
        max_file_size=options.max_file_bytes or cli.max_file_size,
        baseline=str(options.baseline) if options.baseline is not None else "",
        require_db=False if options.offline else cli.require_db,
        max_db_age_days=options.max_db_age_days or cli.max_db_age_days,
        suppressed={
            "exception": kinds["exception"] if by_cli else 0,
            "baseline": kinds["baseline"],
            **({"server": kinds["server"]} if options.server_decisions else {}),
        },
    )
    if not repo.config:
        # Not loaded (--config or --no-repo-config): say whether there was one to ignore.
        found = find_config(path)
        repo = replace(repo, config=found.name if found else "", applied=False)
    repo = replace(
        repo,
        files_excluded=tree.left_out["repository-exclude"],
        inline_ignores_applied=options.repo_config,
        suppressed={"inline": kinds["inline"], "exception": 0 if by_cli else kinds["exception"]},
    )
    return cli, repo


def _traceback() -> str:
    import traceback  # only on failure: costs start-up time otherwise

    return traceback.format_exc()


def _check_since(root: Path, ref: str) -> None:
    """--since must name a commit of the scanned repository."""
    try:
        sha = resolve_commit(root, ref)
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(
            f"--since {ref}: cannot run git ({exc})", "install git or drop --since"
        ) from exc
    if sha is None:
        raise UsageError(
            f"--since {ref}: no such commit, branch or tag in {root}",
            "check the ref, and fetch it first (CI clones are often shallow: fetch-depth: 0)",
        )


def _selected(rel: str, only: Sequence[str]) -> bool:
    return any(p in (".", "") or rel == p or rel.startswith(p + "/") for p in only)


def _settings(settings: Settings, options: ScanOptions) -> Settings:
    """The configuration file's settings with the command line's over them."""
    if options.max_file_bytes is not None:
        settings = replace(settings, max_file_bytes=options.max_file_bytes)
    return replace(
        settings,
        history=options.history or options.since is not None,
        since=options.since,
        verify=options.verify,
        offline=options.offline,
        require_db=settings.require_db and not options.offline,
        max_db_age_days=options.max_db_age_days or settings.max_db_age_days,
    )


def _walk(path: Path, options: ScanOptions, config: ProjectConfig, report: Progress) -> FileTree:
    """The files to scan: the excludes applied, narrowed to the paths given."""
    by_repo = config.origin == "repository"
    tree = walk(
        path,
        excludes=(*options.excludes, *(() if by_repo else config.excludes)),
        repo_excludes=config.excludes if by_repo else (),
        on_files=lambda n: report(f"walking files: {n}"),
    )
    if options.only:
        tree.files = [f for f in tree.files if _selected(f.rel, options.only)]
    if options.since is not None:
        _check_since(tree.root, options.since)
    return tree


@dataclass(frozen=True, slots=True)
class _Outputs:
    """What every analyzer gave, together (an analyzer that failed gives an error)."""

    findings: list[Finding]
    skipped: list[Skipped]
    errors: list[str]
    checked: dict[Control, set[str]]
    gateways: list[str]
    gateway_source: str
    service_map: ServiceMap | None
    warnings: list[str]
    rules: list[Rule]


def _run_analyzers(
    analyzers: list[Analyzer], target: ScanTarget, verbose: bool, report: Progress
) -> _Outputs:
    out = _Outputs([], [], [], {}, [], "", None, [], [])
    gateway_source, service_map = "", None
    for analyzer in analyzers:
        report(f"analyzer {analyzer.name} ({analyzers.index(analyzer) + 1}/{len(analyzers)})")
        out.rules.extend(analyzer.rules())
        try:
            output = analyzer.analyze(target)
        except UsageError:  # the environment is wrong (a corrupt database): no report is right
            raise
        except Exception as exc:  # an analyzer's bug must not stop the scan
            detail = _traceback() if verbose else f"{type(exc).__name__}: {exc}"
            out.errors.append(f"analyzer {analyzer.name} failed: {detail}")
            continue
        inventory = target.__dict__.get("inventory")  # read by this analyzer, or before
        found = list(output.findings)
        out.findings.extend(found if inventory is None else relocate(found, inventory))
        out.skipped.extend(output.skipped)
        for control, ids in output.checked.items():
            out.checked.setdefault(control, set()).update(ids)
        out.gateways.extend(output.gateways)
        gateway_source = gateway_source or output.gateway_source
        service_map = service_map or output.service_map
        out.warnings.extend(output.warnings)
    return replace(out, gateway_source=gateway_source, service_map=service_map)


def _suppress(
    findings: list[Finding],
    options: ScanOptions,
    config: ProjectConfig,
    lines_of: Callable[[str], Sequence[str] | None],
) -> list[Finding]:
    """Inline ignores, exceptions, the baseline, the service's triage and the rule
    selection applied; one finding per secret value across analyzers."""
    if options.repo_config:
        findings = apply_inline(findings, lines_of, rule_ids)
    if config.exceptions:
        findings = apply_exceptions(
            findings,
            config.exceptions,
            config.path,
            options.today or dt.date.today(),
            rule_ids(),
        )
    if options.baseline is not None:
        findings = apply_baseline(findings, load_baseline(options.baseline))
    if options.server_decisions:
        findings = apply_decisions(findings, options.server_decisions)
    if options.rules or options.skip_rules:
        findings = select_rules(findings, options.rules, options.skip_rules)
    return merge_overlaps(findings)  # one finding per secret value across analyzers


def run_scan(
    path: Path,
    options: ScanOptions | None = None,
    target_label: str = "",
    progress: Progress | None = None,
) -> Scan:
    """`progress` is told what the scan is doing (files walked, the analyzer running)."""
    options = options or ScanOptions()
    report = progress or no_progress
    if not path.exists():
        raise UsageError(f"{path} does not exist", "give a directory or file to scan")
    report("loading analyzers")
    analyzers = select(options.analyzers)
    if options.rules or options.skip_rules:
        check_patterns("--rule", options.rules, rule_ids())
        check_patterns("--skip-rule", options.skip_rules, rule_ids())
    config = _project_config(path, options.config, options.repo_config)
    settings = _settings(config.settings, options)
    tree = _walk(path, options, config, report)
    if any(a.name == "secrets" for a in analyzers):
        key = scan_key(tree.root, options.baseline, options.new_baseline)
        settings = replace(settings, fingerprint_key=key)
    changes = changed_lines(tree.root, options.diff_base) if options.diff_base else None
    target = ScanTarget(tree, settings, report)
    out = _run_analyzers(analyzers, target, options.verbose, report)
    warnings = [*tree.warnings, *out.warnings]
    lines_cache = target.inventory.lines if "config" in {a.name for a in analyzers} else {}

    def lines_of(rel: str) -> Sequence[str] | None:
        if rel in lines_cache:
            return lines_cache[rel]
        try:  # a path from git history may now be a FIFO, a device or a link out
            data = read_bounded(tree.root / rel, settings.max_file_bytes, root=tree.root)
        except SourceError:
            return None
        return data.decode("utf-8", errors="replace").splitlines()

    findings = _suppress(out.findings, options, config, lines_of)
    findings, diff_base = keep_changed(findings, changes)
    capped = cap_findings(findings, options.max_per_file_rule)
    findings = capped.findings

    findings.sort(key=lambda f: (f.location.path, f.location.start_line, f.rule.id, f.key))
    command_line, repository = _policies(path, config, options, tree, findings)
    fail_on, gate_warning = threshold(options.fail_on, config)
    if gate_warning:
        warnings.append(gate_warning)
    warnings.extend(database_warnings(config, options.offline, options.max_db_age_days is not None))
    result = ScanResult(
        target=target_label or str(path),
        findings=tuple(findings),
        skipped=tuple(dict.fromkeys([*tree.skipped, *out.skipped])),
        rules=tuple(dict.fromkeys([*out.rules, *(f.rule for f in findings)])),
        analyzers=tuple(a.name for a in analyzers),
        scorecard=Scorecard(
            {c: frozenset(ids) for c, ids in out.checked.items()}, capped.unlisted_failing
        ),
        gateways=tuple(out.gateways),
        gateway_source=out.gateway_source,
        errors=tuple(out.errors),
        files_scanned=len(tree.files),
        service_map=out.service_map,
        warnings=tuple(dict.fromkeys(warnings)),
        selection=FileSelection(
            tracked_by_git=tree.tracked_by_git,
            note=tree.selection_note,
            files_gitignored=tree.left_out["gitignore"],
        ),
        command_line=command_line,
        repository=repository,
        diff_base=diff_base,
        gate=verdict(findings, list(out.errors), fail_on),
    )
    return Scan(redact_result(result), config, tree.root, analyzers)
