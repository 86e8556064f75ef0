"""Privilege and isolation of a service: privileged mode, capabilities, security
options, host namespaces, devices, the user and a read-only root filesystem."""

from __future__ import annotations

import re
from collections.abc import Iterator

from shieldwall.analyzers.config.compose.service import (
    _DOCKER_SECURITY,
    _RUN_REF,
    _SPEC,
    _SVC,
    _Service,
    _strings,
)
from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.yaml_tree import YMap, YSeq

COMPOSE_PRIVILEGED = config_rule(
    id="COMPOSE-PRIVILEGED",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    title="Compose service runs privileged",
    description=(
        "`privileged: true` gives the container every capability and all host devices, and "
        "turns off seccomp and AppArmor: a compromise of it is a compromise of the host."
    ),
    remediation=(
        "Remove `privileged: true`; add only the single capability or device the service needs."
    ),
    applies_to=_SVC,
    cwe=("CWE-250",),
    references=(_SPEC + "#privileged", _DOCKER_SECURITY),
)
COMPOSE_CAP_ADD_DANGEROUS = config_rule(
    id="COMPOSE-CAP-ADD-DANGEROUS",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    title="Compose service adds a dangerous capability",
    description=(
        "Capabilities such as ALL, SYS_ADMIN, NET_ADMIN, SYS_PTRACE or SYS_MODULE let a process "
        "escape the container or take over the host's network or kernel."
    ),
    remediation=(
        "Remove the capability from `cap_add`; redesign the service so it does not need it."
    ),
    applies_to=_SVC,
    cwe=("CWE-250",),
    references=(_SPEC + "#cap_add", _RUN_REF + "#privileged"),
)
COMPOSE_CAP_ADD = config_rule(
    id="COMPOSE-CAP-ADD",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.LOW,
    title="Compose service adds capabilities",
    description="Every added capability widens what a compromised process can do.",
    remediation=(
        "Check each entry of `cap_add` is needed; prefer `cap_drop: [ALL]` plus the minimum."
    ),
    applies_to=_SVC,
    cwe=("CWE-250",),
    references=(_SPEC + "#cap_add",),
)
COMPOSE_CAP_DROP_ALL_MISSING = config_rule(
    id="COMPOSE-CAP-DROP-ALL-MISSING",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.LOW,
    title="Compose service keeps the default capabilities",
    description=(
        "Without `cap_drop: [ALL]` the container keeps Docker's default set (NET_RAW, "
        "SETUID, CHOWN, DAC_OVERRIDE...), most of which a service never uses."
    ),
    remediation="Add `cap_drop: [ALL]` and list in `cap_add` only what the service needs.",
    applies_to=_SVC,
    cwe=("CWE-250",),
    references=(_SPEC + "#cap_drop",),
)
COMPOSE_NO_NEW_PRIVILEGES = config_rule(
    id="COMPOSE-NO-NEW-PRIVILEGES",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    title="Compose service allows privilege escalation",
    description=(
        "Without `no-new-privileges:true` a process can gain privileges through setuid "
        "binaries or file capabilities."
    ),
    remediation='Add `security_opt: ["no-new-privileges:true"]` to the service.',
    applies_to=_SVC,
    cwe=("CWE-269",),
    references=(_RUN_REF + "#security-opt",),
)
COMPOSE_SECURITY_OPT_UNCONFINED = config_rule(
    id="COMPOSE-SECURITY-OPT-UNCONFINED",
    control=Control.ISOLATION,
    severity=Severity.HIGH,
    title="Compose service disables a kernel confinement profile",
    description=(
        "`seccomp:unconfined`, `apparmor:unconfined` or `label:disable` remove the syscall "
        "filter or mandatory access control that contain a compromised container."
    ),
    remediation=(
        "Remove the option; if a syscall is missing, use a custom seccomp profile that adds it."
    ),
    applies_to=_SVC,
    cwe=("CWE-693",),
    references=("https://docs.docker.com/engine/security/seccomp/", _RUN_REF + "#security-opt"),
)
COMPOSE_READ_ONLY_ROOTFS = config_rule(
    id="COMPOSE-READ-ONLY-ROOTFS",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.LOW,
    title="Compose service has a writable root filesystem",
    description=(
        "A writable root filesystem lets an attacker drop tools or modify the application "
        "inside the running container."
    ),
    remediation=(
        "Set `read_only: true` and mount `tmpfs` or volumes for the paths that must be written."
    ),
    applies_to=_SVC,
    cwe=("CWE-732",),
    references=(_SPEC + "#read_only",),
)
COMPOSE_RUN_AS_ROOT = config_rule(
    id="COMPOSE-RUN-AS-ROOT",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    title="Compose service runs as root",
    description=(
        "With no `user:` (and no USER in the image) or `user: root`, the process runs as UID 0; "
        "a container escape then lands as root on the host."
    ),
    remediation=(
        'Set `user: "10001:10001"` (a non-root UID) on the service, or USER in its Dockerfile.'
    ),
    applies_to=_SVC,
    cwe=("CWE-250",),
    references=(_SPEC + "#user",),
)
COMPOSE_HOST_NETWORK = config_rule(
    id="COMPOSE-HOST-NETWORK",
    control=Control.ISOLATION,
    severity=Severity.HIGH,
    title="Compose service uses the host network",
    description=(
        "`network_mode: host` removes network isolation: the service sees every host interface, "
        "can bind any host port and reach services listening on localhost."
    ),
    remediation=(
        "Remove `network_mode: host`; attach the service to a user-defined network instead."
    ),
    applies_to=_SVC,
    cwe=("CWE-668",),
    references=(_SPEC + "#network_mode",),
)
COMPOSE_HOST_PID = config_rule(
    id="COMPOSE-HOST-PID",
    control=Control.ISOLATION,
    severity=Severity.HIGH,
    title="Compose service shares the host PID namespace",
    description=(
        "`pid: host` lets the container see and signal every host process and read their "
        "environment through /proc."
    ),
    remediation="Remove `pid: host`.",
    applies_to=_SVC,
    cwe=("CWE-668",),
    references=(_SPEC + "#pid",),
)
COMPOSE_HOST_IPC = config_rule(
    id="COMPOSE-HOST-IPC",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="Compose service shares the host IPC namespace",
    description=(
        "`ipc: host` gives access to the host's shared memory and IPC objects of other processes."
    ),
    remediation="Remove `ipc: host`; use `ipc: shareable` between the services that need it.",
    applies_to=_SVC,
    cwe=("CWE-668",),
    references=(_SPEC + "#ipc",),
)
COMPOSE_HOST_NAMESPACE = config_rule(
    id="COMPOSE-HOST-NAMESPACE",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="Compose service shares a host namespace (user, cgroup or UTS)",
    description=(
        "`userns_mode: host` turns off user-namespace remapping (root in the container is root "
        "on the host); `cgroup: host` and `uts: host` share the host's cgroup tree and hostname."
    ),
    remediation="Remove `userns_mode: host`, `cgroup: host` and `uts: host`.",
    applies_to=_SVC,
    cwe=("CWE-668",),
    references=(_SPEC + "#userns_mode", _SPEC + "#cgroup"),
)
COMPOSE_CGROUP_PARENT = config_rule(
    id="COMPOSE-CGROUP-PARENT",
    control=Control.ISOLATION,
    severity=Severity.INFO,
    title="Compose service is placed in a custom parent cgroup",
    description=(
        "With `cgroup_parent` the resource limits that apply come from a cgroup managed outside "
        "the compose file, so they cannot be reviewed here."
    ),
    remediation=(
        "Remove `cgroup_parent` and declare limits on the service, or document the parent's limits."
    ),
    applies_to=_SVC,
    cwe=("CWE-770",),
    references=(_SPEC + "#cgroup_parent",),
)
COMPOSE_DEVICES = config_rule(
    id="COMPOSE-DEVICES",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="Compose service maps a host device",
    description=(
        "A host device in the container gives direct access to hardware or kernel interfaces "
        "(disks, /dev/mem, GPUs) outside the container's isolation."
    ),
    remediation=(
        "Remove the device mapping unless the service cannot work without it; never map "
        "block devices or /dev/mem."
    ),
    applies_to=_SVC,
    cwe=("CWE-668",),
    references=(_SPEC + "#devices",),
)
# Capabilities that amount to host or kernel control.
_DANGEROUS_CAPS = frozenset(
    {
        "ALL",
        "SYS_ADMIN",
        "SYS_MODULE",
        "SYS_PTRACE",
        "SYS_RAWIO",
        "SYS_BOOT",
        "SYS_TIME",
        "NET_ADMIN",
        "DAC_READ_SEARCH",
        "BPF",
        "PERFMON",
        "MAC_ADMIN",
        "MAC_OVERRIDE",
        "LINUX_IMMUTABLE",
        "SYSLOG",
    }
)
_ROOT_USER = re.compile(r"^(root|0)(:.*)?$")


