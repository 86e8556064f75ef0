"""Baselines: the findings a team has accepted as they stand today.

Matched by fingerprint (rule, path, resource, stable key; never the line), so a
baseline survives edits that move findings up or down a file."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from shieldwall import __version__
from shieldwall.errors import ConfigError, SourceError
from shieldwall.model import Finding
from shieldwall.model.display import display_path, display_text
from shieldwall.sources.safe_files import BASELINE_MAX_BYTES, read_bounded

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
    """The accepted fingerprints of `path` (given on the command line, so it may
    lie anywhere), read only if it is a regular file under the size cap: a FIFO
    or a device committed in its place must not hang the scan or exhaust memory.
    Errors name the file and the position, never what is in it."""
    try:
        data = read_bounded(path, BASELINE_MAX_BYTES, what=f"baseline {path}")
    except SourceError as exc:
        raise ConfigError(exc.message, "create one with `shieldwall baseline create`") from None
    try:
        doc = json.loads(data.decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"baseline {path} is not valid JSON: {exc.msg} at line {exc.lineno},"
            f" column {exc.colno}",
            "recreate it with `shieldwall baseline create`",
        ) from None
    except (ValueError, RecursionError):  # not UTF-8, nested too deep
        raise ConfigError(
            f"baseline {path} is not valid JSON",
            "recreate it with `shieldwall baseline create`",
        ) from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise ConfigError(
            f"{path} is not a shieldwall baseline (expected schema {SCHEMA})",
            "recreate it with `shieldwall baseline create`",
        )
    entries = doc.get("findings")
    if not isinstance(entries, list):
        raise ConfigError(f"baseline {path} has no findings list")
    accepted = {
        str(e["fingerprint"]) for e in entries if isinstance(e, dict) and "fingerprint" in e
    }
    # Entries of a rule that another now reports for: matched by (rule, path) and by
    # (rule, resource) instead, since the new rule's fingerprint differs.
    accepted |= {
        f"{_FORMER}{e.get('rule')}\x1f{where}"
        for e in entries
        if isinstance(e, dict)
        for where in (f"path={e.get('path')}", f"resource={e.get('resource')}")
    }
    return frozenset(accepted)


_FORMER = "former:"


def _accepted(f: Finding, accepted: frozenset[str]) -> bool:
    if f.fingerprint in accepted:
        return True
    return any(
        f"{_FORMER}{former}\x1f{where}" in accepted
        for former in f.rule.former_ids
        for where in (f"path={f.location.path}", f"resource={f.resource}")
    )


def apply_baseline(findings: Sequence[Finding], accepted: frozenset[str]) -> list[Finding]:
    return [
        f.suppress("baseline", "in the baseline")
        if not f.suppressed and _accepted(f, accepted)
        else f
        for f in findings
    ]
