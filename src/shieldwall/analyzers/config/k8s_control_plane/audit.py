"""Audit ``Policy``: the first matching rule decides the level."""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.k8s_control_plane.components import _resource
from shieldwall.analyzers.config.k8s_control_plane.shorthand import (
    _AC,
    _AUDIT_REF,
    _LOW,
    _MED,
    _SEC,
    _rule,
)
from shieldwall.model import Rule
from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import get_seq
from shieldwall.sources.yaml_tree import YMap, YSeq

# ---- audit Policy
K8S_AUDIT_POLICY_EMPTY = _rule(
    id="K8S-AUDIT-POLICY-EMPTY",
    control=_AC,
    severity=_MED,
    title="Audit policy records nothing",
    description="An audit Policy without rules logs no event at all.",
    remediation="Add rules, ending with a catch-all `- level: Metadata`.",
    applies_to=("Policy",),
    cwe="CWE-778",
    references=(_AUDIT_REF + "#audit-policy",),
)
K8S_AUDIT_POLICY_SENSITIVE_ACTIONS = _rule(
    id="K8S-AUDIT-POLICY-SENSITIVE-ACTIONS",
    control=_AC,
    severity=_LOW,
    title="Audit policy does not record exec, attach or port-forward",
    description=(
        "Requests to pods/exec, pods/attach or pods/portforward match no rule or a "
        "`level: None` rule, so interactive access to containers leaves no audit trace."
    ),
    remediation=(
        "Log these subresources at Metadata level or above before any `level: None` "
        "rule that would match them."
    ),
    applies_to=("Policy",),
    cwe="CWE-778",
    references=(_AUDIT_REF + "#audit-policy",),
)
K8S_AUDIT_POLICY_SECRET_BODIES = _rule(
    id="K8S-AUDIT-POLICY-SECRET-BODIES",
    control=_SEC,
    severity=_MED,
    title="Audit policy writes secret contents to the audit log",
    description=(
        "A rule logs secrets, token requests or token reviews at Request or "
        "RequestResponse level, so credentials are copied into audit logs and their "
        "backends."
    ),
    remediation="Log these resources at Metadata level only, in a rule placed before broader ones.",
    applies_to=("Policy",),
    cwe="CWE-532",
    references=(_AUDIT_REF + "#audit-policy",),
)
_LEVELS = ("None", "Metadata", "Request", "RequestResponse")
_SENSITIVE_SUBRESOURCES = ("pods/exec", "pods/attach", "pods/portforward")
# (API group, resource) whose request or response bodies carry credentials.
_SECRET_RESOURCES = (
    ("", "secrets"),
    ("", "serviceaccounts/token"),
    ("authentication.k8s.io", "tokenreviews"),
)


def _names_match(names: list[str], resource: str) -> bool:
    """The API server's matching: exact, "*", "*/sub" and "resource/*"."""
    if not names:
        return True
    main, _, sub = resource.partition("/")
    for name in names:
        if name in (resource, "*"):
            return True
        if sub and name.startswith("*/") and name[2:] == sub:
            return True
        if name.endswith("/*") and name[:-2] == main:
            return True
    return False


def _audit_matches(
    rule: YMap, api_group: str, resource: str, verb: str, unrestricted: bool
) -> bool:
    if "nonResourceURLs" in rule:
        return False
    if unrestricted and any(k in rule for k in ("users", "userGroups", "namespaces")):
        return False
    verbs = [str(v) for v in get_seq(rule, "verbs")]
    if verbs and verb not in verbs and "*" not in verbs:
        return False
    groups = get_seq(rule, "resources")
    if not groups:
        return True
    for group in groups:
        if not isinstance(group, YMap) or str(group.get("group") or "") != api_group:
            continue
        if "resourceNames" in group:
            continue
        names = [str(n) for n in get_seq(group, "resources")]
        if _names_match(names, resource):
            return True
    return False


def _first_match(
    rules: YSeq, api_group: str, resource: str, verb: str, unrestricted: bool
) -> int | None:
    for index, rule in enumerate(rules):
        if isinstance(rule, YMap) and _audit_matches(rule, api_group, resource, verb, unrestricted):
            return index
    return None


def check(obj: K8sObject) -> Iterator[Hit]:
    body = obj.body
    rules = body.get("rules")
    res = _resource(obj)
    if not isinstance(rules, YSeq) or not rules:
        line = body.line_of("rules") if "rules" in body else body.line_of("kind")
        yield Hit(K8S_AUDIT_POLICY_EMPTY, obj.path, line, res, "the policy has no rules", "rules")
        return
    unlogged: dict[int, list[str]] = {}
    for sub in _SENSITIVE_SUBRESOURCES:
        index = _first_match(rules, "", sub, "create", True)
        if index is None:
            unlogged.setdefault(-1, []).append(sub)
        elif rules[index].get("level") == "None":
            unlogged.setdefault(index, []).append(sub)
    for index, subs in unlogged.items():
        line = body.line_of("rules") if index < 0 else rules[index].line_of("level")
        yield Hit(
            K8S_AUDIT_POLICY_SENSITIVE_ACTIONS,
            obj.path,
            line,
            res,
            f"{', '.join(subs)} requests are not audited",
            "rules" if index < 0 else f"rules[{index}]",
        )
    leaking: dict[int, set[str]] = {}
    for api_group, resource in _SECRET_RESOURCES:
        for verb in ("get", "list", "watch", "create", "update", "patch"):
            index = _first_match(rules, api_group, resource, verb, False)
            if index is not None and rules[index].get("level") in _LEVELS[2:]:
                leaking.setdefault(index, set()).add(resource)
    for index, names in sorted(leaking.items()):
        yield Hit(
            K8S_AUDIT_POLICY_SECRET_BODIES,
            obj.path,
            rules[index].line_of("level"),
            res,
            f"{', '.join(sorted(names))} logged at level {rules[index]['level']}",
            f"rules[{index}]",
        )


RULES: tuple[Rule, ...] = (
    K8S_AUDIT_POLICY_EMPTY,
    K8S_AUDIT_POLICY_SENSITIVE_ACTIONS,
    K8S_AUDIT_POLICY_SECRET_BODIES,
)
