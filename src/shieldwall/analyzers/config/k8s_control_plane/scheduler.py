"""kube-scheduler."""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.k8s_control_plane.components import (
    Component,
    _bind_address,
    _profiling,
)
from shieldwall.analyzers.config.k8s_control_plane.shorthand import (
    _AC,
    _EXP,
    _LOW,
    _SCHEDULER_REF,
    _WL,
    _rule,
)
from shieldwall.model import Rule

# ---- kube-scheduler
K8S_SCHEDULER_PROFILING = _rule(
    id="K8S-SCHEDULER-PROFILING",
    control=_AC,
    severity=_LOW,
    title="Scheduler exposes profiling endpoints",
    description=(
        "`--profiling` / `enableProfiling` is not false (default: true): /debug/pprof "
        "reveals internals."
    ),
    remediation=(
        "Set `--profiling=false` or `enableProfiling: false` in KubeSchedulerConfiguration."
    ),
    applies_to=("workload", "KubeSchedulerConfiguration"),
    cwe="CWE-215",
    references=(_SCHEDULER_REF,),
)
K8S_SCHEDULER_BIND_ADDRESS = _rule(
    id="K8S-SCHEDULER-BIND-ADDRESS",
    control=_EXP,
    severity=_LOW,
    title="Scheduler listens on all interfaces",
    description=(
        "`--bind-address` is not a loopback address (default: 0.0.0.0), so its metrics, "
        "health and debug endpoints are reachable from the network."
    ),
    remediation="Set `--bind-address=127.0.0.1`.",
    applies_to=_WL,
    cwe="CWE-668",
    references=(_SCHEDULER_REF,),
)


def check(c: Component) -> Iterator[Hit]:
    yield from _profiling(c, K8S_SCHEDULER_PROFILING)
    yield from _bind_address(c, K8S_SCHEDULER_BIND_ADDRESS)


RULES: tuple[Rule, ...] = (
    K8S_SCHEDULER_PROFILING,
    K8S_SCHEDULER_BIND_ADDRESS,
)
