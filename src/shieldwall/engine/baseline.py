"""Baselines: the findings a team has accepted as they stand today.

Matched by fingerprint (rule, path, resource, stable key; never the line), so a
baseline survives edits that move findings up or down a file."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from shieldwall import __version__
from shieldwall.errors import ConfigError
from shieldwall.model import Finding
from shieldwall.model.display import display_path, display_text

SCHEMA = "shieldwall/baseline/v1"
DEFAULT_NAME = ".shieldwall-baseline.json"


def baseline_text(findings: Sequence[Finding]) -> str:
    entries = sorted(
        (
            {
                "fingerprint": f.fingerprint,
                "rule": f.rule.id,
                "path": display_path(f.location.path),
                "resource": display_text(f.resource),
            }
            for f in findings
            if not f.suppressed
        ),
        key=lambda e: (e["path"], e["rule"], e["resource"], e["fingerprint"]),
    )
    doc = {
        "schema": SCHEMA,
        "tool": {"name": "shieldwall", "version": __version__},
        "findings": entries,
    }
    return json.dumps(doc, indent=2) + "\n"


def load_baseline(path: Path) -> frozenset[str]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(
            f"cannot read baseline {path}: {exc.strerror}",
            "create one with `shieldwall baseline create`",
        ) from exc
    except ValueError as exc:
        raise ConfigError(
            f"baseline {path} is not valid JSON: {exc}",
            "recreate it with `shieldwall baseline create`",
        ) from exc
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise ConfigError(
            f"{path} is not a shieldwall baseline (expected schema {SCHEMA})",
            "recreate it with `shieldwall baseline create`",
        )
    entries = doc.get("findings")
    if not isinstance(entries, list):
        raise ConfigError(f"baseline {path} has no findings list")
    return frozenset(
        str(e["fingerprint"]) for e in entries if isinstance(e, dict) and "fingerprint" in e
    )


def apply_baseline(findings: Sequence[Finding], accepted: frozenset[str]) -> list[Finding]:
    return [
        f.suppress("baseline", "in the baseline")
        if not f.suppressed and f.fingerprint in accepted
        else f
        for f in findings
    ]
