"""``PodSecurityPolicy`` (removed in 1.25 but still found in repositories)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.k8s_control_plane.shorthand import (
    _HIGH,
    _ISO,
    _LOW,
    _LP,
    _MED,
    _PSP,
    _PSP_REF,
    _PSS_REF,
    _rule,
)
from shieldwall.analyzers.config.profiles import BASELINE_CAPABILITIES
from shieldwall.model import Rule
from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import get_map, get_seq
from shieldwall.sources.yaml_tree import YMap, YSeq

# ---- PodSecurityPolicy (removed in 1.25 but still found in repositories)
K8S_PSP_PRIVILEGED = _rule(
    id="K8S-PSP-PRIVILEGED",
    control=_LP,
    severity=_HIGH,
    title="PodSecurityPolicy allows privileged containers",
    description="Pods admitted by this policy may run privileged, with full access to the host.",
    remediation="Set `privileged: false`; migrate to Pod Security Admission (baseline/restricted).",
    applies_to=_PSP,
    cwe="CWE-250",
    references=(
        _PSP_REF,
        _PSS_REF,
    ),
)
K8S_PSP_PRIVILEGE_ESCALATION = _rule(
    id="K8S-PSP-PRIVILEGE-ESCALATION",
    control=_LP,
    severity=_MED,
    title="PodSecurityPolicy allows privilege escalation",
    description=(
        "`allowPrivilegeEscalation` is not false (default: true), so admitted containers "
        "may gain privileges through setuid binaries or file capabilities."
    ),
    remediation="Set `allowPrivilegeEscalation: false`.",
    applies_to=_PSP,
    cwe="CWE-269",
    references=(_PSP_REF,),
)
K8S_PSP_HOST_NAMESPACES = _rule(
    id="K8S-PSP-HOST-NAMESPACES",
    control=_ISO,
    severity=_MED,
    title="PodSecurityPolicy allows host namespaces",
    description=(
        "`hostNetwork`, `hostPID` or `hostIPC` is true, so admitted pods may share the "
        "node's network, processes or IPC."
    ),
    remediation="Set `hostNetwork`, `hostPID` and `hostIPC` to false.",
    applies_to=_PSP,
    cwe="CWE-653",
    references=(_PSP_REF,),
)
K8S_PSP_CAPABILITIES = _rule(
    id="K8S-PSP-CAPABILITIES",
    control=_LP,
    severity=_MED,
    title="PodSecurityPolicy allows dangerous capabilities",
    description=(
        "`allowedCapabilities` or `defaultAddCapabilities` lists `*` or a capability "
        "outside the Pod Security baseline set (such as SYS_ADMIN or NET_ADMIN)."
    ),
    remediation="Allow only the capabilities a workload needs, within the baseline set.",
    applies_to=_PSP,
    cwe="CWE-250",
    references=(
        _PSP_REF,
        _PSS_REF,
    ),
)
K8S_PSP_HOST_PATH = _rule(
    id="K8S-PSP-HOST-PATH",
    control=_ISO,
    severity=_MED,
    title="PodSecurityPolicy allows writable host paths",
    description=(
        "The policy allows hostPath volumes with no `allowedHostPaths`, or allows a host "
        "path without `readOnly: true`, so admitted pods may write to the node."
    ),
    remediation="List `allowedHostPaths` with narrow `pathPrefix` values and `readOnly: true`.",
    applies_to=_PSP,
    cwe="CWE-668",
    references=(_PSP_REF,),
)
K8S_PSP_RUN_AS_ROOT = _rule(
    id="K8S-PSP-RUN-AS-ROOT",
    control=_LP,
    severity=_MED,
    title="PodSecurityPolicy allows containers to run as root",
    description="`runAsUser.rule` is RunAsAny, or a MustRunAs range starts at 0.",
    remediation="Use `runAsUser.rule: MustRunAsNonRoot` or ranges starting above 0.",
    applies_to=_PSP,
    cwe="CWE-250",
    references=(_PSP_REF,),
)
K8S_PSP_NET_RAW = _rule(
    id="K8S-PSP-NET-RAW",
    control=_LP,
    severity=_LOW,
    title="PodSecurityPolicy does not drop NET_RAW",
    description=(
        "`requiredDropCapabilities` contains neither NET_RAW nor ALL, so admitted "
        "containers may craft raw packets (ARP/DNS spoofing inside the node's network)."
    ),
    remediation="Add ALL (or at least NET_RAW) to `requiredDropCapabilities`.",
    applies_to=_PSP,
    cwe="CWE-250",
    references=(_PSP_REF,),
)
K8S_PSP_UNSAFE_SYSCTLS = _rule(
    id="K8S-PSP-UNSAFE-SYSCTLS",
    control=_ISO,
    severity=_MED,
    title="PodSecurityPolicy allows unsafe sysctls",
    description=(
        "`allowedUnsafeSysctls` lets pods set kernel parameters that are not namespaced "
        "and affect every pod on the node."
    ),
    remediation="Remove `allowedUnsafeSysctls`.",
    applies_to=_PSP,
    cwe="CWE-653",
    references=("https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/",),
)
K8S_PSP_UNMASKED_PROC = _rule(
    id="K8S-PSP-UNMASKED-PROC",
    control=_ISO,
    severity=_MED,
    title="PodSecurityPolicy allows an unmasked /proc",
    description=(
        "`allowedProcMountTypes` includes Unmasked, which exposes host kernel information "
        "and writable /proc paths to the container."
    ),
    remediation="Allow only the Default proc mount type.",
    applies_to=_PSP,
    cwe="CWE-653",
    references=(_PSP_REF,),
)
_BASELINE_CAPS = BASELINE_CAPABILITIES  # what PodSecurityPolicies may add


def _cap(value: Any) -> str:
    text = str(value).strip().upper()
    return text[4:] if text.startswith("CAP_") else text


def check(obj: K8sObject) -> Iterator[Hit]:
    spec = get_map(obj.body, "spec")
    if spec is None:
        return
    res = obj.id

    def hit(rule: Rule, line: int, message: str, key: str) -> Hit:
        return Hit(rule, obj.path, line, res, f"{obj.id}: {message}", key)

    if spec.get("privileged") is True:
        yield hit(
            K8S_PSP_PRIVILEGED,
            spec.line_of("privileged"),
            "privileged pods are allowed",
            "privileged",
        )
    if spec.get("allowPrivilegeEscalation") is not False:
        line = spec.line_of("allowPrivilegeEscalation", obj.body.line_of("spec"))
        yield hit(
            K8S_PSP_PRIVILEGE_ESCALATION,
            line,
            "privilege escalation is allowed",
            "allowPrivilegeEscalation",
        )
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(key) is True:
            yield hit(K8S_PSP_HOST_NAMESPACES, spec.line_of(key), f"{key} is allowed", key)
    for key in ("allowedCapabilities", "defaultAddCapabilities"):
        caps = [_cap(c) for c in get_seq(spec, key)]
        bad = [c for c in caps if c not in _BASELINE_CAPS]
        if bad:
            yield hit(
                K8S_PSP_CAPABILITIES, spec.line_of(key), f"{key} includes {', '.join(bad)}", key
            )
    yield from _psp_host_paths(spec, hit)
    yield from _psp_run_as(spec, hit)
    drops = {_cap(c) for c in get_seq(spec, "requiredDropCapabilities")}
    if not drops & {"ALL", "NET_RAW"}:
        line = spec.line_of("requiredDropCapabilities", obj.body.line_of("spec"))
        yield hit(
            K8S_PSP_NET_RAW,
            line,
            "NET_RAW is not required to be dropped",
            "requiredDropCapabilities",
        )
    if get_seq(spec, "allowedUnsafeSysctls"):
        yield hit(
            K8S_PSP_UNSAFE_SYSCTLS,
            spec.line_of("allowedUnsafeSysctls"),
            "unsafe sysctls are allowed",
            "allowedUnsafeSysctls",
        )
    if "Unmasked" in [str(t) for t in get_seq(spec, "allowedProcMountTypes")]:
        yield hit(
            K8S_PSP_UNMASKED_PROC,
            spec.line_of("allowedProcMountTypes"),
            "the Unmasked proc mount type is allowed",
            "allowedProcMountTypes",
        )


_PspHit = Callable[[Rule, int, str, str], Hit]


def _psp_host_paths(spec: YMap, hit: _PspHit) -> Iterator[Hit]:
    volumes = get_seq(spec, "volumes")
    allowed = spec.get("allowedHostPaths")
    if isinstance(allowed, YSeq) and allowed:
        for index, entry in enumerate(allowed):
            if not isinstance(entry, YMap) or entry.get("readOnly") is True:
                continue
            prefix = str(entry.get("pathPrefix", ""))
            line = entry.line_of("readOnly") if "readOnly" in entry else allowed.line_of(index)
            yield hit(
                K8S_PSP_HOST_PATH,
                line,
                f"host path {prefix!r} is writable",
                f"allowedHostPaths[{prefix}]",
            )
        return
    for index, volume in enumerate(volumes):
        if str(volume) in ("*", "hostPath"):
            yield hit(
                K8S_PSP_HOST_PATH,
                volumes.line_of(index),
                f"volumes allows {volume!s} with no allowedHostPaths",
                "volumes",
            )
            return


def _psp_run_as(spec: YMap, hit: _PspHit) -> Iterator[Hit]:
    run_as = get_map(spec, "runAsUser")
    if run_as is None:
        return
    rule = run_as.get("rule")
    if rule == "RunAsAny":
        yield hit(
            K8S_PSP_RUN_AS_ROOT, run_as.line_of("rule"), "runAsUser rule is RunAsAny", "runAsUser"
        )
    elif rule == "MustRunAs":
        ranges = get_seq(run_as, "ranges")
        for index, item in enumerate(ranges):
            if isinstance(item, YMap) and item.get("min") == 0:
                yield hit(
                    K8S_PSP_RUN_AS_ROOT,
                    item.line_of("min"),
                    "runAsUser range includes UID 0",
                    f"runAsUser.ranges[{index}]",
                )


RULES: tuple[Rule, ...] = (
    K8S_PSP_PRIVILEGED,
    K8S_PSP_PRIVILEGE_ESCALATION,
    K8S_PSP_HOST_NAMESPACES,
    K8S_PSP_CAPABILITIES,
    K8S_PSP_HOST_PATH,
    K8S_PSP_RUN_AS_ROOT,
    K8S_PSP_NET_RAW,
    K8S_PSP_UNSAFE_SYSCTLS,
    K8S_PSP_UNMASKED_PROC,
)
