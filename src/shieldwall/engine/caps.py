"""At most so many findings of one rule in one file: a file that repeats a
mistake thousands of times (generated or hostile) must not make the report, and
every format after it, grow with it. The findings over the limit are replaced by
one summary finding of the same rule, so the gate still sees that the rule fired."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from shieldwall.model import Control, Finding, Location

# Findings of one rule listed per file; the rest are summed up in one finding.
FINDINGS_PER_FILE_RULE = 100
SUMMARY_KEY = "more-findings-not-listed"


@dataclass(frozen=True, slots=True)
class Capped:
    findings: list[Finding]
    # Per control, the resources that unlisted unsuppressed findings fail (the
    # scorecard still counts them).
    unlisted_failing: dict[Control, frozenset[str]] = field(default_factory=dict)


def cap_findings(findings: Sequence[Finding], limit: int | None) -> Capped:
    """The findings with at most `limit` per (file, rule), unsuppressed ones first,
    plus a summary finding per capped (file, rule): same rule and severity, counted
    by the gate unless every finding it stands for is suppressed. None: no limit."""
    if limit is None:
        return Capped(list(findings))
    failing: dict[Control, set[str]] = {}
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.location.path, f.rule.id), []).append(f)
    out: list[Finding] = []
    for (path, rule_id), group in groups.items():
        if len(group) <= limit:
            out.extend(group)
            continue
        group.sort(key=lambda f: (f.suppressed, f.location.start_line, f.resource, f.key))
        kept, rest = group[:limit], group[limit:]
        out.extend(kept)
        for f in rest:
            if not f.suppressed:
                failing.setdefault(f.rule.control, set()).add(f.resource)
        active = [f for f in rest if not f.suppressed]
        first = min(active or rest, key=lambda f: f.location.start_line)
        summary = Finding(
            rule=first.rule,
            message=f"{len(rest)} more {rule_id} findings in {path} not listed "
            f"(at most {limit} of one rule per file are reported)",
            location=Location.at(path, first.location.start_line),
            resource=first.resource,  # where the unlisted ones start
            key=SUMMARY_KEY,
        )
        if not active:
            summary = summary.suppress(
                first.suppression.kind if first.suppression else "baseline",
                f"every one of the {len(rest)} findings is suppressed",
            )
        out.append(summary)
    return Capped(out, {c: frozenset(ids) for c, ids in failing.items()})
