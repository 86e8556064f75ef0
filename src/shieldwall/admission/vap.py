"""Object-local rules compiled to Kubernetes ValidatingAdmissionPolicy (CEL),
so a cluster enforces them without running the webhook. Each compiled rule is a
CEL expression, true when the object passes, written to agree with the
analyzer's rule on the rule's own pass and fail fixtures (the tests evaluate
every one with a CEL implementation). Rules whose logic needs tables or parsing
CEL has no good form for (capability and sysctl lists, host path classes,
gateway detection) are not compiled: `compiled_rules` says which are."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from shieldwall.model import Rule, Severity

PS = "variables.podSpec"
SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"
SECCOMP_POD_ANNOTATIONS = (
    "seccomp.security.alpha.kubernetes.io/pod",
    "seccomp.security.alpha.kubernetes.io/defaultProfileName",
)
# The kinds with a pod template, as the analyzer's workloads (Knative aside).
WORKLOAD_RESOURCES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("", "v1", ("pods",)),
    ("apps", "v1", ("deployments", "statefulsets", "daemonsets", "replicasets")),
    ("batch", "v1", ("jobs", "cronjobs")),
)
WORKLOAD_KINDS = frozenset(
    {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"}
)


def _opt_list(field: str) -> str:
    return f"(has({PS}.{field}) ? {PS}.{field} : [])"


VARIABLES: tuple[tuple[str, str], ...] = (
    (
        "podSpec",
        "object.kind == 'Pod' ? object.spec : object.kind == 'CronJob' ? "
        "object.spec.jobTemplate.spec.template.spec : object.spec.template.spec",
    ),
    ("workContainers", f"{_opt_list('initContainers')} + {_opt_list('containers')}"),
    ("allContainers", f"variables.workContainers + {_opt_list('ephemeralContainers')}"),
    (
        "podAnnotations",
        "object.kind == 'Pod' ? (has(object.metadata.annotations) ? object.metadata.annotations"
        " : {}) : object.kind == 'CronJob' ? (has(object.spec.jobTemplate.spec.template.metadata)"
        " && has(object.spec.jobTemplate.spec.template.metadata.annotations) ? "
        "object.spec.jobTemplate.spec.template.metadata.annotations : {}) : "
        "(has(object.spec.template.metadata) && has(object.spec.template.metadata.annotations)"
        " ? object.spec.template.metadata.annotations : {})",
    ),
    (
        "linux",
        f"!(has({PS}.os) && has({PS}.os.name) && "
        f"({PS}.os.name == 'windows' || {PS}.os.name == 'Windows'))",
    ),
)


def _container(field: str, passes: str, unset: str = "true") -> str:
    """A container-only securityContext field: `passes` (with {v}) on its value."""
    value = f"c.securityContext.{field}"
    return f"((has(c.securityContext) && has({value})) ? ({passes.format(v=value)}) : {unset})"


def _shared(field: str, passes: str, unset: str = "true") -> str:
    """A field of both levels, the container's value winning (Kubernetes' precedence)."""
    mine, pods = f"c.securityContext.{field}", f"{PS}.securityContext.{field}"
    return (
        f"((has(c.securityContext) && has({mine})) ? ({passes.format(v=mine)}) : "
        f"(has({PS}.securityContext) && has({pods})) ? ({passes.format(v=pods)}) : {unset})"
    )


def _each(containers: str, passes: str) -> str:
    return f"variables.{containers}.all(c, {passes})"


def _linux(expr: str) -> str:
    return f"!variables.linux || {expr}"


def _pod_flag(field: str) -> str:
    return f"!(has({PS}.{field}) && {PS}.{field} == true)"


_TEMPLATED = "c.image.matches('\\\\$\\\\{|\\\\$\\\\(|\\\\{\\\\{|^\\\\$[A-Za-z_]')"
_TAGGED = "c.image.matches(':[^/:]+$')"


def _image(passes: str) -> str:
    return _each(
        "allContainers",
        f"!has(c.image) || c.image == '' || c.image.contains('@') || {_TEMPLATED} || {passes}",
    )


def _limit(resource: str) -> str:
    return _each(
        "workContainers",
        f"has(c.resources) && has(c.resources.limits) && has(c.resources.limits.{resource})",
    )


def _has_request(resource: str) -> str:
    return (
        f"(has(c.resources) && ((has(c.resources.requests) && "
        f"has(c.resources.requests.{resource})) || (has(c.resources.limits) && "
        f"has(c.resources.limits.{resource}))))"
    )


def _seccomp_annotations() -> str:
    """The legacy seccomp annotations, the container's first, when no field is set."""
    notes = "variables.podAnnotations"
    keys = [
        f"'{SECCOMP_CONTAINER_ANNOTATION}' + c.name",
        *(f"'{key}'" for key in SECCOMP_POD_ANNOTATIONS),
    ]
    expr = "true"
    for key in reversed(keys):
        expr = f"({key}) in {notes} ? !({notes}[{key}] in ['unconfined', 'Unconfined']) : {expr}"
    return f"({expr})"


