"""Findings several kustomize overlays give at one place, listed once."""

from __future__ import annotations

from shieldwall.analyzers.overlays import merge_overlays
from shieldwall.analyzers.topology.findings import TOPO_PLAINTEXT_EDGE as _RULE
from shieldwall.model import Finding, Location


def _at(unit: str, resource: str, line: int = 7, key: str = "") -> Finding:
    return Finding(_RULE, "bad", Location.at("base/app.yaml", line), resource, key, unit=unit)


def test_overlays_finding_one_base_line_give_one_finding_naming_the_others() -> None:
    units = [f"kustomization:{env}" for env in ("a", "b", "c", "d", "e")]
    [merged] = merge_overlays([_at(u, f"Pod/{u[-1]}/api") for u in units])
    assert (merged.unit, merged.resource) == ("kustomization:a", "Pod/a/api")
    assert merged.message == (
        "bad (also in kustomization:b, kustomization:c, kustomization:d and 1 more)"
    )


def test_other_lines_one_unit_s_findings_and_other_units_are_kept() -> None:
    findings = [
        _at("kustomization:a", "Pod/a/api"),
        _at("kustomization:b", "Pod/b/api", line=8),
        _at("kustomization:a", "Pod/a/web"),
        _at("directory:base", "Pod/api"),
        _at("directory:other", "Pod/api2"),
    ]
    assert merge_overlays(findings) == findings


def test_a_link_to_the_overlay_s_own_namespace_is_the_same_place() -> None:
    findings = [
        _at(f"kustomization:{ns}", f"Deployment/{ns}/web", key=f"->Deployment/{ns}/api:80")
        for ns in ("dev", "prod")
    ]
    [merged] = merge_overlays(findings)
    assert merged.key == "->Deployment/dev/api:80"
    assert merged.message == "bad (also in kustomization:prod)"
