"""Container security context, with the pod/container precedence Kubernetes applies:
privilege, identity, capabilities, confinement (seccomp, AppArmor, SELinux) and
Windows HostProcess."""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.k8s_workload.common import (
    _APPARMOR,
    _CAPS,
    _HOSTPROCESS,
    _PSS,
    _SC,
    _SECCOMP,
    _W,
    _hit,
    _is_int,
    _word,
)
from shieldwall.analyzers.config.profiles import BASELINE, BASELINE_CAPABILITIES, RESTRICTED, breaks
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.workloads import Container, Workload, get_map, string_items
from shieldwall.sources.yaml_tree import YMap

K8S_PRIVILEGED = config_rule(
    id="K8S-PRIVILEGED",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    title="Container runs privileged",
    description=(
        "A privileged container has every capability and access to all host devices; "
        "a compromise of it is a compromise of the node."
    ),
    remediation=(
        "Remove `securityContext.privileged: true`; grant the single capability needed instead."
    ),
    applies_to=_W,
    cwe=("CWE-250",),
    references=(_PSS,),
)
K8S_PRIVILEGE_ESCALATION = config_rule(
    id="K8S-PRIVILEGE-ESCALATION",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    title="Container allows privilege escalation",
    description=(
        "Without `allowPrivilegeEscalation: false` a process can gain more privileges than "
        "its parent (setuid binaries, file capabilities)."
    ),
    remediation="Set `securityContext.allowPrivilegeEscalation: false` on every container.",
    applies_to=_W,
    cwe=("CWE-269",),
    references=(_PSS,),
)
K8S_RUN_AS_ROOT = config_rule(
    id="K8S-RUN-AS-ROOT",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    title="Container may run as root",
    description=(
        "The container sets `runAsUser: 0`, or neither `runAsNonRoot: true` nor a non-zero "
        "`runAsUser` (container or pod level), so it runs as root whenever the image does. "
        "Root in a container is root on the node once a kernel or runtime flaw is used."
    ),
    remediation=(
        "Set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser` (10000 or above) "
        "on the pod or the container, and build the image with a non-root USER."
    ),
    applies_to=_W,
    cwe=("CWE-250",),
    references=(_PSS, _SC),
)
K8S_LOW_UID = config_rule(
    id="K8S-LOW-UID",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.LOW,
    title="Container runs with a low user id",
    description=(
        "A UID below 10000 may coincide with a privileged or service account of the node "
        "(files owned by it, host accounts), which matters after a container escape."
    ),
    remediation="Run with `runAsUser` of 10000 or above (e.g. 10001 or 65532).",
    applies_to=_W,
    cwe=("CWE-250",),
    references=(_SC,),
)
K8S_RUN_AS_ROOT_GROUP = config_rule(
    id="K8S-RUN-AS-ROOT-GROUP",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.LOW,
    title="Container runs with the root group",
    description=(
        "`runAsGroup: 0` gives the process the root group: it can read and write every "
        "file the image or a mounted volume leaves group-accessible to root."
    ),
    remediation="Set `runAsGroup` to a non-zero group id (e.g. 10001).",
    applies_to=_W,
    cwe=("CWE-250",),
    references=(_SC,),
)
K8S_CAPABILITY_DANGEROUS = config_rule(
    id="K8S-CAPABILITY-DANGEROUS",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    title="Container adds a dangerous Linux capability",
    description=(
        "Capabilities such as SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE or ALL give "
        "near-root power over the kernel, the network stack or other processes, and are "
        "the usual way out of a container."
    ),
    remediation=(
        "Remove the capability from `securityContext.capabilities.add`; if a feature needs "
        "it, move that feature to a dedicated, reviewed component."
    ),
    applies_to=_W,
    cwe=("CWE-250",),
    references=(_PSS, _CAPS),
)
K8S_CAPABILITY_ADDED = config_rule(
    id="K8S-CAPABILITY-ADDED",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    title="Container adds a Linux capability",
    description=(
        "Every added capability (NET_RAW, CHOWN, SETUID...) widens what a compromised "
        "process can do; the restricted Pod Security Standard allows only NET_BIND_SERVICE."
    ),
    remediation="Remove the capability from `capabilities.add`, or keep only NET_BIND_SERVICE.",
    applies_to=_W,
    cwe=("CWE-250",),
    references=(_PSS, _CAPS),
)
K8S_CAPABILITIES_NOT_DROPPED = config_rule(
    id="K8S-CAPABILITIES-NOT-DROPPED",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    title="Container does not drop all capabilities",
    description=(
        "Container runtimes grant a default set of capabilities (NET_RAW, CHOWN, SETUID, "
        "DAC_OVERRIDE...) unless they are dropped; NET_RAW alone allows spoofing on the "
        "pod network."
    ),
    remediation="Set `securityContext.capabilities.drop: [ALL]` and add back only what is needed.",
    applies_to=_W,
    cwe=("CWE-250",),
    references=(_PSS, _CAPS),
)
K8S_WRITABLE_ROOT_FS = config_rule(
    id="K8S-WRITABLE-ROOT-FS",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.LOW,
    title="Container root filesystem is writable",
    description=(
        "A writable root filesystem lets an intruder drop tools, alter binaries and persist "
        "in the container."
    ),
    remediation=(
        "Set `securityContext.readOnlyRootFilesystem: true`; mount an emptyDir where the "
        "application must write."
    ),
    applies_to=_W,
    cwe=("CWE-732",),
    references=(_SC,),
)
K8S_SECCOMP_UNCONFINED = config_rule(
    id="K8S-SECCOMP-UNCONFINED",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="Seccomp is explicitly disabled",
    description=(
        "An `Unconfined` seccomp profile lets the container make every system call, "
        "including the rarely used ones that most kernel exploits need."
    ),
    remediation=(
        "Set `securityContext.seccompProfile.type: RuntimeDefault` (or a Localhost profile)."
    ),
    applies_to=_W,
    cwe=("CWE-693",),
    references=(_SECCOMP, _PSS),
)
K8S_SECCOMP_NOT_SET = config_rule(
    id="K8S-SECCOMP-NOT-SET",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="No seccomp profile",
    description=(
        "Without a seccomp profile Kubernetes runs containers unconfined by default, so the "
        "whole system call surface of the kernel is reachable."
    ),
    remediation="Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod.",
    applies_to=_W,
    cwe=("CWE-693",),
    references=(_SECCOMP, _PSS),
)
K8S_APPARMOR_UNCONFINED = config_rule(
    id="K8S-APPARMOR-UNCONFINED",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="AppArmor is disabled or not a valid profile",
    description=(
        "An `unconfined` AppArmor profile (field or annotation), or a value that names no "
        "valid profile, removes the mandatory access control that limits file and "
        "capability use inside the container."
    ),
    remediation=(
        "Use `appArmorProfile.type: RuntimeDefault` (or Localhost with a profile name), or "
        "the annotation value `runtime/default` / `localhost/<profile>`."
    ),
    applies_to=_W,
    cwe=("CWE-693",),
    references=(_APPARMOR, _PSS),
)
K8S_PROC_MOUNT_UNMASKED = config_rule(
    id="K8S-PROC-MOUNT-UNMASKED",
    control=Control.ISOLATION,
    severity=Severity.HIGH,
    title="Container /proc is unmasked",
    description=(
        "`procMount: Unmasked` removes the masking of sensitive /proc paths (kcore, "
        "sysrq-trigger, timer_list...) that protects the node's kernel."
    ),
    remediation="Remove `procMount` or set it to `Default`.",
    applies_to=_W,
    cwe=("CWE-668",),
    references=(_PSS,),
)
K8S_SELINUX_CUSTOM = config_rule(
    id="K8S-SELINUX-CUSTOM",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="Custom SELinux user, role or type",
    description=(
        "Setting the SELinux user or role, or a type other than the container types "
        "(container_t, container_init_t, container_kvm_t, container_engine_t), can give the "
        "process an unconfined or host-level domain."
    ),
    remediation="Remove `seLinuxOptions.user`, `.role` and any custom `.type`; keep only `level`.",
    applies_to=_W,
    cwe=("CWE-693",),
    references=(_PSS,),
)
K8S_WINDOWS_HOST_PROCESS = config_rule(
    id="K8S-WINDOWS-HOST-PROCESS",
    control=Control.ISOLATION,
    severity=Severity.HIGH,
    title="Windows HostProcess container",
    description=(
        "A HostProcess container runs directly on the Windows node with the privileges of a "
        "host account; it is not isolated at all."
    ),
    remediation=(
        "Remove `windowsOptions.hostProcess: true`; run node agents as reviewed DaemonSets "
        "in a dedicated namespace."
    ),
    applies_to=_W,
    cwe=("CWE-250",),
    references=(_HOSTPROCESS, _PSS),
)
_DANGEROUS_CAPS = frozenset(
    {
        "ALL",
        "SYS_ADMIN",
        "NET_ADMIN",
        "SYS_PTRACE",
        "SYS_MODULE",
        "SYS_RAWIO",
        "SYS_BOOT",
        "SYS_TIME",
        "DAC_READ_SEARCH",
        "BPF",
        "PERFMON",
        "MAC_ADMIN",
        "MAC_OVERRIDE",
        "SYSLOG",
    }
)
_HARMLESS_CAPS = frozenset({"NET_BIND_SERVICE"})
_SELINUX_TYPES = frozenset(
    {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
)
_SECCOMP_POD_ANNOTATIONS = (
    "seccomp.security.alpha.kubernetes.io/pod",
    "seccomp.security.alpha.kubernetes.io/defaultProfileName",
)
_SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"
_APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


def _privilege(w: Workload, c: Container) -> Iterator[Hit]:
    privileged = c.security("privileged")
    if privileged.value is True:
        yield _hit(
            K8S_PRIVILEGED,
            w,
            privileged.line,
            f"container {c.name!r} of {w.id} runs privileged",
            c.key,
        )
    escalation = c.security("allowPrivilegeEscalation")
    if escalation.value is not False and privileged.value is not True:
        line = escalation.line if escalation.is_set else c.missing_line()
        yield _hit(
            K8S_PRIVILEGE_ESCALATION,
            w,
            line,
            f"container {c.name!r} of {w.id} does not set allowPrivilegeEscalation: false",
            c.key,
        )


def _identity(w: Workload, c: Container) -> Iterator[Hit]:
    who = f"container {c.name!r} of {w.id}"
    user = c.security("runAsUser")
    if _is_int(user.value):
        if user.value == 0:
            yield _hit(K8S_RUN_AS_ROOT, w, user.line, f"{who} runs as UID 0 (root)", c.key)
        elif 0 < user.value < 10000:
            yield _hit(K8S_LOW_UID, w, user.line, f"{who} runs as the low UID {user.value}", c.key)
    elif not user.is_set or user.value is None:
        non_root = c.security("runAsNonRoot")
        if non_root.value is not True:
            line = non_root.line if non_root.is_set else c.missing_line()
            yield _hit(
                K8S_RUN_AS_ROOT,
                w,
                line,
                f"{who} sets neither runAsNonRoot: true nor a non-zero runAsUser",
                c.key,
            )
    group = c.security("runAsGroup")
    if _is_int(group.value) and group.value == 0:
        yield _hit(K8S_RUN_AS_ROOT_GROUP, w, group.line, f"{who} runs with GID 0", c.key)


def _capabilities(w: Workload, c: Container) -> Iterator[Hit]:
    who = f"container {c.name!r} of {w.id}"
    caps = c.security("capabilities")
    cap_map = caps.value if isinstance(caps.value, YMap) else None
    if cap_map is not None:
        for raw, line in string_items(cap_map, "add"):
            cap = raw.strip().upper().removeprefix("CAP_")
            if cap in _HARMLESS_CAPS or not cap:
                continue
            rule = K8S_CAPABILITY_DANGEROUS if cap in _DANGEROUS_CAPS else K8S_CAPABILITY_ADDED
            profile = RESTRICTED if cap in BASELINE_CAPABILITIES else BASELINE
            yield _hit(
                rule,
                w,
                line,
                f"{who} adds the capability {cap} ({breaks(profile)})",
                f"{c.key}.capabilities.add[{cap}]",
            )
    dropped = {v.strip().upper() for v, _ in string_items(cap_map, "drop")} if cap_map else set()
    if "ALL" in dropped:
        return
    if cap_map is not None and "drop" in cap_map:
        line = cap_map.line_of("drop")
    elif caps.is_set:
        line = caps.line
    else:
        line = c.missing_line()
    yield _hit(
        K8S_CAPABILITIES_NOT_DROPPED, w, line, f"{who} does not drop ALL capabilities", c.key
    )


def _confinement(w: Workload, c: Container) -> Iterator[Hit]:
    who = f"container {c.name!r} of {w.id}"
    read_only = c.security("readOnlyRootFilesystem")
    if read_only.value is not True:
        line = read_only.line if read_only.is_set else c.missing_line()
        yield _hit(
            K8S_WRITABLE_ROOT_FS,
            w,
            line,
            f"{who} does not set readOnlyRootFilesystem: true",
            c.key,
        )
    proc_mount = c.security("procMount")
    if _word(proc_mount.value) == "unmasked":
        yield _hit(
            K8S_PROC_MOUNT_UNMASKED, w, proc_mount.line, f"{who} sets procMount: Unmasked", c.key
        )
    yield from _seccomp(w, c)
    yield from _apparmor(w, c)
    yield from _selinux(w, c)


def _annotation(w: Workload, key: str) -> tuple[str, int] | None:
    ann = get_map(w.template, "metadata", "annotations")
    if ann is None or key not in ann:
        return None
    return _word(ann[key]), ann.line_of(key)


def _seccomp(w: Workload, c: Container) -> Iterator[Hit]:
    who = f"container {c.name!r} of {w.id}"
    profile = c.security("seccompProfile")
    if isinstance(profile.value, YMap):
        kind = _word(profile.value.get("type"))
        if kind == "unconfined":
            line = profile.value.line_of("type")
            yield _hit(K8S_SECCOMP_UNCONFINED, w, line, f"{who} runs seccomp Unconfined", c.key)
        return
    if profile.is_set:
        return  # odd shape: not ours to judge
    candidates = [_SECCOMP_CONTAINER_ANNOTATION + c.name, *_SECCOMP_POD_ANNOTATIONS]
    for key in candidates:
        found = _annotation(w, key)
        if found is None:
            continue
        value, line = found
        if value == "unconfined":
            yield _hit(
                K8S_SECCOMP_UNCONFINED,
                w,
                line,
                f"{who} runs seccomp unconfined (annotation {key})",
                c.key,
            )
        elif not value.startswith(("runtime/default", "docker/default", "localhost/")):
            yield _hit(
                K8S_SECCOMP_NOT_SET,
                w,
                line,
                f"{who}: annotation {key} names no seccomp profile that applies",
                c.key,
            )
        return
    yield _hit(K8S_SECCOMP_NOT_SET, w, c.missing_line(), f"{who} has no seccomp profile", c.key)


def _apparmor(w: Workload, c: Container) -> Iterator[Hit]:
    who = f"container {c.name!r} of {w.id}"
    profile = c.security("appArmorProfile")
    if isinstance(profile.value, YMap):
        if _word(profile.value.get("type")) == "unconfined":
            yield _hit(
                K8S_APPARMOR_UNCONFINED,
                w,
                profile.value.line_of("type"),
                f"{who} runs AppArmor Unconfined",
                c.key,
            )
        return
    found = _annotation(w, _APPARMOR_ANNOTATION + c.name)
    if found is None:
        return
    value, line = found
    if value == "runtime/default" or value.startswith("localhost/"):
        return
    what = "unconfined" if value == "unconfined" else f"set to the invalid profile {value!r}"
    yield _hit(K8S_APPARMOR_UNCONFINED, w, line, f"AppArmor of {who} is {what}", c.key)


def _selinux(w: Workload, c: Container) -> Iterator[Hit]:
    options = c.security("seLinuxOptions")
    if not isinstance(options.value, YMap):
        return
    who = f"container {c.name!r} of {w.id}"
    opts = options.value
    for field in ("user", "role"):
        if opts.get(field):
            yield _hit(
                K8S_SELINUX_CUSTOM,
                w,
                opts.line_of(field),
                f"{who} sets the SELinux {field}",
                f"{c.key}.seLinuxOptions.{field}",
            )
    kind = opts.get("type")
    if isinstance(kind, str) and kind.strip() not in _SELINUX_TYPES:
        yield _hit(
            K8S_SELINUX_CUSTOM,
            w,
            opts.line_of("type"),
            f"{who} runs with the SELinux type {kind.strip()}",
            f"{c.key}.seLinuxOptions.type",
        )


def _windows(w: Workload, c: Container) -> Iterator[Hit]:
    options = c.security("windowsOptions")
    if isinstance(options.value, YMap) and options.value.get("hostProcess") is True:
        yield _hit(
            K8S_WINDOWS_HOST_PROCESS,
            w,
            options.value.line_of("hostProcess"),
            f"container {c.name!r} of {w.id} is a Windows HostProcess container",
            c.key,
        )


RULES: tuple[Rule, ...] = (
    K8S_PRIVILEGED,
    K8S_PRIVILEGE_ESCALATION,
    K8S_RUN_AS_ROOT,
    K8S_LOW_UID,
    K8S_RUN_AS_ROOT_GROUP,
    K8S_CAPABILITY_DANGEROUS,
    K8S_CAPABILITY_ADDED,
    K8S_CAPABILITIES_NOT_DROPPED,
    K8S_WRITABLE_ROOT_FS,
    K8S_SECCOMP_UNCONFINED,
    K8S_SECCOMP_NOT_SET,
    K8S_APPARMOR_UNCONFINED,
    K8S_PROC_MOUNT_UNMASKED,
    K8S_SELINUX_CUSTOM,
    K8S_WINDOWS_HOST_PROCESS,
)
