"""Kubernetes workload rules: pod and container settings of every workload kind."""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Severity

_PSS = "https://kubernetes.io/docs/concepts/security/pod-security-standards/"

RULES = (
    config_rule(
        "K8S-PRIVILEGED",
        Control.LEAST_PRIVILEGE,
        Severity.HIGH,
        "Container runs privileged",
        "A privileged container has every capability and access to all host devices; "
        "a compromise of it is a compromise of the node.",
        "Remove `securityContext.privileged: true`; grant the single capability needed instead.",
        ("workload",),
        cwe=("CWE-250",),
        references=(_PSS,),
    ),
    config_rule(
        "K8S-PRIVILEGE-ESCALATION",
        Control.LEAST_PRIVILEGE,
        Severity.MEDIUM,
        "Container allows privilege escalation",
        "Without `allowPrivilegeEscalation: false` a process can gain more privileges than "
        "its parent (setuid binaries, file capabilities).",
        "Set `securityContext.allowPrivilegeEscalation: false` on every container.",
        ("workload",),
        cwe=("CWE-269",),
        references=(_PSS,),
    ),
)


def check(ctx: ConfigContext) -> Iterator[Hit]:
    for w in ctx.workloads:
        for c in w.containers():
            privileged = c.security("privileged")
            if privileged.value is True:
                yield Hit(
                    "K8S-PRIVILEGED",
                    w.path,
                    privileged.line,
                    w.id,
                    f"container {c.name!r} of {w.id} runs privileged",
                    c.key,
                )
            escalation = c.security("allowPrivilegeEscalation")
            if escalation.value is not False and privileged.value is not True:
                line = escalation.line if escalation.is_set else c.missing_line()
                yield Hit(
                    "K8S-PRIVILEGE-ESCALATION",
                    w.path,
                    line,
                    w.id,
                    f"container {c.name!r} of {w.id} does not set "
                    "allowPrivilegeEscalation: false",
                    c.key,
                )
