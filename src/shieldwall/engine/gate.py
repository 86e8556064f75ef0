"""The release gate: which threshold applies, and does anything unsuppressed
stand at or above it? The verdict goes into the report; the command line turns
it into an exit code."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from shieldwall.engine.project_config import ProjectConfig
from shieldwall.model import Finding, Gate, ScanResult, Settings, Severity
from shieldwall.model.settings import age_text

DEFAULT_FAIL_ON = Severity.HIGH


def threshold(fail_on: str | None, config: ProjectConfig) -> tuple[Severity | None, str]:
    """(threshold, warning): `--fail-on` wins over the config's `fail_on`, then high.

    None is no threshold (`none`); the warning says when the scanned repository
    itself turned the gate off."""
    if fail_on is not None:
        return (None if fail_on.lower() == "none" else Severity.parse(fail_on)), ""
    if not config.fail_on_set:
        return DEFAULT_FAIL_ON, ""
    if config.fail_on is None and config.origin == "repository":
        return None, (
            f"the scanned repository's {config.path} turns the gate off "
            "(fail_on: none); give --fail-on or --no-repo-config to decide it yourself"
        )
    return config.fail_on, ""


def verdict(findings: Sequence[Finding], errors: Sequence[str], fail_on: Severity | None) -> Gate:
    """Active findings at or above `fail_on`, by severity; failed also when an analyzer did."""
    counts: Counter[Severity] = Counter()
    if fail_on is not None:
        counts.update(
            f.rule.severity
            for f in findings
            if not f.suppressed and f.rule.severity.rank >= fail_on.rank
        )
    by_severity = {s.value: counts[s] for s in Severity if counts[s]}
    return Gate(fail_on=fail_on, failed=bool(by_severity or errors), counts=by_severity)


def gate_fails(result: ScanResult, fail_on: Severity | None) -> bool:
    if fail_on is None:
        return False
    return any(f.rule.severity.rank >= fail_on.rank for f in result.active)


def database_warnings(config: ProjectConfig, options_offline: bool, age_given: bool) -> list[str]:
    """Warnings when the scanned repository's own config relaxes the vulnerability
    database check (a pull request can add them): `require_db: false`, or a
    `max_db_age` over the default, unless the command line already decided."""
    if config.origin != "repository" or not config.path:
        return []
    deps = config.settings
    default = Settings()
    warnings = []
    decide = "give --no-repo-config or --config to decide it yourself"
    if not deps.require_db and not options_offline:
        warnings.append(
            f"the scanned repository's {config.path} lets the scan go on without a usable "
            f"vulnerability database (deps: require_db: false); {decide}"
        )
    elif deps.max_db_age_days > default.max_db_age_days and not age_given:
        warnings.append(
            f"the scanned repository's {config.path} accepts a vulnerability database up to "
            f"{age_text(deps.max_db_age_days)} old (deps: max_db_age, default "
            f"{age_text(default.max_db_age_days)}); give --max-db-age or --no-repo-config "
            "to decide it yourself"
        )
    return warnings
