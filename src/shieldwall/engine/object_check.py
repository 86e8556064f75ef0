"""Judge one Kubernetes object (a dict, as the API server sends it) with the
config analyzer's rules, the project's settings and the same severities as
`scan`: what the admission webhook and the audit-log watcher ask.

`check_object(obj, source=...)` is the stable entry point:

- `obj`: the object as a mapping (`apiVersion`, `kind`, `metadata`, `spec`...).
- `source`: where it came from (`admission`, `audit.log:12`); it is the
  findings' `location.path`, so exceptions in `.shieldwall.yaml` match it by
  their `path` glob as they match a file path.
- `config`: the project configuration (exceptions with expiry, gateway,
  fail_on); `ProjectConfig()` when None.
- `context`: other objects of the cluster (a snapshot) for the rules that need
  them (bindings of a ServiceAccount, NetworkPolicies selecting the pod, the
  gateway). None: no context, and those rules (`CONTEXT_RULES`) are left out,
  since without the other objects they could only guess.
- `today`: the date exceptions expire against (default: today).

It returns the object's findings, suppressed ones included (`Finding.suppressed`),
redacted like a scan's, each with `location.start_line` a key into
`ObjectCheck.field_of` giving the offending field's path
(`spec.template.spec.containers[0].securityContext.privileged`). `field_path`
gives it for a finding of the last checked object. `ObjectCheck` keeps the
rules and configuration between calls (a server checks many objects)."""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shieldwall.analyzers.config import ConfigAnalyzer
from shieldwall.analyzers.config.context import ConfigContext
from shieldwall.analyzers.config.k8s_access import accounts
from shieldwall.analyzers.config.k8s_control_plane import etcd
from shieldwall.analyzers.config.k8s_network import exposure, netpol
from shieldwall.analyzers.config.profiles import OPT_IN
from shieldwall.engine.exceptions import EXPIRED_RULE_ID, apply_exceptions
from shieldwall.engine.gate import threshold, verdict
from shieldwall.engine.project_config import ProjectConfig
from shieldwall.engine.redaction import redact_finding
from shieldwall.engine.rule_ids import check_patterns
from shieldwall.model import Finding, Gate, Rule
from shieldwall.sources.manifests import Inventory, K8sObject, object_from_body
from shieldwall.sources.yaml_tree import YMap, YSeq

# Rules whose verdict on an object depends on other objects of the cluster: they
# apply only when a snapshot of the cluster is given as context.
CONTEXT_RULES = frozenset(
    r.id
    for r in (
        accounts.K8S_DEFAULT_SA_TOKEN,
        accounts.K8S_SA_TOKEN_AUTOMOUNT,
        accounts.K8S_SA_ADMIN_WORKLOAD,
        accounts.K8S_SA_SHARED,
        etcd.K8S_ETCD_SHARED_CA,
        exposure.K8S_INGRESS_BYPASSES_GATEWAY,
        exposure.K8S_INGRESS_NO_AUTH,
        netpol.K8S_NETPOL_MISSING,
        netpol.K8S_NETPOL_NO_DEFAULT_DENY,
        netpol.K8S_NETPOL_NO_DEFAULT_DENY_EGRESS,
        netpol.K8S_NETPOL_SELECTS_NOTHING,
        exposure.K8S_SERVICE_EXPOSED,
    )
)


@dataclass(frozen=True, slots=True)
class ObjectVerdict:
    """One object judged: its findings and the gate they give under fail_on."""

    findings: tuple[Finding, ...]
    gate: Gate
    fields: Mapping[int, str] = field(default_factory=dict)
    # False when cross-resource rules were left out (no cluster context).
    with_context: bool = False

    @property
    def active(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.suppressed)

    def field_of(self, finding: Finding) -> str:
        return self.fields.get(finding.location.start_line, "")


def _tree(value: Any, path: str, fields: dict[int, str]) -> Any:
    """`value` as YMap/YSeq whose 'lines' are node numbers, each recorded with its path."""
    line = len(fields) + 1
    fields[line] = path
    if isinstance(value, Mapping):
        out = YMap(line)
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if isinstance(item, Mapping | list | tuple):
                out[key] = _tree(item, child, fields)
                out.key_lines[key] = out[key].line
            else:
                out.key_lines[key] = len(fields) + 1
                fields[len(fields) + 1] = child
                out[key] = item
        return out
    if isinstance(value, list | tuple):
        seq = YSeq(line)
        for index, item in enumerate(value):
            child = f"{path}[{index}]"
            if isinstance(item, Mapping | list | tuple):
                node = _tree(item, child, fields)
                seq.append(node)
                seq.item_lines.append(node.line)
            else:
                seq.item_lines.append(len(fields) + 1)
                fields[len(fields) + 1] = child
                seq.append(item)
        return seq
    return value


