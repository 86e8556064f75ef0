"""Docker Compose rules: each service of each compose file, plus top-level volumes.

Findings point at the offending key or list item; a missing setting points at
its closest existing parent (``security_opt:``, ``deploy.resources.limits:``...),
else at the service's own key under ``services:``.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.credentials import is_secret_assignment
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.manifests import ComposeFile
from shieldwall.sources.yaml_tree import YMap, YSeq

_SPEC = "https://docs.docker.com/reference/compose-file/services/"
_DOCKER_SECURITY = "https://docs.docker.com/engine/security/"
_RUN_REF = "https://docs.docker.com/reference/cli/docker/container/run/"
_SVC = ("compose-service",)
_DEPLOY = "https://docs.docker.com/reference/compose-file/deploy/"

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
COMPOSE_DOCKER_SOCKET = config_rule(
    id="COMPOSE-DOCKER-SOCKET",
    control=Control.ISOLATION,
    severity=Severity.CRITICAL,
    title="Compose service mounts the container runtime socket",
    description=(
        "Access to the Docker (or containerd/Podman) socket is root on the host: the service can "
        "start a privileged container that mounts `/`."
    ),
    remediation=(
        "Remove the socket mount; if the service must talk to the daemon, put a filtering "
        "socket proxy in between that allows only the calls it needs."
    ),
    applies_to=_SVC,
    cwe=("CWE-250", "CWE-668"),
    references=(_DOCKER_SECURITY + "#docker-daemon-attack-surface",),
)
COMPOSE_SENSITIVE_HOST_MOUNT = config_rule(
    id="COMPOSE-SENSITIVE-HOST-MOUNT",
    control=Control.ISOLATION,
    severity=Severity.HIGH,
    title="Compose service mounts a sensitive host directory",
    description=(
        "Mounting `/`, `/etc`, `/proc`, `/sys`, `/root`, `/var/run`, `/dev` or another system "
        "directory exposes host secrets and lets a compromised container tamper with the host."
    ),
    remediation=(
        "Mount only the application's own directory or a named volume, read-only where possible."
    ),
    applies_to=_SVC,
    cwe=("CWE-668",),
    references=(_SPEC + "#volumes",),
)
COMPOSE_HOST_PATH_MOUNT = config_rule(
    id="COMPOSE-HOST-PATH-MOUNT",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="Compose service bind-mounts an absolute host path",
    description=(
        "A bind mount of an absolute host path ties the container to the host's filesystem, as a "
        "Kubernetes hostPath does; the container can read, and often write, host files."
    ),
    remediation=(
        "Use a named volume, or a path inside the project (`./data`) mounted read-only (`:ro`)."
    ),
    applies_to=_SVC,
    cwe=("CWE-668",),
    references=(_SPEC + "#volumes", "https://docs.docker.com/engine/storage/bind-mounts/"),
)
COMPOSE_MOUNT_PROPAGATION = config_rule(
    id="COMPOSE-MOUNT-PROPAGATION",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="Compose bind mount propagates mounts between host and container",
    description=(
        "`shared`/`slave` propagation makes mounts made on the host appear in the container "
        "(and, for `shared`, the container's mounts appear on the host)."
    ),
    remediation="Remove `bind.propagation` or set it to `rprivate` (the default).",
    applies_to=_SVC,
    cwe=("CWE-668",),
    references=("https://docs.docker.com/engine/storage/bind-mounts/#configure-bind-propagation",),
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
COMPOSE_ENV_SECRET = config_rule(
    id="COMPOSE-ENV-SECRET",
    control=Control.SECRETS,
    severity=Severity.HIGH,
    title="Compose service has a literal secret in its environment",
    description=(
        "A password, token or key written in the compose file is readable by everyone with the "
        "repository and by anyone who can inspect the container."
    ),
    remediation=(
        "Use `${VAR}` interpolation from an untracked .env file, or compose `secrets:` mounted "
        "as files (`*_FILE` variables); rotate the exposed value."
    ),
    applies_to=_SVC,
    cwe=("CWE-798",),
    references=("https://docs.docker.com/compose/how-tos/use-secrets/",),
)
COMPOSE_PUBLISHED_PORT = config_rule(
    id="COMPOSE-PUBLISHED-PORT",
    control=Control.API_EXPOSURE,
    severity=Severity.MEDIUM,
    title="Internal compose service publishes ports",
    description=(
        "A service other than the gateway that publishes a port on the host is reachable "
        "without going through the gateway's authentication, TLS and rate limits."
    ),
    remediation=(
        "Replace `ports:` with `expose:` (reachable on the compose network only) and route "
        "outside traffic through the gateway; bind to 127.0.0.1 for local debugging."
    ),
    applies_to=_SVC,
    cwe=("CWE-284",),
    references=(_SPEC + "#ports",),
)
COMPOSE_PORT_ALL_INTERFACES = config_rule(
    id="COMPOSE-PORT-ALL-INTERFACES",
    control=Control.API_EXPOSURE,
    severity=Severity.INFO,
    title="Compose port is bound to all host interfaces",
    description=(
        "A published port without a host IP listens on every interface of the host, including "
        "those facing other networks."
    ),
    remediation=(
        "Give the port a host IP (`127.0.0.1:8080:80`, or the interface that should serve it)."
    ),
    applies_to=_SVC,
    cwe=("CWE-1327",),
    references=(_SPEC + "#ports",),
)
COMPOSE_PRIVILEGED_PORT = config_rule(
    id="COMPOSE-PRIVILEGED-PORT",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.LOW,
    title="Compose service maps a privileged port",
    description=(
        "A port below 1024 on the host is reserved for system services, and inside the container "
        "it usually means the process runs as root or holds NET_BIND_SERVICE."
    ),
    remediation=(
        "Listen on a port of 1024 or above in the container and publish it on a high host port; "
        "let the gateway own ports 80/443."
    ),
    applies_to=_SVC,
    cwe=("CWE-250",),
    references=(_SPEC + "#ports",),
)
COMPOSE_NO_MEMORY_LIMIT = config_rule(
    id="COMPOSE-NO-MEMORY-LIMIT",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="Compose service has no memory limit",
    description=(
        "Without a memory limit one compromised or leaking service can exhaust the host's "
        "memory and get other containers killed."
    ),
    remediation="Set `deploy.resources.limits.memory` (or `mem_limit`) on the service.",
    applies_to=_SVC,
    cwe=("CWE-770",),
    references=(_DEPLOY,),
)
COMPOSE_NO_CPU_LIMIT = config_rule(
    id="COMPOSE-NO-CPU-LIMIT",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="Compose service has no CPU limit",
    description=(
        "Without a CPU limit one busy or compromised service (a miner, a hot loop) can starve "
        "every other container on the host."
    ),
    remediation="Set `deploy.resources.limits.cpus` (or `cpus`) on the service.",
    applies_to=_SVC,
    cwe=("CWE-770",),
    references=(_DEPLOY,),
)
COMPOSE_NO_PIDS_LIMIT = config_rule(
    id="COMPOSE-NO-PIDS-LIMIT",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="Compose service has no PID limit",
    description=(
        "Without a PID limit a fork bomb in one container exhausts the host's process table."
    ),
    remediation="Set `deploy.resources.limits.pids` (or `pids_limit`) to a positive number.",
    applies_to=_SVC,
    cwe=("CWE-770",),
    references=(_SPEC + "#pids_limit", _DEPLOY),
)
COMPOSE_IMAGE_UNPINNED = config_rule(
    id="COMPOSE-IMAGE-UNPINNED",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.LOW,
    title="Compose service image is `latest` or untagged",
    description=(
        "A moving tag pulls whatever was pushed last: builds and deployments are not "
        "reproducible and a compromised upstream push is picked up silently."
    ),
    remediation=(
        "Pin the image to a version tag and, better, a digest (`image: name:1.2.3@sha256:...`)."
    ),
    applies_to=_SVC,
    cwe=("CWE-1357",),
    references=(_SPEC + "#image",),
)
COMPOSE_SHARED_VOLUME = config_rule(
    id="COMPOSE-SHARED-VOLUME",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="Compose volume is shared between services",
    description=(
        "A volume or host directory mounted by several services lets a compromise of one "
        "tamper with files the others read."
    ),
    remediation=(
        "Give each service its own volume; if data must be shared, mount it read-only (`:ro`) "
        "in every consumer."
    ),
    applies_to=_SVC,
    cwe=("CWE-668",),
    references=(_SPEC + "#volumes", _SPEC + "#volumes_from"),
)
COMPOSE_HEALTHCHECK_DISABLED = config_rule(
    id="COMPOSE-HEALTHCHECK-DISABLED",
    control=Control.ISOLATION,
    severity=Severity.INFO,
    title="Compose service disables its health check",
    description=(
        "With the health check off, a hung or hijacked service keeps receiving traffic and is "
        "never restarted."
    ),
    remediation=(
        'Remove `disable: true` / `test: ["NONE"]` and define a `healthcheck.test` command.'
    ),
    applies_to=_SVC,
    cwe=("CWE-693",),
    references=(_SPEC + "#healthcheck",),
)
RULES: tuple[Rule, ...] = (
    COMPOSE_PRIVILEGED,
    COMPOSE_CAP_ADD_DANGEROUS,
    COMPOSE_CAP_ADD,
    COMPOSE_CAP_DROP_ALL_MISSING,
    COMPOSE_NO_NEW_PRIVILEGES,
    COMPOSE_SECURITY_OPT_UNCONFINED,
    COMPOSE_READ_ONLY_ROOTFS,
    COMPOSE_RUN_AS_ROOT,
    COMPOSE_DOCKER_SOCKET,
    COMPOSE_SENSITIVE_HOST_MOUNT,
    COMPOSE_HOST_PATH_MOUNT,
    COMPOSE_MOUNT_PROPAGATION,
    COMPOSE_HOST_NETWORK,
    COMPOSE_HOST_PID,
    COMPOSE_HOST_IPC,
    COMPOSE_HOST_NAMESPACE,
    COMPOSE_CGROUP_PARENT,
    COMPOSE_DEVICES,
    COMPOSE_ENV_SECRET,
    COMPOSE_PUBLISHED_PORT,
    COMPOSE_PORT_ALL_INTERFACES,
    COMPOSE_PRIVILEGED_PORT,
    COMPOSE_NO_MEMORY_LIMIT,
    COMPOSE_NO_CPU_LIMIT,
    COMPOSE_NO_PIDS_LIMIT,
    COMPOSE_IMAGE_UNPINNED,
    COMPOSE_SHARED_VOLUME,
    COMPOSE_HEALTHCHECK_DISABLED,
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
_SOCKETS = (
    "docker.sock",
    "containerd.sock",
    "podman.sock",
    "crio.sock",
    "dockershim.sock",
    "cri-dockerd.sock",
)
# Host directories a container should never see; their subdirectories too.
_SENSITIVE_TREES = (
    "/etc",
    "/proc",
    "/sys",
    "/root",
    "/boot",
    "/dev",
    "/run",
    "/var/run",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/kubelet",
    "/usr",
    "/lib",
    "/lib64",
    "/bin",
    "/sbin",
)
# Directories sensitive as a whole (all of /home or /var), not each subdirectory.
_SENSITIVE_EXACT = frozenset({"/", "/home", "/var", "/var/lib", "/var/log", "~"})
_SENSITIVE_HOME = (".ssh", ".aws", ".kube", ".docker", ".gnupg", ".config/gcloud", ".azure")
_PROPAGATING = frozenset({"shared", "rshared", "slave", "rslave"})
_LOOPBACK = re.compile(r"^(127\.\d+\.\d+\.\d+|::1|localhost)$", re.IGNORECASE)
_ROOT_USER = re.compile(r"^(root|0)(:.*)?$")


def check(ctx: ConfigContext) -> Iterator[Hit]:
    for cf in ctx.inventory.compose:
        services = cf.body.get("services")
        if not isinstance(services, YMap):
            continue
        shared: dict[str, list[tuple[str, _Mount]]] = defaultdict(list)
        hits: list[tuple[str, Hit]] = []
        for raw_name, body in services.items():
            if not isinstance(body, YMap):
                continue
            svc = _Service(cf, str(raw_name), body, services.line_of(raw_name))
            svc.is_gateway = ctx.gateways.is_gateway(svc.id)
            hits.extend((svc.name, hit) for hit in _service_hits(svc))
            for mount in svc.mounts():
                if mount.shareable_source:
                    shared[mount.shareable_source].append((svc.name, mount))
        hits.extend((_service_of(cf, hit), hit) for hit in _shared_volume_hits(cf, shared))
        yield from _merge_anchored(cf, services, hits)
        yield from _top_level_volume_hits(cf)


def _service_of(cf: ComposeFile, hit: Hit) -> str:
    return hit.resource.removeprefix(cf.service_id(""))


def _block_owner(cf: ComposeFile, services: YMap, line: int) -> str:
    """The top-level key (an `x-` extension) or service whose block holds ``line``."""
    owner = ""
    for key in cf.body:
        if cf.body.line_of(key) <= line:
            owner = str(key)
    if owner == "services":
        owner = ""
        for key in services:
            if services.line_of(key) <= line:
                owner = str(key)
    return owner


def _merge_anchored(cf: ComposeFile, services: YMap, hits: list[tuple[str, Hit]]) -> Iterator[Hit]:
    """One finding per line for what YAML anchors and merge keys (`<<: *defaults`)
    copy into several services: the line is the anchor's, and the finding names
    the services that inherit it."""
    groups: dict[tuple[Rule, int, str], list[tuple[str, Hit]]] = defaultdict(list)
    for name, hit in hits:
        groups[(hit.rule, hit.line, hit.key)].append((name, hit))
    for (rule, line, key), group in groups.items():
        names = sorted({name for name, _ in group})
        if len(names) < 2:
            yield from (hit for _, hit in group)
            continue
        owner = _block_owner(cf, services, line) or names[0]
        first = group[0][1]
        what = first.message.split(": ", 1)[-1]
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        yield Hit(
            rule,
            cf.path,
            line,
            cf.service_id(owner),
            f"{owner!r}, inherited by {len(names)} services ({shown}): {what}",
            key,
            first.end_line,
        )


@dataclass
class _Service:
    cf: ComposeFile
    name: str
    body: YMap
    line: int
    is_gateway: bool = False

    @property
    def id(self) -> str:
        return self.cf.service_id(self.name)

    def hit(self, rule: Rule, line: int, message: str, key: str) -> Hit:
        return Hit(rule, self.cf.path, line, self.id, f"service {self.name!r}: {message}", key)

    def key_line(self, key: str) -> int:
        return self.body.line_of(key, self.line)

    def mounts(self) -> list[_Mount]:
        volumes = self.body.get("volumes")
        if not isinstance(volumes, YSeq):
            return []
        out = []
        for index, item in enumerate(volumes):
            mount = _parse_mount(item, volumes.line_of(index))
            if mount is not None:
                out.append(mount)
        return out


@dataclass(frozen=True, slots=True)
class _Mount:
    kind: str  # "bind" | "volume" | "anonymous" | "tmpfs" | other long-syntax type
    source: str
    target: str
    line: int  # the short-syntax item, or the long syntax's `source:` key
    propagation: str = ""
    propagation_line: int = 0
    read_only: bool = False

    @property
    def host_path(self) -> str | None:
        """The absolute host path of a bind mount, normalised; None if not known."""
        if self.kind != "bind":
            return None
        return _absolute_host_path(self.source)

    @property
    def shareable_source(self) -> str:
        if self.kind == "volume" and self.source:
            return f"volume:{self.source}"
        if self.kind == "bind" and self.source and not _is_socket(self.source):
            return f"bind:{posixpath.normpath(self.source)}"
        return ""


def _service_hits(svc: _Service) -> Iterator[Hit]:
    privileged = svc.body.get("privileged") is True
    if privileged:
        yield svc.hit(
            COMPOSE_PRIVILEGED, svc.key_line("privileged"), "runs privileged", "privileged"
        )
    yield from _capability_hits(svc, privileged)
    yield from _security_opt_hits(svc, privileged)
    yield from _namespace_hits(svc)
    yield from _mount_hits(svc)
    yield from _device_hits(svc)
    yield from _user_hits(svc)
    yield from _env_hits(svc)
    yield from _port_hits(svc)
    yield from _limit_hits(svc)
    yield from _image_hits(svc)
    yield from _healthcheck_hits(svc)
    if svc.body.get("read_only") is not True:
        line = svc.key_line("read_only")
        yield svc.hit(
            COMPOSE_READ_ONLY_ROOTFS,
            line,
            "root filesystem is writable (read_only is not true)",
            "read_only",
        )


def _strings(node: Any) -> list[tuple[int, str]]:
    """(line, text) of each scalar item of a YAML list."""
    if not isinstance(node, YSeq):
        return []
    return [
        (node.line_of(i), str(item))
        for i, item in enumerate(node)
        if isinstance(item, (str, int, float)) and not isinstance(item, bool)
    ]


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


def _parse_mount(item: Any, item_line: int) -> _Mount | None:
    if isinstance(item, str):
        return _parse_short_mount(item.strip(), item_line)
    if not isinstance(item, YMap):
        return None
    kind = item.get("type")
    source = item.get("source")
    target = item.get("target")
    source_text = str(source) if isinstance(source, (str, int)) else ""
    kind_text = kind.lower() if isinstance(kind, str) else ("volume" if source_text else "")
    if kind_text == "volume" and not source_text:
        kind_text = "anonymous"
    bind = item.get("bind")
    propagation = bind.get("propagation") if isinstance(bind, YMap) else None
    return _Mount(
        kind=kind_text,
        source=source_text,
        target=str(target) if isinstance(target, (str, int)) else "",
        line=item.line_of("source", item_line),
        propagation=str(propagation).lower() if isinstance(propagation, str) else "",
        propagation_line=bind.line_of("propagation") if isinstance(bind, YMap) else 0,
        read_only=item.get("read_only") is True,
    )


def _parse_short_mount(text: str, line: int) -> _Mount | None:
    if not text:
        return None
    parts = text.split(":")
    # A Windows drive letter (C:\data:/data) is part of the source.
    drive = len(parts[0]) == 1 and parts[0].isalpha()
    if len(parts) >= 3 and drive and parts[1][:1] in ("\\", "/"):
        parts = [parts[0] + ":" + parts[1], *parts[2:]]
    if len(parts) == 1:
        return _Mount("anonymous", "", parts[0], line)
    source, target = parts[0], parts[1]
    mode = parts[2] if len(parts) > 2 else ""
    is_path = (
        source.startswith(("/", ".", "~", "$"))
        or "\\" in source
        or (len(source) > 1 and source[1] == ":")
    )
    read_only = "ro" in mode.split(",")
    propagation = next((m for m in mode.split(",") if m in _PROPAGATING), "")
    return _Mount(
        "bind" if is_path else "volume",
        source,
        target,
        line,
        propagation,
        line if propagation else 0,
        read_only,
    )


def _absolute_host_path(source: str) -> str | None:
    if source.startswith("~"):
        return "~" + posixpath.normpath("/" + source[1:].lstrip("/")).rstrip("/")
    if not source.startswith("/"):
        return None  # relative to the project, a variable, or a Windows path
    return posixpath.normpath("/" + source.lstrip("/"))


def _is_socket(source: str) -> bool:
    return source.rstrip("/").rsplit("/", 1)[-1] in _SOCKETS


def _is_sensitive(path: str) -> bool:
    if path in _SENSITIVE_EXACT:
        return True
    if path.startswith("~/"):
        rest = path[2:]
        return any(rest == d or rest.startswith(d + "/") for d in _SENSITIVE_HOME)
    return any(path == d or path.startswith(d + "/") for d in _SENSITIVE_TREES)


def _host_path_rule(path: str) -> tuple[Rule, str]:
    if _is_socket(path):
        return COMPOSE_DOCKER_SOCKET, "mounts the container runtime socket"
    if _is_sensitive(path):
        return COMPOSE_SENSITIVE_HOST_MOUNT, "mounts sensitive host path"
    return COMPOSE_HOST_PATH_MOUNT, "bind-mounts host path"


def _mount_hits(svc: _Service) -> Iterator[Hit]:
    for mount in svc.mounts():
        key = f"volumes[{mount.source}:{mount.target}]"
        path = mount.host_path
        if path is not None:
            rule, message = _host_path_rule(path)
            yield svc.hit(rule, mount.line, f"{message} {mount.source}", key)
        if mount.propagation in _PROPAGATING:
            yield svc.hit(
                COMPOSE_MOUNT_PROPAGATION,
                mount.propagation_line,
                f"mount of {mount.source or mount.target} uses {mount.propagation} propagation",
                key,
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


def _user_hits(svc: _Service) -> Iterator[Hit]:
    user = svc.body.get("user")
    if user is None or user == "":
        yield svc.hit(
            COMPOSE_RUN_AS_ROOT,
            svc.line,
            "sets no user: it runs as root unless its image sets a USER",
            "user",
        )
    elif isinstance(user, (str, int)) and _ROOT_USER.match(str(user).strip()):
        yield svc.hit(COMPOSE_RUN_AS_ROOT, svc.key_line("user"), f"runs as user {user!r}", "user")


def _env_pairs(env: Any) -> Iterator[tuple[str, Any, int]]:
    if isinstance(env, YMap):
        for key, value in env.items():
            yield str(key), value, env.line_of(key)
    elif isinstance(env, YSeq):
        for index, item in enumerate(env):
            if isinstance(item, str) and "=" in item:
                key, _, value = item.partition("=")
                yield key.strip(), value, env.line_of(index)


def _env_hits(svc: _Service) -> Iterator[Hit]:
    for name, value, line in _env_pairs(svc.body.get("environment")):
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (str, int, float)) and is_secret_assignment(name, str(value)):
            yield svc.hit(
                COMPOSE_ENV_SECRET,
                line,
                f"environment variable {name} holds a literal secret",
                f"environment[{name}]",
            )


@dataclass(frozen=True, slots=True)
class _Port:
    raw: str
    line: int
    host_ip: str
    host_ports: tuple[int, int] | None  # None: ephemeral or unknown (a variable)
    container_ports: tuple[int, int] | None

    @property
    def loopback(self) -> bool:
        return bool(_LOOPBACK.match(self.host_ip))

    @property
    def all_interfaces(self) -> bool:
        return self.host_ip in ("", "0.0.0.0", "::")  # noqa: S104 - we detect it


def _port_range(text: str) -> tuple[int, int] | None:
    text = text.strip()
    lo, _, hi = text.partition("-")
    if not lo.isdigit() or (hi and not hi.isdigit()):
        return None
    return int(lo), int(hi or lo)


def _split_host(text: str) -> tuple[str, str]:
    """`ip:port` (IPv6 in brackets) -> (ip, port); a lone port -> ("", port)."""
    text = text.strip()
    if text.startswith("["):
        ip, _, rest = text[1:].partition("]")
        return ip, rest.lstrip(":")
    if text.count(":") == 1:
        ip, _, port = text.partition(":")
        return ip, port
    if ":" in text:
        return text, ""  # a bare IPv6 address
    if text.count(".") == 3:
        return text, ""  # a bare IPv4 address
    return "", text


def _parse_port(item: Any, line: int) -> _Port | None:
    if isinstance(item, bool):
        return None
    if isinstance(item, int):
        return _Port(str(item), line, "", None, (item, item))
    if isinstance(item, str):
        text = item.strip().split("/", 1)[0]
        if text.startswith("["):  # [::1]:8080:80
            ip, _, rest = text[1:].partition("]")
            host_port, _, container = rest.lstrip(":").rpartition(":")
        else:
            head, _, container = text.rpartition(":")
            ip, host_port = _split_host(head) if head else ("", "")
        return _Port(
            item, line, ip, _port_range(host_port) if host_port else None, _port_range(container)
        )
    if isinstance(item, YMap):
        target = item.get("target")
        published = item.get("published")
        host_ip = item.get("host_ip")
        ip, port = "", ""
        if isinstance(published, (str, int)) and not isinstance(published, bool):
            ip, port = _split_host(str(published))
        if isinstance(host_ip, str):
            ip = host_ip
        inside = _port_range(str(target)) if isinstance(target, (str, int)) else None
        return _Port(
            f"{target}:{published}",
            item.line_of("published", line),
            ip.strip("[]"),
            _port_range(port) if port else None,
            inside,
        )
    return None


def _port_hits(svc: _Service) -> Iterator[Hit]:
    ports = svc.body.get("ports")
    if not isinstance(ports, YSeq):
        return
    parsed = [p for i, item in enumerate(ports) if (p := _parse_port(item, ports.line_of(i)))]
    exposed = [p.raw for p in parsed if not p.loopback]
    if exposed and not svc.is_gateway:
        yield svc.hit(
            COMPOSE_PUBLISHED_PORT,
            svc.key_line("ports"),
            f"is not the gateway but publishes {', '.join(map(str, exposed))} on the host",
            "ports",
        )
    for port in parsed:
        key = f"ports[{port.raw}]"
        if port.all_interfaces:
            yield svc.hit(
                COMPOSE_PORT_ALL_INTERFACES,
                port.line,
                f"port {port.raw} listens on all host interfaces",
                key,
            )
        # The host side: Docker lets any process bind low ports inside its own
        # network namespace (net.ipv4.ip_unprivileged_port_start=0), so only a
        # low port on the host is reserved. A host port given by a variable
        # (`$BIND:80`) or chosen by Docker is not known.
        if port.host_ports and port.host_ports[0] < 1024:
            yield svc.hit(
                COMPOSE_PRIVILEGED_PORT,
                port.line,
                f"port {port.raw} publishes privileged host port {port.host_ports[0]}",
                key,
            )


def _limit_hits(svc: _Service) -> Iterator[Hit]:
    deploy = svc.body.get("deploy")
    resources = deploy.get("resources") if isinstance(deploy, YMap) else None
    limits = resources.get("limits") if isinstance(resources, YMap) else None
    parent_line = svc.line
    for container, key in ((svc.body, "deploy"), (deploy, "resources"), (resources, "limits")):
        if isinstance(container, YMap) and key in container:
            parent_line = container.line_of(key)
    limit_map = limits if isinstance(limits, YMap) else YMap(parent_line)
    checks = (
        ("memory", "mem_limit", "memory", COMPOSE_NO_MEMORY_LIMIT),
        ("cpus", "cpus", "CPU", COMPOSE_NO_CPU_LIMIT),
        ("pids", "pids_limit", "PID", COMPOSE_NO_PIDS_LIMIT),
    )
    for deploy_key, legacy_key, label, rule in checks:
        where, value = None, None
        if deploy_key in limit_map:
            where, value = limit_map, limit_map.get(deploy_key)
            line = limit_map.line_of(deploy_key)
        elif legacy_key in svc.body:
            where, value = svc.body, svc.body.get(legacy_key)
            line = svc.key_line(legacy_key)
        if where is None:
            yield svc.hit(rule, parent_line, f"has no {label} limit", f"limits.{deploy_key}")
        elif _unlimited(value):
            yield svc.hit(
                rule, line, f"sets an unlimited {label} limit ({value!r})", f"limits.{deploy_key}"
            )


def _unlimited(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return True
    text = str(value).strip()
    if text.startswith("$"):
        return False
    try:
        return float(text) <= 0
    except ValueError:
        return text == ""


def _image_hits(svc: _Service) -> Iterator[Hit]:
    image = svc.body.get("image")
    if not isinstance(image, str) or "build" in svc.body:
        return  # with `build:`, `image:` names the result rather than what is pulled
    problem = image_tag_problem(image)
    if problem:
        yield svc.hit(
            COMPOSE_IMAGE_UNPINNED, svc.key_line("image"), f"image {image!r} {problem}", "image"
        )


def image_tag_problem(image: str) -> str:
    """Why an image reference floats ("uses latest", "has no tag"), or "" if pinned."""
    ref = image.strip()
    if not ref or "$" in ref or "@" in ref:
        return ""
    last = ref.rsplit("/", 1)[-1]
    if ":" not in last:
        return "has no tag (means latest)"
    if last.rsplit(":", 1)[1].lower() == "latest":
        return "uses the latest tag"
    return ""


def _healthcheck_hits(svc: _Service) -> Iterator[Hit]:
    health = svc.body.get("healthcheck")
    if not isinstance(health, YMap):
        return
    if health.get("disable") is True:
        yield svc.hit(
            COMPOSE_HEALTHCHECK_DISABLED,
            health.line_of("disable"),
            "disables its health check",
            "healthcheck",
        )
        return
    test = health.get("test")
    first = test[0] if isinstance(test, YSeq) and test else test
    if isinstance(first, str) and first.strip().upper() == "NONE":
        yield svc.hit(
            COMPOSE_HEALTHCHECK_DISABLED,
            health.line_of("test"),
            "disables its health check (test NONE)",
            "healthcheck",
        )


def _shared_volume_hits(
    cf: ComposeFile, shared: dict[str, list[tuple[str, _Mount]]]
) -> Iterator[Hit]:
    for source, users in shared.items():
        names = sorted({name for name, _ in users})
        # Read-only consumers cannot tamper: what matters is two services writing.
        writers = sorted({name for name, mount in users if not mount.read_only})
        if len(names) < 2 or len(writers) < 2:
            continue
        for name, mount in users:
            if mount.read_only:
                continue
            others = ", ".join(n for n in writers if n != name)
            yield Hit(
                COMPOSE_SHARED_VOLUME,
                cf.path,
                mount.line,
                cf.service_id(name),
                f"service {name!r}: {source.split(':', 1)[1]} is also mounted writable by {others}",
                f"volumes[{mount.source}:{mount.target}]",
            )


def _top_level_volume_hits(cf: ComposeFile) -> Iterator[Hit]:
    """Named volumes whose driver options bind a host directory (local `o: bind`,
    local-persist `mountpoint`)."""
    volumes = cf.body.get("volumes")
    if not isinstance(volumes, YMap):
        return
    for name, spec in volumes.items():
        opts = spec.get("driver_opts") if isinstance(spec, YMap) else None
        if not isinstance(opts, YMap):
            continue
        for key in ("device", "mountpoint"):
            value = opts.get(key)
            if key == "device" and "bind" not in str(opts.get("o", "")).split(","):
                continue
            path = _absolute_host_path(value) if isinstance(value, str) else None
            if path is None:
                continue
            rule, message = _host_path_rule(path)
            yield Hit(
                rule,
                cf.path,
                opts.line_of(key),
                f"{cf.service_id('volumes')}/{name}",
                f"volume {name!r} {message.replace('mounts', 'binds')} {value}",
                f"driver_opts.{key}",
            )
