"""One finding per secret value: when a config rule that flags a literal credential
(a Dockerfile `ENV`, a compose or Kubernetes env value) and the secrets analyzer
report the same value - same file, same line, same variable - the report keeps
the secrets analyzer's finding (redacted preview, keyed hash that survives moves,
live verification) at the higher of the two severities, and its message names
the config rule. The secrets finding keeps its own suppression (a baseline made
from a report that had the one finding still covers the value); a config finding
already suppressed is left as it is."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from shieldwall.model import Finding

# Config rules whose finding is a literal credential; the variable's name closes
# their resource (`stage.env[DB_PASSWORD]`, `environment[DB_PASSWORD]`).
LITERAL_SECRET_RULES = frozenset(
    {"DOCKERFILE-SECRET-IN-ENV", "COMPOSE-ENV-SECRET", "K8S-ENV-LITERAL-SECRET"}
)
_SECRETS_PREFIX = "SECRET-"
_NAME = re.compile(r"\[([^\[\]]+)\]$")


def _name(config: Finding) -> str:
    m = _NAME.search(config.resource)
    return m.group(1) if m else ""


def _stands_at(secret: Finding, path: str, line: int) -> bool:
    """Is the secret at this place: its location, or one of the other places its
    message lists (`also at compose.yaml:5, ...`: one finding per value and rule)?"""
    where = secret.location
    if where.path == path and where.start_line <= line <= where.end_line:
        return True
    return bool(
        "also at " in secret.message
        and re.search(rf"(?:also at |, ){re.escape(path)}:{line}(?=[,;@ ]|$)", secret.message)
    )


def _partner(config: Finding, candidates: Sequence[Finding]) -> Finding | None:
    """The secrets finding on the config finding's line for the same variable:
    the one whose message names the variable's key, else the only one there."""
    path, line = config.location.path, config.location.start_line
    on_line = [s for s in candidates if _stands_at(s, path, line)]
    name = _name(config)
    named = [s for s in on_line if name and f"key {name})" in s.message]
    if len(named) == 1:
        return named[0]
    return on_line[0] if len(on_line) == 1 and not named else None


def merge_overlaps(findings: Sequence[Finding]) -> list[Finding]:
    """The findings with each config/secrets pair on one value made one."""
    secrets = [f for f in findings if f.rule.id.startswith(_SECRETS_PREFIX)]
    if not secrets:
        return list(findings)
    merged: dict[int, Finding] = {}  # id(secrets finding) -> its merged version
    dropped: set[int] = set()
    for f in findings:
        if f.rule.id not in LITERAL_SECRET_RULES or f.suppressed:
            continue
        partner = _partner(f, secrets)
        if partner is None:
            continue
        key = id(partner)
        partner = merged.get(key, partner)
        rule = partner.rule
        if f.rule.severity.rank > rule.severity.rank:
            rule = replace(rule, severity=f.rule.severity)
        note = f"also reported by {f.rule.id}: {f.message}"
        merged[key] = replace(partner, rule=rule, message=f"{partner.message}; {note}")
        dropped.add(id(f))
    return [merged.get(id(f), f) for f in findings if id(f) not in dropped]
