"""Runs every config rule module over the inventory and builds Findings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from shieldwall.analyzers.base import AnalyzerOutput, ScanTarget
from shieldwall.analyzers.config.context import ConfigContext
from shieldwall.analyzers.config.registry import all_checks, all_rules
from shieldwall.model import Control, Finding, Location, Rule

ANALYZER = "config"


class ConfigAnalyzer:
    name = ANALYZER

    def __init__(self) -> None:
        self._rules = all_rules()
        self._by_id = {r.id: r for r in self._rules}

    def rules(self) -> Sequence[Rule]:
        return self._rules

    def analyze(self, target: ScanTarget) -> AnalyzerOutput:
        inventory = target.inventory
        ctx = ConfigContext(inventory, target.settings)
        findings = self.findings(ctx)
        return AnalyzerOutput(
            findings=tuple(findings),
            skipped=tuple(inventory.skipped),
            checked=self._checked(ctx),
            gateways=tuple(ctx.gateways.describe()),
            gateway_source=ctx.gateways.source,
        )

    def findings(self, ctx: ConfigContext) -> list[Finding]:
        """Every rule's findings over the context's inventory (no suppression applied)."""
        findings: list[Finding] = []
        seen: set[str] = set()
        for check in all_checks():
            for hit in check(ctx):
                rule = self._by_id.get(hit.rule)
                if rule is None:
                    raise KeyError(f"rule {hit.rule} is not in the registry")
                end = max(hit.end_line, hit.line)
                finding = Finding(
                    rule=rule,
                    message=hit.message,
                    location=Location(hit.path, hit.line, end),
                    resource=hit.resource,
                    key=hit.key,
                    path_in_fingerprint=hit.path_in_fingerprint,
                )
                if finding.fingerprint in seen:
                    continue
                seen.add(finding.fingerprint)
                findings.append(finding)
        return findings

    def _checked(self, ctx: ConfigContext) -> dict[Control, frozenset[str]]:
        """Resources each control's rules looked at, by the kinds the rules apply to."""
        by_kind: dict[str, set[str]] = defaultdict(set)
        for w in ctx.workloads:
            by_kind["workload"].add(w.id)
        for obj in ctx.inventory.kubernetes:
            by_kind[obj.kind].add(obj.id)
        for cf in ctx.inventory.compose:
            for name in cf.services:
                by_kind["compose-service"].add(cf.service_id(name))
        for df in ctx.inventory.dockerfiles:
            by_kind["dockerfile"].add(df.id)
        kinds: dict[Control, set[str]] = defaultdict(set)
        for rule in self._rules:
            kinds[rule.control].update(rule.applies_to)
        return {
            control: frozenset().union(*(by_kind.get(k, ()) for k in wanted))
            for control, wanted in kinds.items()
        }