def _privileged_hits(svc: _Service, privileged: bool) -> Iterator[Hit]:
    if privileged:
        yield svc.hit(
            COMPOSE_PRIVILEGED, svc.key_line("privileged"), "runs privileged", "privileged"
        )


def _read_only_hits(svc: _Service) -> Iterator[Hit]:
    if svc.body.get("read_only") is not True:
        line = svc.key_line("read_only")
        yield svc.hit(
            COMPOSE_READ_ONLY_ROOTFS,
            line,
            "root filesystem is writable (read_only is not true)",
            "read_only",
        )


def _cap_name(text: str) -> str:
    name = text.strip().upper()
    return name[4:] if name.startswith("CAP_") else name


def _capability_hits(svc: _Service, privileged: bool) -> Iterator[Hit]:
    added = [_cap_name(t) for _, t in _strings(svc.body.get("cap_add"))]
    line = svc.key_line("cap_add")
    dangerous = sorted({c for c in added if c in _DANGEROUS_CAPS})
    other = sorted({c for c in added if c not in _DANGEROUS_CAPS and c})
    if dangerous:
        yield svc.hit(
            COMPOSE_CAP_ADD_DANGEROUS,
            line,
            f"adds dangerous capabilities {', '.join(dangerous)}",
            "cap_add",
        )
    if other:
        yield svc.hit(COMPOSE_CAP_ADD, line, f"adds capabilities {', '.join(other)}", "cap_add")
    if privileged:
        return
    dropped = {_cap_name(t) for _, t in _strings(svc.body.get("cap_drop"))}
    if "ALL" not in dropped:
        yield svc.hit(
            COMPOSE_CAP_DROP_ALL_MISSING,
            svc.key_line("cap_drop"),
            "does not drop all capabilities (cap_drop: [ALL])",
            "cap_drop",
        )


