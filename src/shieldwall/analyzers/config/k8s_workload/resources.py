"""Resource requests and limits of each container."""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.k8s_workload.common import _RESOURCES, _W, _hit
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.workloads import Container, Workload, get_map

K8S_MEMORY_LIMIT_MISSING = config_rule(
    id="K8S-MEMORY-LIMIT-MISSING",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="Container has no memory limit",
    description=(
        "Without `resources.limits.memory` one container can use all the node's memory "
        "and get its neighbours evicted or killed (noisy neighbour, denial of service)."
    ),
    remediation="Set `resources.limits.memory` on every container (or a namespace LimitRange).",
    applies_to=_W,
    cwe=("CWE-770",),
    references=(_RESOURCES,),
)
K8S_CPU_LIMIT_MISSING = config_rule(
    id="K8S-CPU-LIMIT-MISSING",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="Container has no CPU limit",
    description=(
        "Without `resources.limits.cpu` a busy or hijacked container (cryptominer) can "
        "starve the other pods of the node."
    ),
    remediation="Set `resources.limits.cpu` (or a namespace LimitRange).",
    applies_to=_W,
    cwe=("CWE-770",),
    references=(_RESOURCES,),
)
K8S_RESOURCE_REQUESTS_MISSING = config_rule(
    id="K8S-RESOURCE-REQUESTS-MISSING",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="Container has no CPU or memory request",
    description=(
        "Without a request (and no limit to default it from) the scheduler places the pod "
        "blind and it is the first evicted under pressure (BestEffort)."
    ),
    remediation="Set `resources.requests.cpu` and `resources.requests.memory`.",
    applies_to=_W,
    cwe=("CWE-770",),
    references=(_RESOURCES,),
)


def _resources(w: Workload, c: Container) -> Iterator[Hit]:
    who = f"container {c.name!r} of {w.id}"
    res = get_map(c.body, "resources")
    limits = get_map(res, "limits")
    requests = get_map(res, "requests")
    res_line = c.body.line_of("resources") if res is not None else c.line

    def where(section: str) -> int:
        return res.line_of(section) if res is not None and section in res else res_line

    for resource, rule in (
        ("memory", K8S_MEMORY_LIMIT_MISSING),
        ("cpu", K8S_CPU_LIMIT_MISSING),
    ):
        if limits is None or limits.get(resource) in (None, ""):
            yield _hit(rule, w, where("limits"), f"{who} has no {resource} limit", c.key)
    # A request defaults to the limit, so only a resource with neither is unrequested.
    missing = [
        r
        for r in ("cpu", "memory")
        if (requests is None or requests.get(r) in (None, ""))
        and (limits is None or limits.get(r) in (None, ""))
    ]
    if missing:
        yield _hit(
            K8S_RESOURCE_REQUESTS_MISSING,
            w,
            where("requests"),
            f"{who} requests no {' and no '.join(missing)}",
            c.key,
        )


RULES: tuple[Rule, ...] = (
    K8S_MEMORY_LIMIT_MISSING,
    K8S_CPU_LIMIT_MISSING,
    K8S_RESOURCE_REQUESTS_MISSING,
)
