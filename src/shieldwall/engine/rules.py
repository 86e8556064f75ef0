"""Every rule of every analyzer, for `shieldwall rules`."""

from __future__ import annotations

import functools

from shieldwall.engine.analyzers import ANALYZERS
from shieldwall.engine.exceptions import expired_rule
from shieldwall.engine.rule_ids import unknown_rule
from shieldwall.model import Control, Rule


def rule_catalog() -> list[Rule]:
    rules: list[Rule] = []
    for factory in ANALYZERS.values():
        rules.extend(factory().rules())
    rules.append(expired_rule(Control.SUPPLY_CHAIN))
    rules.append(unknown_rule())
    return sorted(rules, key=lambda r: r.id)


@functools.cache
def rule_ids() -> frozenset[str]:
    """The id of every rule there is (whichever analyzers run), and the retired ids
    that rules still answer to."""
    return frozenset(r.id for r in rule_catalog()) | frozenset(
        former for r in rule_catalog() for former in r.former_ids
    )
