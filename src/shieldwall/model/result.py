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
