"""The config analyzer's shorthand to declare a rule (every field named): its
description says which Pod Security Standards profile it breaks and whether it is
opt-in, as `shieldwall rules` shows it."""

from __future__ import annotations

from shieldwall.analyzers.config.profiles import documented
from shieldwall.analyzers.hits import rule
from shieldwall.model import Control, Rule, Severity


def config_rule(
    *,
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
    return rule(
        id=id,
        analyzer="config",
        control=control,
        severity=severity,
        title=title,
        description=documented(id, description),
        remediation=remediation,
        applies_to=applies_to,
        cwe=cwe,
        references=references,
    )
