"""CPU, memory and process limits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shieldwall.analyzers.config.compose.service import _DEPLOY, _SPEC, _SVC, _Service
from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.yaml_tree import YMap

COMPOSE_NO_MEMORY_LIMIT = config_rule(
    id="COMPOSE-NO-MEMORY-LIMIT",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="Compose service has no memory limit",
    description=(
        "Without a memory limit one compromised or leaking service can exhaust the host's "
        "memory and get other containers killed."
    ),
    remediation="Set `deploy.resources.limits.memory` (or `mem_limit`) on the service.",
    applies_to=_SVC,
    cwe=("CWE-770",),
    references=(_DEPLOY,),
)
COMPOSE_NO_CPU_LIMIT = config_rule(
    id="COMPOSE-NO-CPU-LIMIT",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="Compose service has no CPU limit",
    description=(
        "Without a CPU limit one busy or compromised service (a miner, a hot loop) can starve "
        "every other container on the host."
    ),
    remediation="Set `deploy.resources.limits.cpus` (or `cpus`) on the service.",
    applies_to=_SVC,
    cwe=("CWE-770",),
    references=(_DEPLOY,),
)
COMPOSE_NO_PIDS_LIMIT = config_rule(
    id="COMPOSE-NO-PIDS-LIMIT",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="Compose service has no PID limit",
    description=(
        "Without a PID limit a fork bomb in one container exhausts the host's process table."
    ),
    remediation="Set `deploy.resources.limits.pids` (or `pids_limit`) to a positive number.",
    applies_to=_SVC,
    cwe=("CWE-770",),
    references=(_SPEC + "#pids_limit", _DEPLOY),
)


def _limit_hits(svc: _Service) -> Iterator[Hit]:
    deploy = svc.body.get("deploy")
    resources = deploy.get("resources") if isinstance(deploy, YMap) else None
    limits = resources.get("limits") if isinstance(resources, YMap) else None
    parent_line = svc.line
    for container, key in ((svc.body, "deploy"), (deploy, "resources"), (resources, "limits")):
        if isinstance(container, YMap) and key in container:
            parent_line = container.line_of(key)
    limit_map = limits if isinstance(limits, YMap) else YMap(parent_line)
    checks = (
        ("memory", "mem_limit", "memory", COMPOSE_NO_MEMORY_LIMIT),
        ("cpus", "cpus", "CPU", COMPOSE_NO_CPU_LIMIT),
        ("pids", "pids_limit", "PID", COMPOSE_NO_PIDS_LIMIT),
    )
    for deploy_key, legacy_key, label, rule in checks:
        where, value = None, None
        if deploy_key in limit_map:
            where, value = limit_map, limit_map.get(deploy_key)
            line = limit_map.line_of(deploy_key)
        elif legacy_key in svc.body:
            where, value = svc.body, svc.body.get(legacy_key)
            line = svc.key_line(legacy_key)
        if where is None:
            yield svc.hit(rule, parent_line, f"has no {label} limit", f"limits.{deploy_key}")
        elif _unlimited(value):
            yield svc.hit(
                rule, line, f"sets an unlimited {label} limit ({value!r})", f"limits.{deploy_key}"
            )


def _unlimited(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return True
    text = str(value).strip()
    if text.startswith("$"):
        return False
    try:
        return float(text) <= 0
    except ValueError:
        return text == ""


RULES: tuple[Rule, ...] = (
    COMPOSE_NO_MEMORY_LIMIT,
    COMPOSE_NO_CPU_LIMIT,
    COMPOSE_NO_PIDS_LIMIT,
)
