"""Runs every config rule module over the inventory and builds Findings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from shieldwall.analyzers.base import AnalyzerOutput, ScanTarget
from shieldwall.analyzers.config.context import ConfigContext
from shieldwall.analyzers.config.profiles import OPT_IN, with_profile
from shieldwall.analyzers.config.registry import MODULES, all_rules
from shieldwall.analyzers.hits import findings_from
from shieldwall.analyzers.overlays import merge_overlays
from shieldwall.model import Control, Finding, Rule

ANALYZER = "config"


class ConfigAnalyzer:
    name = ANALYZER

    def __init__(self) -> None:
        self._rules = all_rules()

    def rules(self) -> Sequence[Rule]:
        return self._rules

    def analyze(self, target: ScanTarget) -> AnalyzerOutput:
        inventory = target.inventory
        findings: list[Finding] = []
        seen: set[str] = set()
        gateways: dict[str, None] = {}
        checked: dict[Control, set[str]] = defaultdict(set)
        source = ""
        # Rules about how resources relate hold within one deployment unit: each unit
        # is checked on its own; a file two units hold gives its findings once.
        for unit in target.units.units:
            ctx = ConfigContext(unit.inventory, target.settings)
            for finding in self.findings(ctx, unit.id):
                if finding.fingerprint not in seen:
                    seen.add(finding.fingerprint)
                    findings.append(finding)
            gateways.update(dict.fromkeys(ctx.gateways.describe()))
            source = source or ctx.gateways.source
            # What each unit's rules looked at, from the unit's own context: the
            # inventory's workloads are not read a second time as a whole.
            for control, ids in self._checked(ctx).items():
                checked[control] |= ids
        return AnalyzerOutput(
            findings=tuple(merge_overlays(findings)),
            skipped=(*inventory.skipped, *target.units.skipped),
            checked={control: frozenset(ids) for control, ids in checked.items()},
            gateways=tuple(gateways),
            gateway_source=source or "detected",
            warnings=tuple(inventory.warnings),
        )

    def findings(self, ctx: ConfigContext, unit: str = "") -> list[Finding]:
        """Every rule's findings over the context's inventory (no suppression applied)."""
        strict = ctx.settings.config_profile == "strict"
        return findings_from(
            (hit for module in MODULES for hit in module.check(ctx)),
            unit=unit,
            keep=lambda hit: strict or not (hit.opt_in or hit.rule.id in OPT_IN),
            message=lambda hit: with_profile(hit.rule.id, hit.message),
        )

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
