"""How the code analyzer declares a rule: `code_rule`, the shorthand of
`analyzers.hits.rule` that fills in the analyzer, the language and the CWE links.

The rules themselves are declared beside what reports them: the taint rules with
their sink classes in `catalog/taint_rules.py`, the pattern rules beside their checks in
`patterns.py`."""

from __future__ import annotations

from shieldwall.analyzers.hits import rule
from shieldwall.model import Control, Rule, Severity

ANALYZER = "code"
OWASP = "https://owasp.org/www-community/attacks/"
_CWE = "https://cwe.mitre.org/data/definitions/{}.html"

H, M, L = Severity.HIGH, Severity.MEDIUM, Severity.LOW


def code_rule(
    *,
    id: str,
    severity: Severity,
    title: str,
    description: str,
    remediation: str,
    cwe: tuple[str, ...],
    control: Control = Control.CODE,
    references: tuple[str, ...] = (),
) -> Rule:
    """A code rule, every field named; its CWE pages come first in its references."""
    return rule(
        id=id,
        analyzer=ANALYZER,
        control=control,
        severity=severity,
        title=title,
        description=description,
        remediation=remediation,
        applies_to=("python",),
        cwe=cwe,
        references=tuple(_CWE.format(c.split("-")[1]) for c in cwe) + references,
    )
