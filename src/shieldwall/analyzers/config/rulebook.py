"""A shorthand to declare config rules."""

from __future__ import annotations

from shieldwall.model import Control, Rule, Severity


def config_rule(
    id: str,
    control: Control,
    severity: Severity,
    title: str,
    description: str,
    remediation: str,
    applies_to: tuple[str, ...],
    cwe: tuple[str, ...] = (),
    references: tuple[str, ...] = (),
) -> Rule:
    return Rule(
        id=id,
        analyzer="config",
        control=control,
        severity=severity,
        title=title,
        description=description,
        remediation=remediation,
        applies_to=applies_to,
        cwe=cwe,
        references=references,
    )
