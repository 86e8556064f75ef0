"""Which compiled rules `shieldwall policy vap` emits: every one (`--all`), or for
a repository those none of its manifests fail, with the deny threshold its
`.shieldwall.yaml` sets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shieldwall.admission.vap import EXPRESSIONS, compiled_rules, policies_yaml
from shieldwall.engine.object_check import CONTEXT_RULES, ObjectCheck
from shieldwall.engine.project_config import ProjectConfig, find_config, load_config
from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.model import Severity


@dataclass(frozen=True, slots=True)
class Chosen:
    text: str
    compiled: int
    left_out: tuple[str, ...]


def _threshold(deny_at: str | None, config: ProjectConfig) -> Severity | None:
    if deny_at is not None:
        return None if deny_at == "none" else Severity.parse(deny_at)
    return ObjectCheck(config).fail_on


def select_policies(path: Path | None, deny_at: str | None) -> Chosen:
    config = ProjectConfig()
    left_out: list[str] = []
    check = ObjectCheck()
    rules = compiled_rules(check.rules())
    if path is not None:
        found = find_config(path)
        if found is not None:
            config = load_config(found, found.name)
        scan = run_scan(path, ScanOptions(analyzers="config"), str(path))
        failing: dict[str, set[str]] = {}
        for f in scan.result.findings:
            if not f.suppressed:
                failing.setdefault(f.rule.id, set()).add(f.resource)
        kept = []
        for r in rules:
            if r.rule.id in failing:
                resources = sorted(failing[r.rule.id])
                left_out.append(
                    f"{r.rule.id}: failed by {', '.join(resources[:3])}"
                    + (f" and {len(resources) - 3} more" if len(resources) > 3 else "")
                )
            else:
                kept.append(r)
        rules = kept
    text = policies_yaml(rules, _threshold(deny_at, config))
    return Chosen(text, len(rules), tuple(left_out))


def compile_table() -> str:
    """Each Kubernetes object rule: compiled to CEL, or why not."""
    lines = []
    all_rules = ObjectCheck().rules(with_context=True)
    for r in all_rules:
        if r.id in EXPRESSIONS:
            state = "compiled"
        elif r.id in CONTEXT_RULES:
            state = "needs other objects (webhook with cluster snapshot)"
        else:
            state = "not compiled (webhook only)"
        lines.append(f"{r.id:45} {r.severity.value:8} {state}")
    compiled = sum(1 for r in all_rules if r.id in EXPRESSIONS)
    lines.append(f"{compiled} of {len(all_rules)} Kubernetes rules compile to CEL")
    return "\n".join(lines) + "\n"
