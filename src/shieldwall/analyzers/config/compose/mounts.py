"""Volumes and bind mounts: the runtime socket, sensitive host paths, propagation, and
volumes shared between services."""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.compose.service import (
    _DOCKER_SECURITY,
    _PROPAGATING,
    _SPEC,
    _SVC,
    _absolute_host_path,
    _is_socket,
    _Mount,
    _Service,
)
from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.manifests import ComposeFile
from shieldwall.sources.yaml_tree import YMap

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


RULES: tuple[Rule, ...] = (
    COMPOSE_DOCKER_SOCKET,
    COMPOSE_SENSITIVE_HOST_MOUNT,
    COMPOSE_HOST_PATH_MOUNT,
    COMPOSE_MOUNT_PROPAGATION,
    COMPOSE_SHARED_VOLUME,
)
