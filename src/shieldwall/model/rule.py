"""Rule metadata: what a rule checks, why it matters and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

from shieldwall.model.taxonomy import Control, Severity


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    analyzer: str
    control: Control
    severity: Severity
    title: str
    description: str
    remediation: str
    applies_to: tuple[str, ...] = ()
    cwe: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    # How often a finding of this rule is a true problem, as measured on a labelled
    # corpus (bench/): "very-high", "high", "medium" or "low"; "" when not measured.
    precision: str = ""

    def __post_init__(self) -> None:
        if not self.id or self.id.upper() != self.id or " " in self.id:
            raise ValueError(f"rule id {self.id!r} must be upper-case with no spaces")
