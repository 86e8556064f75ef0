"""How the Dockerfile rules are declared: the shorthand and the documentation they cite."""

from __future__ import annotations

from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity

_REF = "https://docs.docker.com/reference/dockerfile/"
_PRACTICES = "https://docs.docker.com/build/building/best-practices/"
_DF = ("dockerfile",)


def _rule(
    *,
    id: str,
    control: Control,
    severity: Severity,
    title: str,
    description: str,
    remediation: str,
    cwe: tuple[str, ...] = (),
    references: tuple[str, ...] = (_PRACTICES,),
) -> Rule:
    return config_rule(
        id=id,
        control=control,
        severity=severity,
        title=title,
        description=description,
        remediation=remediation,
        applies_to=_DF,
        cwe=cwe,
        references=references,
    )