def _security_opt_hits(svc: _Service, privileged: bool) -> Iterator[Hit]:
    options = _strings(svc.body.get("security_opt"))
    no_new_privileges = False
    for line, text in options:
        norm = re.sub(r"\s+", "", text.lower()).replace("=", ":")
        if norm in ("no-new-privileges", "no-new-privileges:true"):
            no_new_privileges = True
        parts = norm.split(":")
        unconfined = ("seccomp" in parts or "apparmor" in parts or "systempaths" in parts) and (
            parts[-1] == "unconfined"
        )
        if unconfined or norm == "label:disable":
            yield svc.hit(
                COMPOSE_SECURITY_OPT_UNCONFINED,
                line,
                f"security_opt {text!r} disables confinement",
                f"security_opt[{norm}]",
            )
    if not no_new_privileges and not privileged:
        yield svc.hit(
            COMPOSE_NO_NEW_PRIVILEGES,
            svc.key_line("security_opt"),
            "does not set security_opt no-new-privileges:true",
            "security_opt",
        )


def _namespace_hits(svc: _Service) -> Iterator[Hit]:
    fields = (
        ("network_mode", COMPOSE_HOST_NETWORK, "uses the host network"),
        ("pid", COMPOSE_HOST_PID, "shares the host PID namespace"),
        ("ipc", COMPOSE_HOST_IPC, "shares the host IPC namespace"),
        ("userns_mode", COMPOSE_HOST_NAMESPACE, "shares the host user namespace"),
        ("cgroup", COMPOSE_HOST_NAMESPACE, "shares the host cgroup namespace"),
        ("uts", COMPOSE_HOST_NAMESPACE, "shares the host UTS namespace"),
    )
    for field, rule, message in fields:
        value = svc.body.get(field)
        if isinstance(value, str) and value.strip().lower() == "host":
            yield svc.hit(rule, svc.key_line(field), message, field)
    parent = svc.body.get("cgroup_parent")
    if isinstance(parent, str) and parent.strip():
        yield svc.hit(
            COMPOSE_CGROUP_PARENT,
            svc.key_line("cgroup_parent"),
            f"runs under parent cgroup {parent!r}",
            "cgroup_parent",
        )


def _device_hits(svc: _Service) -> Iterator[Hit]:
    devices = svc.body.get("devices")
    if not isinstance(devices, YSeq):
        return
    for index, item in enumerate(devices):
        if isinstance(item, YMap):
            text = str(item.get("source", ""))
        elif isinstance(item, str):
            text = item.split(":", 1)[0]
        else:
            continue
        yield svc.hit(
            COMPOSE_DEVICES,
            devices.line_of(index),
            f"maps host device {text}",
            f"devices[{text}]",
        )


def _user_hits(svc: _Service, built_unprivileged: bool = False) -> Iterator[Hit]:
    user = svc.body.get("user")
    if (user is None or user == "") and not built_unprivileged:
        yield svc.hit(
            COMPOSE_RUN_AS_ROOT,
            svc.line,
            "sets no user: it runs as root unless its image sets a USER",
            "user",
        )
    elif isinstance(user, (str, int)) and _ROOT_USER.match(str(user).strip()):
        yield svc.hit(COMPOSE_RUN_AS_ROOT, svc.key_line("user"), f"runs as user {user!r}", "user")


RULES: tuple[Rule, ...] = (
    COMPOSE_PRIVILEGED,
    COMPOSE_CAP_ADD_DANGEROUS,
    COMPOSE_CAP_ADD,
    COMPOSE_CAP_DROP_ALL_MISSING,
    COMPOSE_NO_NEW_PRIVILEGES,
    COMPOSE_SECURITY_OPT_UNCONFINED,
    COMPOSE_READ_ONLY_ROOTFS,
    COMPOSE_RUN_AS_ROOT,
    COMPOSE_HOST_NETWORK,
    COMPOSE_HOST_PID,
    COMPOSE_HOST_IPC,
    COMPOSE_HOST_NAMESPACE,
    COMPOSE_CGROUP_PARENT,
    COMPOSE_DEVICES,
)
