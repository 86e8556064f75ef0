"""Findings that several kustomize overlays give at the same place, listed once.

Each top-level kustomization is built on its own (`system/kustomize_build`), so
a defect written in a base that two overlays deploy is found in each overlay's
copy, under each overlay's name for the object (its namespace, its prefix).
The fix is one edit of the base line: the finding is listed once, the first
overlay's (units in their stable order), its message naming the others. A
finding one overlay alone gives (its patch, or a base line the other overlay
fixes) stays that overlay's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from shieldwall.model import Finding

_KUSTOMIZATION = "kustomization:"
_NAMED = 3  # other overlays named in the message; more are counted


def merge_overlays(findings: Sequence[Finding]) -> list[Finding]:
    """One finding per rule, file, line and key among the kustomization units'."""
    out: list[Finding] = []
    first: dict[tuple[str, str, int, int, str], int] = {}
    others: dict[int, list[str]] = {}
    for f in findings:
        place = (f.rule.id, f.location.path, f.location.start_line, f.location.end_line, _key(f))
        i = first.get(place)
        if not f.unit.startswith(_KUSTOMIZATION) or (i is not None and out[i].unit == f.unit):
            out.append(f)
        elif i is None:
            first[place] = len(out)
            out.append(f)
        elif f.unit not in others.setdefault(i, []):
            others[i].append(f.unit)
    for i, units in others.items():
        named = ", ".join(units[:_NAMED])
        more = f" and {len(units) - _NAMED} more" if len(units) > _NAMED else ""
        out[i] = replace(out[i], message=f"{out[i].message} (also in {named}{more})")
    return out


def _key(f: Finding) -> str:
    """The finding's key with its own namespace written `*`: a link's key names
    the target in the overlay's namespace (`->Deployment/dev/backend:9898`)."""
    parts = f.resource.split("/")
    if len(parts) != 3 or not parts[1]:
        return f.key
    return f.key.replace(f"/{parts[1]}/", "/*/")
