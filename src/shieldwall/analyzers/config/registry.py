"""The explicit list of config rule modules. A module joins by being named here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from types import ModuleType

from shieldwall.analyzers.config import (
    compose,
    datastores,
    dockerfile,
    k8s_access,
    k8s_control_plane,
    k8s_ingress,
    k8s_network,
    k8s_workload,
    traffic,
)
from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.profiles import documented
from shieldwall.model import Rule

MODULES: tuple[ModuleType, ...] = (
    k8s_workload,
    k8s_access,
    k8s_network,
    k8s_ingress,
    traffic,
    k8s_control_plane,
    compose,
    dockerfile,
    datastores,
)

CheckFn = Callable[[ConfigContext], Iterator[Hit]]


def all_rules() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: set[str] = set()
    for module in MODULES:
        for rule in module.RULES:
            if rule.id in seen:
                raise ValueError(f"duplicate rule id {rule.id} in {module.__name__}")
            seen.add(rule.id)
            rules.append(replace(rule, description=documented(rule.id, rule.description)))
    return tuple(rules)


def all_checks() -> tuple[CheckFn, ...]:
    return tuple(module.check for module in MODULES)
