"""Every rule of every analyzer, for `shieldwall rules`."""

from __future__ import annotations

from shieldwall.engine.analyzers import ANALYZERS
from shieldwall.engine.exceptions import expired_rule
from shieldwall.model import Control, Rule


def rule_catalog() -> list[Rule]:
    rules: list[Rule] = []
    for factory in ANALYZERS.values():
        rules.extend(factory().rules())
    rules.append(expired_rule(Control.SUPPLY_CHAIN))
    return sorted(rules, key=lambda r: r.id)
