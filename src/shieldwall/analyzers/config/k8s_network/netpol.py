"""NetworkPolicy coverage and default deny, policies that admit everyone, and
policies that select nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.k8s_network.common import _NETPOL, _name_line, _spec
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import (
    Workload,
)
from shieldwall.system.netpol import Pod, Policy
from shieldwall.system.services import pod_of

K8S_NETPOL_MISSING = config_rule(
    id="K8S-NETPOL-MISSING",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="Workload selected by no NetworkPolicy",
    description=(
        "Pods that no NetworkPolicy selects accept traffic from every pod in the cluster: one "
        "compromised service can reach this one directly."
    ),
    remediation=(
        "Add a NetworkPolicy whose podSelector matches these pods and allows only the callers "
        "that need them (and a default-deny policy for the namespace)."
    ),
    applies_to=("workload",),
    cwe=("CWE-923",),
    references=(_NETPOL,),
)
K8S_NETPOL_NO_DEFAULT_DENY = config_rule(
    id="K8S-NETPOL-NO-DEFAULT-DENY",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="Namespace has workloads and no default-deny ingress policy",
    description=(
        "Without a policy that selects every pod of the namespace for Ingress, each new workload "
        "starts reachable from the whole cluster until someone remembers to write its policy."
    ),
    remediation=(
        "Add `kind: NetworkPolicy` with `podSelector: {}` and `policyTypes: [Ingress]` and no "
        "ingress rules in the namespace, then allow traffic per workload."
    ),
    applies_to=("Namespace",),
    cwe=("CWE-923",),
    references=(_NETPOL + "#default-deny-all-ingress-traffic",),
)
K8S_NETPOL_NO_DEFAULT_DENY_EGRESS = config_rule(
    id="K8S-NETPOL-NO-DEFAULT-DENY-EGRESS",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="Namespace has workloads and no default-deny egress policy",
    description=(
        "Pods that may open connections anywhere make data exfiltration and lateral movement easy "
        "after a compromise."
    ),
    remediation=(
        "Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Egress]`, then allow DNS "
        "and the destinations each workload needs."
    ),
    applies_to=("Namespace",),
    cwe=("CWE-923",),
    references=(_NETPOL + "#default-deny-all-egress-traffic",),
)
K8S_NETPOL_ALLOW_ALL = config_rule(
    id="K8S-NETPOL-ALLOW-ALL",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="NetworkPolicy allows ingress from everywhere",
    description=(
        "An ingress rule with no `from` (or an empty peer, every namespace, or 0.0.0.0/0) lets "
        "every pod and address in, which undoes the isolation the policy seems to give."
    ),
    remediation="List the callers explicitly with podSelector/namespaceSelector, and ports.",
    applies_to=("NetworkPolicy",),
    cwe=("CWE-923",),
    references=(_NETPOL,),
)
K8S_NETPOL_SELECTS_NOTHING = config_rule(
    id="K8S-NETPOL-SELECTS-NOTHING",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="NetworkPolicy selects no pod",
    description=(
        "A policy whose podSelector matches no workload in its namespace protects nothing; the "
        "workload it was written for is probably unprotected (label typo, wrong namespace)."
    ),
    remediation="Fix the podSelector labels or the namespace so that it selects the intended pods.",
    applies_to=("NetworkPolicy",),
    cwe=("CWE-923",),
    references=(_NETPOL,),
)


class _Policies:
    """NetworkPolicies as the system layer evaluates them (policyTypes defaults
    included), each read once, and the pods of the workloads they may select."""

    def __init__(self, policies: list[K8sObject]) -> None:
        self._policies = {
            id(p): Policy.from_spec(p.id, p.namespace, _spec(p), p.path, p.line) for p in policies
        }
        self._pods: dict[str, Pod] = {}

    def types(self, policy: K8sObject) -> frozenset[str]:
        return self._policies[id(policy)].types

    def selects(self, policy: K8sObject, w: Workload) -> bool:
        pod = self._pods.get(w.id)
        if pod is None:
            pod = self._pods[w.id] = pod_of(w)
        return self._policies[id(policy)].selects(pod)


def _netpol_coverage(
    ctx: ConfigContext, policies: list[K8sObject], evaluated: _Policies
) -> Iterator[Hit]:
    by_ns: dict[str, list[K8sObject]] = defaultdict(list)
    for p in policies:
        by_ns[p.namespace].append(p)
    ns_workloads: dict[str, list[Workload]] = defaultdict(list)
    open_ns: set[str] = set()  # namespaces with a workload no ingress policy selects
    for w in ctx.workloads:
        ns_workloads[w.namespace].append(w)
        if w.obj.kind in ("Job", "CronJob") or w.pod_spec.get("hostNetwork") is True:
            continue  # batch pods accept no traffic; hostNetwork pods are not policed
        if not any(
            evaluated.selects(p, w) and "Ingress" in evaluated.types(p) for p in by_ns[w.namespace]
        ):
            open_ns.add(w.namespace)
            yield Hit(
                K8S_NETPOL_MISSING,
                w.path,
                _name_line(w.obj),
                w.id,
                f"no NetworkPolicy in namespace {w.namespace!r} selects the pods of {w.id} "
                f"(labels {w.pod_labels or '{}'}): any pod in the cluster can reach them",
            )
    namespaces = {o.name: o for o in ctx.objects("Namespace")}
    for ns, workloads in sorted(ns_workloads.items()):
        deny_ingress = deny_egress = False
        for p in by_ns[ns]:
            spec = _spec(p)
            selector = spec.get("podSelector")
            selects_all = isinstance(selector, dict) and not any(
                selector.get(k) for k in ("matchLabels", "matchExpressions")
            )
            if not selects_all:
                continue
            types = evaluated.types(p)
            if "Ingress" in types and not spec.get("ingress"):
                deny_ingress = True
            if "Egress" in types and not spec.get("egress"):
                deny_egress = True
        anchor = namespaces.get(ns)
        path, line = (
            (anchor.path, _name_line(anchor))
            if anchor
            else (workloads[0].path, _ns_line(workloads[0]))
        )
        # A workload written in several files (variants of one app) is one workload.
        distinct = sorted({w.id: w.obj.name for w in workloads}.values())
        more = len(distinct) - 5
        names = ", ".join(distinct[:5]) + (f" and {more} more" if more > 0 else "")
        if not deny_ingress:
            # Every workload selected by an ingress policy of its own: nothing is open
            # today, and the default-deny only guards the next workload (hardening advice).
            covered = ns not in open_ns
            yield Hit(
                K8S_NETPOL_NO_DEFAULT_DENY,
                path,
                line,
                f"Namespace/{ns}",
                f"namespace {ns!r} runs {len(distinct)} workload(s) ({names}) and has no "
                "default-deny ingress NetworkPolicy"
                + (
                    "; each of them is selected by an ingress policy today, but the next "
                    "workload added would start reachable from the whole cluster"
                    if covered
                    else ""
                ),
                path_in_fingerprint=anchor is not None,
                opt_in=covered,
            )
        if not deny_egress:
            yield Hit(
                K8S_NETPOL_NO_DEFAULT_DENY_EGRESS,
                path,
                line,
                f"Namespace/{ns}",
                f"namespace {ns!r} runs {len(distinct)} workload(s) ({names}) and has no "
                "default-deny egress NetworkPolicy",
                path_in_fingerprint=anchor is not None,
            )


def _ns_line(w: Workload) -> int:
    meta = w.obj.metadata
    return meta.line_of("namespace", meta.line_of("name", w.obj.line))


def _netpol_rules(
    ctx: ConfigContext, policies: list[K8sObject], evaluated: _Policies
) -> Iterator[Hit]:
    ns_with_workloads = {w.namespace for w in ctx.workloads}
    for p in policies:
        spec = _spec(p)
        selects_gateway = any(evaluated.selects(p, w) for w in ctx.gateways.workloads)
        ingress = spec.get("ingress")
        if isinstance(ingress, list) and not selects_gateway:
            for i, rule in enumerate(ingress):
                line = ingress.line_of(i)  # type: ignore[attr-defined]
                why = _allows_everyone(rule)
                if why:
                    yield Hit(
                        K8S_NETPOL_ALLOW_ALL,
                        p.path,
                        line,
                        p.id,
                        f"ingress rule {i + 1} of {p.id} {why}{_only_ports(rule)}",
                        f"ingress[{i}]",
                    )
        if p.namespace in ns_with_workloads:
            selector = spec.get("podSelector")
            if (
                isinstance(selector, dict)
                and (selector.get("matchLabels") or selector.get("matchExpressions"))
                and not any(evaluated.selects(p, w) for w in ctx.workloads)
            ):
                yield Hit(
                    K8S_NETPOL_SELECTS_NOTHING,
                    p.path,
                    spec.line_of("podSelector"),
                    p.id,
                    f"{p.id} selects no workload of namespace {p.namespace!r}",
                )


def _only_ports(rule: Any) -> str:
    """`, on port 8082 only` when the rule's ports narrow what it admits."""
    ports = rule.get("ports") if isinstance(rule, dict) else None
    if not isinstance(ports, list) or not ports:
        return ""
    shown = []
    for item in ports:
        if not isinstance(item, dict) or "port" not in item:
            return ""  # a port entry without a port admits every port
        port = str(item.get("port"))
        end = item.get("endPort")
        shown.append(f"{port}-{end}" if end is not None else port)
    word = "port" if len(shown) == 1 and "-" not in shown[0] else "ports"
    return f", but on {word} {', '.join(shown)} only"


