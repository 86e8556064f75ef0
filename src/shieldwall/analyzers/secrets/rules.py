"""Every rule of the secrets analyzer: one per provider format (each `Spec`
carries its own), the generic detector's two (`generic.py`) and the build
argument one (`buildargs.py`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from shieldwall.analyzers.secrets.buildargs import BUILD_ARG_IN_ENV
from shieldwall.analyzers.secrets.catalog import SPECS
from shieldwall.analyzers.secrets.generic import GENERIC_PASSWORD, GENERIC_TOKEN, GENERIC_UUID
from shieldwall.analyzers.secrets.spec import ANALYZER
from shieldwall.model import Rule, Severity

__all__ = ["ANALYZER", "BUILD_ARG_IN_ENV", "PROVIDER_OF", "all_rules", "at_severity", "known"]

_RULES = (*(s.rule for s in SPECS), GENERIC_PASSWORD, GENERIC_TOKEN, GENERIC_UUID, BUILD_ARG_IN_ENV)
_IDS = frozenset(r.id for r in _RULES)


def all_rules() -> tuple[Rule, ...]:
    return _RULES


def known(ids: Iterable[str], table: str) -> frozenset[str]:
    """The ids of a table keyed by rule id, each checked at import: a misspelt id
    is an error when the module loads, not a rule silently left out."""
    out = frozenset(ids)
    unknown = sorted(out - _IDS)
    if unknown:
        raise ValueError(f"{table} names rules no module declares: {', '.join(unknown)}")
    return out


def at_severity(rule: Rule, severity: Severity | None) -> Rule:
    """The same rule (same id) at another severity: a verified live secret becomes
    critical, a test fixture's password low."""
    if severity is None or severity is rule.severity:
        return rule
    return replace(rule, severity=severity)


PROVIDER_OF = {s.rule.id: s.provider for s in SPECS}
