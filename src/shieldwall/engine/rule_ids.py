"""Rule ids as people type them: `--rule`/`--skip-rule` globs, exception rules and
inline `ignore[...]` lists, checked against the rules that exist.

A typo in an exception or an inline comment would otherwise suppress nothing
without a word; it is reported as its own finding (`SHIELDWALL-UNKNOWN-RULE`).
A typo on the command line is a usage error naming the closest ids."""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Collection, Sequence

from shieldwall.errors import UsageError
from shieldwall.model import Control, Finding, Location, Rule, Severity

UNKNOWN_RULE_ID = "SHIELDWALL-UNKNOWN-RULE"


def unknown_rule(control: Control = Control.SUPPLY_CHAIN) -> Rule:
    return Rule(
        id=UNKNOWN_RULE_ID,
        analyzer="config",
        control=control,
        severity=Severity.LOW,
        title="Suppression names an unknown rule",
        description="An exception in .shieldwall.yaml or an inline `shieldwall: ignore[...]` "
        "comment names a rule id that no rule has (a typo, or a rule renamed): it suppresses "
        "nothing, so the findings it was meant for still count.",
        remediation="Write the rule id as `shieldwall rules` lists it (ids are upper case), "
        "or remove the suppression.",
    )


def known(pattern: str, ids: Collection[str]) -> bool:
    """Does the id or glob name at least one rule?"""
    if any(c in pattern for c in "*?["):
        return any(fnmatch.fnmatchcase(i, pattern) for i in ids)
    return pattern in ids


def closest(pattern: str, ids: Collection[str]) -> list[str]:
    """Up to three ids that look like `pattern` (case aside)."""
    upper = {i.upper(): i for i in ids}
    return [upper[m] for m in difflib.get_close_matches(pattern.upper(), upper, n=3, cutoff=0.6)]


def _did_you_mean(pattern: str, ids: Collection[str]) -> str:
    near = closest(pattern, ids)
    return f"did you mean {' or '.join(near)}?" if near else ""


def unknown_rule_finding(pattern: str, path: str, line: int, ids: Collection[str]) -> Finding:
    """The finding for a suppression at path:line that names no rule."""
    hint = _did_you_mean(pattern, ids)
    return Finding(
        rule=unknown_rule(),
        message=f"no rule has the id {pattern!r}: this suppression suppresses nothing"
        + (f"; {hint}" if hint else ""),
        location=Location.at(path, max(line, 1)),
        resource=f"suppression/{pattern}",
        key=pattern,
    )


def check_patterns(option: str, patterns: Sequence[str], ids: Collection[str]) -> None:
    """Usage error for a `--rule`/`--skip-rule` value that names no rule."""
    for pattern in patterns:
        if not known(pattern.upper(), ids):
            hint = _did_you_mean(pattern, ids) or "list the rule ids with `shieldwall rules`"
            raise UsageError(f"{option} {pattern}: no rule has this id", hint)


def select_rules(
    findings: Sequence[Finding], only: Sequence[str], skip: Sequence[str]
) -> list[Finding]:
    """The findings of the rules `--rule` names (all when none), less `--skip-rule`'s."""
    wanted = [p.upper() for p in only]
    unwanted = [p.upper() for p in skip]
    return [
        f
        for f in findings
        if (not wanted or any(f.rule.named_by(p) for p in wanted))
        and not any(f.rule.named_by(p) for p in unwanted)
    ]
