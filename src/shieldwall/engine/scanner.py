"""Scanner: walk once, run the chosen analyzers (a crash in one never stops the
others), then apply inline suppressions, exceptions and the baseline."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from shieldwall.analyzers.base import Analyzer, ScanTarget
from shieldwall.engine.analyzers import select
from shieldwall.engine.baseline import apply_baseline, load_baseline
from shieldwall.engine.exceptions import apply_exceptions
from shieldwall.engine.fingerprint_key import scan_key
from shieldwall.engine.inline import apply_inline
from shieldwall.engine.project_config import ProjectConfig, find_config, load_config
from shieldwall.errors import UsageError
from shieldwall.model import (
    Control,
    Finding,
    Rule,
    ScanResult,
    Scorecard,
    ServiceMap,
    Skipped,
)
from shieldwall.sources.tree import walk


@dataclass(frozen=True, slots=True)
class ScanOptions:
    analyzers: str | None = None
    excludes: tuple[str, ...] = ()
    baseline: Path | None = None
    # The baseline being created (its fingerprint key is looked for, or made, beside it).
    new_baseline: Path | None = None
    config: Path | None = None
    max_file_bytes: int | None = None
    today: dt.date | None = None
    verbose: bool = False
    history: bool = False
    since: str | None = None
    verify: bool = False
    offline: bool = False


@dataclass
class Scan:
    """A finished scan: the result plus the project configuration that shaped it."""

    result: ScanResult
    config: ProjectConfig
    root: Path
    analyzers: list[Analyzer] = field(default_factory=list)


def _project_config(root: Path, explicit: Path | None) -> ProjectConfig:
    if explicit is not None:
        if not explicit.is_file():
            raise UsageError(f"config file {explicit} not found", "check the --config path")
        return load_config(explicit, explicit.name)
    found = find_config(root)
    if found is None:
        return ProjectConfig()
    return load_config(found, found.name)


def _traceback() -> str:
    import traceback  # only on failure: costs start-up time otherwise

    return traceback.format_exc()


def _check_since(root: Path, ref: str) -> None:
    """--since must name a commit of the scanned repository."""
    try:
        probe = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(
            f"--since {ref}: cannot run git ({exc})", "install git or drop --since"
        ) from exc
    if probe.returncode != 0:
        raise UsageError(
            f"--since {ref}: no such commit, branch or tag in {root}",
            "check the ref, and fetch it first (CI clones are often shallow: fetch-depth: 0)",
        )


def run_scan(path: Path, options: ScanOptions | None = None, target_label: str = "") -> Scan:
    options = options or ScanOptions()
    if not path.exists():
        raise UsageError(f"{path} does not exist", "give a directory or file to scan")
    analyzers = select(options.analyzers)
    config = _project_config(path, options.config)
    settings = config.settings
    if options.max_file_bytes is not None:
        settings = replace(settings, max_file_bytes=options.max_file_bytes)
    settings = replace(
        settings,
        history=options.history or options.since is not None,
        since=options.since,
        verify=options.verify,
        offline=options.offline,
    )
    tree = walk(path, excludes=(*config.excludes, *options.excludes))
    if options.since is not None:
        _check_since(tree.root, options.since)
    if any(a.name == "secrets" for a in analyzers):
        key = scan_key(tree.root, options.baseline, options.new_baseline)
        settings = replace(settings, fingerprint_key=key)
    target = ScanTarget(tree, settings)

    findings: list[Finding] = []
    skipped: list[Skipped] = list(tree.skipped)
    errors: list[str] = []
    checked: dict[Control, set[str]] = {}
    gateways: list[str] = []
    gateway_source = ""
    service_map: ServiceMap | None = None
    warnings: list[str] = []
    rules: list[Rule] = []
    for analyzer in analyzers:
        rules.extend(analyzer.rules())
        try:
            output = analyzer.analyze(target)
        except Exception as exc:  # an analyzer's bug must not stop the scan
            detail = _traceback() if options.verbose else f"{type(exc).__name__}: {exc}"
            errors.append(f"analyzer {analyzer.name} failed: {detail}")
            continue
        findings.extend(output.findings)
        skipped.extend(output.skipped)
        for control, ids in output.checked.items():
            checked.setdefault(control, set()).update(ids)
        gateways.extend(output.gateways)
        gateway_source = gateway_source or output.gateway_source
        service_map = service_map or output.service_map
        warnings.extend(output.warnings)

    lines_cache = target.inventory.lines if "config" in {a.name for a in analyzers} else {}

    def lines_of(rel: str) -> Sequence[str] | None:
        if rel in lines_cache:
            return lines_cache[rel]
        try:
            return (tree.root / rel).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return None

    findings = apply_inline(findings, lines_of)
    if config.exceptions:
        findings = apply_exceptions(
            findings, config.exceptions, config.path, options.today or dt.date.today()
        )
    if options.baseline is not None:
        findings = apply_baseline(findings, load_baseline(options.baseline))

    findings.sort(key=lambda f: (f.location.path, f.location.start_line, f.rule.id, f.key))
    result = ScanResult(
        target=target_label or str(path),
        findings=tuple(findings),
        skipped=tuple(dict.fromkeys(skipped)),
        rules=tuple(dict.fromkeys([*rules, *(f.rule for f in findings)])),
        analyzers=tuple(a.name for a in analyzers),
        scorecard=Scorecard({c: frozenset(ids) for c, ids in checked.items()}),
        gateways=tuple(gateways),
        gateway_source=gateway_source,
        errors=tuple(errors),
        files_scanned=len(tree.files),
        service_map=service_map,
        warnings=tuple(dict.fromkeys(warnings)),
    )
    return Scan(result, config, tree.root, analyzers)