def to_k8s_object(obj: Mapping[str, Any], source: str, fields: dict[int, str]) -> K8sObject | None:
    """The object as the analyzers read it (None when it is not a Kubernetes object)."""
    body = _tree(obj, "", fields)
    return object_from_body(source, 0, body) if isinstance(body, YMap) else None


def _relevant_expired(
    findings: Sequence[Finding], judged: Iterable[Finding], resource: str
) -> list[Finding]:
    """Keep an expired-exception finding only when it covered one of this object's."""
    out = []
    for f in judged:
        if f.rule.id != EXPIRED_RULE_ID:
            out.append(f)
            continue
        rule_glob, _, rest = f.key.partition("|")
        _path, _, resource_glob = rest.partition("|")
        if fnmatch.fnmatchcase(resource, resource_glob) and any(
            fnmatch.fnmatchcase(g.rule.id, rule_glob) for g in findings
        ):
            out.append(f)
    return out


class ObjectCheck:
    """Checks objects one by one with the same analyzer and configuration."""

    def __init__(
        self,
        config: ProjectConfig | None = None,
        *,
        rules: Sequence[str] = (),
        skip_rules: Sequence[str] = (),
        fail_on: str | None = None,
        decisions: Callable[[], Mapping[str, str]] | None = None,
    ) -> None:
        """`rules`/`skip_rules`: ids or globs as `scan --rule/--skip-rule` take them;
        `fail_on`: a severity or `none` over the config's (as `scan --fail-on`);
        `decisions`: the triage of a findings service now ("RULE|resource" ->
        reason), suppressing what it covers as `scan --server` does."""
        self.config = config or ProjectConfig()
        self._decisions = decisions
        self._analyzer = ConfigAnalyzer()
        ids = [r.id for r in self._analyzer.rules()]
        check_patterns("--rule", rules, ids)
        check_patterns("--skip-rule", skip_rules, ids)
        self._only, self._skip = tuple(rules), tuple(skip_rules)
        self.fail_on, _ = threshold(fail_on, self.config)

    def rules(self, with_context: bool = False) -> tuple[Rule, ...]:
        """The Kubernetes rules that apply to objects (all but compose and Dockerfile;
        the opt-in ones only under `profile: strict`, as in `scan`)."""
        strict = self.config.settings.config_profile == "strict"
        return tuple(
            r
            for r in self._analyzer.rules()
            if not r.id.startswith(("COMPOSE-", "DOCKER"))
            and (strict or r.id not in OPT_IN)
            and (with_context or r.id not in CONTEXT_RULES)
            and self._selected(r.id)
        )

    def _selected(self, rule_id: str) -> bool:
        def hit(patterns: Sequence[str]) -> bool:
            return any(fnmatch.fnmatchcase(rule_id, p.upper()) for p in patterns)

        return (not self._only or hit(self._only)) and not hit(self._skip)

    def judge(
        self,
        obj: Mapping[str, Any],
        *,
        source: str,
        context: Sequence[Mapping[str, Any]] | None = None,
        today: dt.date | None = None,
    ) -> ObjectVerdict:
        fields: dict[int, str] = {}
        target = to_k8s_object(obj, source, fields)
        if target is None:
            return ObjectVerdict((), verdict((), (), self.fail_on), fields, context is not None)
        objects = [target]
        for other in context or ():
            converted = to_k8s_object(other, "cluster", {})
            if converted is not None and converted.id != target.id:
                objects.append(converted)
        ctx = ConfigContext(Inventory(kubernetes=objects), self.config.settings)
        found = [
            f
            for f in self._analyzer.findings(ctx)
            # Objects that are files rather than API objects (KubeletConfiguration)
            # are named by kind and path.
            if f.resource in (target.id, f"{target.kind}/{source}")
            and f.location.path == source
            and (context is not None or f.rule.id not in CONTEXT_RULES)
            and self._selected(f.rule.id)
        ]
        if self.config.exceptions:
            judged = apply_exceptions(
                found, self.config.exceptions, self.config.path, today or dt.date.today()
            )
            found = _relevant_expired(found, judged, target.id)
        if self._decisions is not None:
            found = _triaged(found, self._decisions())
        found = [redact_finding(f) for f in found]
        gate = verdict(found, (), self.fail_on)
        return ObjectVerdict(tuple(found), gate, fields, context is not None)


def _triaged(found: Sequence[Finding], held: Mapping[str, str]) -> list[Finding]:
    return [
        f.suppress("server", held[f"{f.rule.id}|{f.resource}"])
        if not f.suppressed and f"{f.rule.id}|{f.resource}" in held
        else f
        for f in found
    ]


def check_object(
    obj: Mapping[str, Any],
    *,
    source: str,
    config: ProjectConfig | None = None,
    context: Sequence[Mapping[str, Any]] | None = None,
    today: dt.date | None = None,
) -> list[Finding]:
    """The findings of one Kubernetes object (see the module's docstring)."""
    judged = ObjectCheck(config).judge(obj, source=source, context=context, today=today)
    return list(judged.findings)
