"""The explicit list of config rule modules. A module joins by being named here;
mypy checks that each is a `RuleModule` (its `RULES` and its `check`)."""

from __future__ import annotations

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
from shieldwall.analyzers.config.context import ConfigContext
from shieldwall.analyzers.config.profiles import OPT_IN, PSS_PROFILE
from shieldwall.analyzers.hits import RuleModule, rules_of
from shieldwall.model import Rule

MODULES: tuple[RuleModule[ConfigContext], ...] = (
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


def all_rules() -> tuple[Rule, ...]:
    return _RULES


def _declared() -> tuple[Rule, ...]:
    rules = rules_of(MODULES)
    ids = {r.id for r in rules}
    # The profile tables name rules by id: an id no module declares is a typo.
    unknown = sorted((set(PSS_PROFILE) | OPT_IN) - ids)
    if unknown:
        raise ValueError(f"profiles.py names rules no config module declares: {unknown}")
    return rules


_RULES = _declared()