# Rule id -> the CEL expression that is true when the object passes.
EXPRESSIONS: dict[str, str] = {
    "K8S-PRIVILEGED": _each("allContainers", _container("privileged", "{v} != true")),
    "K8S-PRIVILEGE-ESCALATION": _each(
        "allContainers",
        f"{_container('allowPrivilegeEscalation', '{v} == false', 'false')} || "
        f"{_container('privileged', '{v} == true', 'false')}",
    ),
    "K8S-RUN-AS-ROOT": _linux(
        _each(
            "allContainers",
            _shared("runAsUser", "{v} != 0", _shared("runAsNonRoot", "{v} == true", "false")),
        )
    ),
    "K8S-LOW-UID": _linux(
        _each("allContainers", _shared("runAsUser", "{v} == 0 || {v} >= 10000 || {v} < 0"))
    ),
    "K8S-RUN-AS-ROOT-GROUP": (
        f"({_linux(_each('allContainers', _shared('runAsGroup', '{v} != 0')))})"
        f" && !(has({PS}.securityContext) && has({PS}.securityContext.fsGroup)"
        f" && {PS}.securityContext.fsGroup == 0)"
        f" && !(has({PS}.securityContext) && has({PS}.securityContext.supplementalGroups)"
        f" && 0 in {PS}.securityContext.supplementalGroups)"
    ),
    "K8S-CAPABILITIES-NOT-DROPPED": _linux(
        _each(
            "allContainers",
            _container(
                "capabilities",
                "has({v}.drop) && {v}.drop.exists(d, d == 'ALL' || d == 'all')",
                "false",
            ),
        )
    ),
    "K8S-WRITABLE-ROOT-FS": _linux(
        _each("allContainers", _container("readOnlyRootFilesystem", "{v} == true", "false"))
    ),
    "K8S-HOST-NETWORK": _pod_flag("hostNetwork"),
    "K8S-HOST-PID": _pod_flag("hostPID"),
    "K8S-HOST-IPC": _pod_flag("hostIPC"),
    "K8S-SHARE-PROCESS-NAMESPACE": _pod_flag("shareProcessNamespace"),
    "K8S-PROC-MOUNT-UNMASKED": _linux(
        _each("allContainers", _container("procMount", "{v} != 'Unmasked' && {v} != 'unmasked'"))
    ),
    "K8S-SECCOMP-UNCONFINED": _linux(
        _each(
            "allContainers",
            _shared(
                "seccompProfile",
                "!has({v}.type) || ({v}.type != 'Unconfined' && {v}.type != 'unconfined')",
                _seccomp_annotations(),
            ),
        )
    ),
    "K8S-APPARMOR-UNCONFINED": _linux(
        _each(
            "allContainers",
            _shared(
                "appArmorProfile",
                "!has({v}.type) || ({v}.type != 'Unconfined' && {v}.type != 'unconfined')",
            ),
        )
    ),
    "K8S-WINDOWS-HOST-PROCESS": _each(
        "allContainers",
        _shared("windowsOptions", "!(has({v}.hostProcess) && {v}.hostProcess == true)"),
    ),
    "K8S-MEMORY-LIMIT-MISSING": _limit("memory"),
    "K8S-CPU-LIMIT-MISSING": _limit("cpu"),
    "K8S-RESOURCE-REQUESTS-MISSING": _each(
        "workContainers", f"{_has_request('cpu')} && {_has_request('memory')}"
    ),
    "K8S-IMAGE-LATEST": _image(f"({_TAGGED} && !c.image.endsWith(':latest'))"),
    "K8S-IMAGE-NO-DIGEST": _image(f"!{_TAGGED} || c.image.endsWith(':latest')"),
    "K8S-DEFAULT-NAMESPACE": "!(has(object.metadata.namespace) && "
    "object.metadata.namespace == 'default')",
}