def _allows_everyone(rule: Any) -> str:
    if rule is None or (isinstance(rule, dict) and not rule):
        return "is empty: it admits traffic from every source on every port"
    if not isinstance(rule, dict):
        return ""
    peers = rule.get("from")
    if "from" not in rule or peers is None or (isinstance(peers, list) and not peers):
        return "has no `from`: it admits traffic from every source"
    if not isinstance(peers, list):
        return ""
    for peer in peers:
        if not isinstance(peer, dict) or not peer:
            return "has an empty peer: it admits traffic from every source"
        ns_sel = peer.get("namespaceSelector")
        if isinstance(ns_sel, dict) and not ns_sel and "podSelector" not in peer:
            return "admits every pod of every namespace (`namespaceSelector: {}`)"
        block = peer.get("ipBlock")
        if isinstance(block, dict) and str(block.get("cidr")) in ("0.0.0.0/0", "::/0"):
            return f"admits every address ({block.get('cidr')})"
    return ""


RULES: tuple[Rule, ...] = (
    K8S_NETPOL_MISSING,
    K8S_NETPOL_NO_DEFAULT_DENY,
    K8S_NETPOL_NO_DEFAULT_DENY_EGRESS,
    K8S_NETPOL_ALLOW_ALL,
    K8S_NETPOL_SELECTS_NOTHING,
)
