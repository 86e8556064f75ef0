"""(rules to come)"""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.model import Rule

RULES: tuple[Rule, ...] = ()


def check(ctx: ConfigContext) -> Iterator[Hit]:
    return iter(())