@dataclass(frozen=True, slots=True)
class CompiledRule:
    rule: Rule
    expression: str

    @property
    def name(self) -> str:
        return f"shieldwall-{self.rule.id.lower()}"


def compiled_rules(rules: Iterable[Rule], ids: Iterable[str] | None = None) -> list[CompiledRule]:
    """The rules among `rules` that compile (only `ids` when given), in rule order."""
    wanted = set(ids) if ids is not None else None
    return [
        CompiledRule(r, EXPRESSIONS[r.id])
        for r in rules
        if r.id in EXPRESSIONS and (wanted is None or r.id in wanted)
    ]


def _message(rule: Rule) -> str:
    return f"{rule.id} ({rule.severity.value}): {rule.title}. Fix: {rule.remediation}"


def policy_objects(rule: CompiledRule, deny_at: Severity | None) -> list[dict[str, Any]]:
    """The ValidatingAdmissionPolicy and its binding: Deny at or above `deny_at`,
    Warn and Audit below it (and for every rule when it is None)."""
    denies = deny_at is not None and rule.rule.severity.rank >= deny_at.rank
    labels = {"app.kubernetes.io/managed-by": "shieldwall"}
    annotations = {
        "shieldwall.io/rule": rule.rule.id,
        "shieldwall.io/severity": rule.rule.severity.value,
    }
    policy = {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicy",
        "metadata": {"name": rule.name, "labels": labels, "annotations": annotations},
        "spec": {
            "failurePolicy": "Fail",
            "matchConstraints": {
                "resourceRules": [
                    {
                        "apiGroups": [group],
                        "apiVersions": [version],
                        "operations": ["CREATE", "UPDATE"],
                        "resources": list(resources),
                    }
                    for group, version, resources in WORKLOAD_RESOURCES
                ]
            },
            "variables": [{"name": n, "expression": e} for n, e in VARIABLES],
            "validations": [
                {
                    "expression": rule.expression,
                    "message": _message(rule.rule),
                    "reason": "Forbidden",
                }
            ],
        },
    }
    binding = {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicyBinding",
        "metadata": {"name": rule.name, "labels": labels},
        "spec": {
            "policyName": rule.name,
            "validationActions": ["Deny"] if denies else ["Warn", "Audit"],
            "matchResources": {
                "namespaceSelector": {
                    "matchExpressions": [
                        {
                            "key": "kubernetes.io/metadata.name",
                            "operator": "NotIn",
                            "values": ["kube-system"],
                        }
                    ]
                }
            },
        },
    }
    return [policy, binding]


def policies_yaml(rules: Sequence[CompiledRule], deny_at: Severity | None) -> str:
    objects = [o for r in rules for o in policy_objects(r, deny_at)]
    return yaml.safe_dump_all(objects, sort_keys=False, width=1000)
