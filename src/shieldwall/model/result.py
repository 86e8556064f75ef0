"""The outcome of one scan."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from shieldwall.model.finding import Finding, Skipped
from shieldwall.model.rule import Rule
from shieldwall.model.service_map import ServiceMap
from shieldwall.model.taxonomy import Control, Severity


@dataclass(frozen=True, slots=True)
class Scorecard:
    """Per control: the resources a rule of that control looked at, and those failing."""

    checked: dict[Control, frozenset[str]] = field(default_factory=dict)
    # Failing resources whose findings are not listed (over the per-file limit).
    unlisted_failing: dict[Control, frozenset[str]] = field(default_factory=dict)

    def failing(self, findings: tuple[Finding, ...], control: Control) -> frozenset[str]:
        listed = frozenset(
            f.resource for f in findings if f.rule.control is control and not f.suppressed
        )
        return listed | self.unlisted_failing.get(control, frozenset())


SUPPRESSION_KINDS = ("inline", "exception", "baseline")


@dataclass(frozen=True, slots=True)
class PolicySource:
    """What one origin of the scan's policy set, and what that left out or suppressed.

    Two origins: the command line (flags and an explicit `--config FILE`: the CI's
    own policy) and the scanned repository (its `.shieldwall.yaml` and inline
    comments), which a pull request can change."""

    config: str = ""  # the config file, as named; "" when there is none
    applied: bool = True  # False: the file is there but was not used
    excludes: tuple[str, ...] = ()
    files_excluded: int = 0  # files these excludes left out (and no earlier one did)
    exceptions: int = 0  # exception entries in the config file
    max_file_size: int | None = None
    fail_on: str | None = None  # a severity, or "none"; None when not set
    baseline: str = ""  # command line only
    require_db: bool | None = None  # False: scan without a vulnerability database; None: not set
    max_db_age_days: float | None = None  # the oldest database accepted; None: not set
    inline_ignores_applied: bool = True  # repository only: inline comments honoured
    suppressed: dict[str, int] = field(default_factory=dict)  # findings, by suppression kind


@dataclass(frozen=True, slots=True)
class FileSelection:
    """How the files to scan were chosen."""

    tracked_by_git: bool = False  # git listed them: .gitignore spared tracked files
    note: str = ""  # why git's list was not used
    files_gitignored: int = 0  # files .gitignore left out


@dataclass(frozen=True, slots=True)
class DiffBase:
    """`--diff-base REF`: only findings on lines changed since REF's merge base."""

    ref: str
    merge_base: str  # full commit id
    files_changed: int = 0
    findings_left_out: int = 0  # on lines the change did not touch


@dataclass(frozen=True, slots=True)
class Gate:
    """The release gate's verdict: `fail_on` None means no threshold (`none`).

    `failed`: an active finding at or above the threshold (`counts`, by severity),
    or an analyzer failed: a scan with errors never passes."""

    fail_on: Severity | None = Severity.HIGH
    failed: bool = False
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScanResult:
    target: str
    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...] = ()
    rules: tuple[Rule, ...] = ()
    analyzers: tuple[str, ...] = ()
    scorecard: Scorecard = field(default_factory=Scorecard)
    gateways: tuple[str, ...] = ()
    gateway_source: str = ""
    errors: tuple[str, ...] = ()
    files_scanned: int = 0
    service_map: ServiceMap | None = None
    warnings: tuple[str, ...] = ()
    selection: FileSelection = field(default_factory=FileSelection)
    command_line: PolicySource = field(default_factory=PolicySource)
    repository: PolicySource = field(default_factory=PolicySource)
    diff_base: DiffBase | None = None
    gate: Gate = field(default_factory=Gate)

    @property
    def active(self) -> tuple[Finding, ...]:
        """Findings that count: not suppressed by an inline comment, exception or baseline."""
        return tuple(f for f in self.findings if not f.suppressed)

    def by_severity(self) -> dict[str, int]:
        counts = Counter(f.rule.severity for f in self.active)
        return {s.value: counts[s] for s in Severity if counts[s]}

    def by_control(self) -> dict[str, int]:
        counts = Counter(f.rule.control for f in self.active)
        return {c.value: counts[c] for c in Control if counts[c]}

    def suppression_counts(self) -> dict[str, int]:
        """Suppressed findings by kind; the three usual kinds are always present."""
        counts = Counter(f.suppression.kind for f in self.findings if f.suppression is not None)
        return {**{k: counts[k] for k in SUPPRESSION_KINDS}, **counts}

    def left_out_text(self) -> str:
        """`3 by the repository's excludes, 1 by --exclude, ...`; "" when nothing was."""
        parts = []
        if self.repository.files_excluded:
            name = self.repository.config or "the repository's config"
            parts.append(f"{self.repository.files_excluded} by the excludes of {name}")
        if self.command_line.files_excluded:
            parts.append(f"{self.command_line.files_excluded} by excludes given to the command")
        if self.selection.files_gitignored:
            untracked = " (untracked)" if self.selection.tracked_by_git else ""
            parts.append(f"{self.selection.files_gitignored}{untracked} by .gitignore")
        return ", ".join(parts)
