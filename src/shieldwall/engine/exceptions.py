"""Exceptions from `.shieldwall.yaml`: accepted risks with a reason and an expiry.

An exception that has expired stops suppressing, and is itself reported."""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Collection, Mapping, Sequence

from shieldwall.engine.project_config import ExceptionEntry
from shieldwall.engine.rule_ids import known, unknown_rule_finding
from shieldwall.model import Control, Finding, Location, Rule, Severity

EXPIRED_RULE_ID = "EXCEPTION-EXPIRED"


def expired_rule(control: Control) -> Rule:
    return Rule(
        id=EXPIRED_RULE_ID,
        analyzer="config",
        control=control,
        severity=Severity.LOW,
        title="Exception has expired",
        description="An accepted risk in .shieldwall.yaml is past its expiry date; the findings "
        "it covered count against the gate again.",
        remediation="Fix the findings, or review the risk and extend `expires` with a new reason.",
    )


def _matches(entry: ExceptionEntry, f: Finding) -> bool:
    return (
        f.rule.named_by(entry.rule)
        and fnmatch.fnmatchcase(f.location.path, entry.path)
        and fnmatch.fnmatchcase(f.resource, entry.resource)
    )


def apply_exceptions(
    findings: Sequence[Finding],
    entries: Sequence[ExceptionEntry],
    config_path: str,
    today: dt.date,
    rule_ids: Collection[str] | None = None,
) -> list[Finding]:
    """Suppress findings covered by a live exception; report each expired one, and
    with `rule_ids` (every rule id there is) each whose rule matches none of them."""
    live = [e for e in entries if e.expires is None or e.expires >= today]
    expired = [e for e in entries if e.expires is not None and e.expires < today]
    out: list[Finding] = []
    for f in findings:
        entry = None if f.suppressed else next((e for e in live if _matches(e, f)), None)
        out.append(f.suppress("exception", entry.reason) if entry else f)
    for e in expired:
        covered = [f for f in findings if _matches(e, f)]
        control = covered[0].rule.control if covered else Control.SUPPLY_CHAIN
        out.append(
            Finding(
                rule=expired_rule(control),
                message=f"exception for {e.rule} (path {e.path}, resource {e.resource}) expired "
                f"on {e.expires}; {len(covered)} finding(s) count again. Reason given: {e.reason}",
                location=Location.at(config_path, e.line or 1),
                resource=f"exception/{e.rule}",
                key=f"{e.rule}|{e.path}|{e.resource}",
            )
        )
    if rule_ids is not None:
        out.extend(
            unknown_rule_finding(e.rule, config_path, e.line, rule_ids)
            for e in entries
            if not known(e.rule, rule_ids)
        )
    return out


def apply_decisions(findings: Sequence[Finding], decisions: Mapping[str, str]) -> list[Finding]:
    """Suppress the findings a findings service's triage covers (fingerprint -> reason):
    false positives and accepted risks not yet expired, as `scan --server` pulled them."""
    return [
        f.suppress("server", decisions[f.fingerprint])
        if not f.suppressed and f.fingerprint in decisions
        else f
        for f in findings
    ]
