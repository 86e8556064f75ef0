"""The dependency analyzer: lock files and requirements of every ecosystem,
unpinned requirements, and known vulnerabilities through the OSV matcher."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from shieldwall.analyzers.base import AnalyzerOutput, ScanTarget
from shieldwall.analyzers.deps.lockfiles import Dependencies, collect
from shieldwall.analyzers.deps.osv import findings as osv_findings
from shieldwall.analyzers.deps.osv.matcher import VulnerabilityMatcher, open_default_matcher
from shieldwall.analyzers.deps.unpinned import (
    ANALYZER,
    DEPS_UNPINNED,
    unpinned_hit,
    unpinned_resource,
)
from shieldwall.analyzers.hits import Hit, findings_from
from shieldwall.model import Control, Rule, Settings, Skipped

# Settings -> (matcher or None, warning or ""): the local OSV database by default.
MatcherOpener = Callable[[Settings], tuple[VulnerabilityMatcher | None, str]]


class DepsAnalyzer:
    name = ANALYZER

    def __init__(self, open_matcher: MatcherOpener = open_default_matcher) -> None:
        self._open_matcher = open_matcher

    def rules(self) -> Sequence[Rule]:
        return (DEPS_UNPINNED, *osv_findings.RULES)

    def analyze(self, target: ScanTarget) -> AnalyzerOutput:
        deps = collect(target.tree, target.settings.max_file_bytes)
        hits: list[Hit] = [unpinned_hit(u) for u in deps.unpinned]
        skipped = list(deps.skipped)
        pinned = [c for c in deps.components if c.pinned]
        warnings: list[str] = []
        if pinned:
            matcher, warning = self._open_matcher(target.settings)
            if warning:
                warnings.append(warning)
            if matcher is None:
                skipped.append(_not_matched(deps, warning))
            else:
                hits.extend(osv_findings.advisory_hit(c, a) for c, a in matcher.match(pinned))
        checked = frozenset(
            {c.purl for c in deps.components} | {unpinned_resource(u) for u in deps.unpinned}
        )
        return AnalyzerOutput(
            findings=tuple(findings_from(hits)),
            skipped=tuple(skipped),
            checked={Control.SUPPLY_CHAIN: checked} if checked else {},
            warnings=tuple(warnings),
        )


def _not_matched(deps: Dependencies, warning: str) -> Skipped:
    where = deps.lock_files[0] if len(deps.lock_files) == 1 else "."
    why = warning or "no vulnerability database: run `shieldwall db update`"
    return Skipped(where, f"dependencies not checked for known vulnerabilities: {why}")
