"""Rule metadata: what a rule checks, why it matters and how to fix it."""

from __future__ import annotations

import fnmatch
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
    # Ids of retired or narrowed rules whose findings this rule now reports: a
    # suppression, `--rule`/`--skip-rule` or baseline entry naming one of them
    # exactly applies to this rule's findings too, so users' suppressions keep working.
    former_ids: tuple[str, ...] = ()

    def named_by(self, pattern: str) -> bool:
        """Does an id or glob (upper case) name this rule, or one of its former ids?"""
        return fnmatch.fnmatchcase(self.id, pattern) or pattern in self.former_ids

    def __post_init__(self) -> None:
        if not self.id or self.id.upper() != self.id or " " in self.id:
            raise ValueError(f"rule id {self.id!r} must be upper-case with no spaces")
