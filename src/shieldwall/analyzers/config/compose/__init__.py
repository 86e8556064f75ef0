"""Docker Compose rules: each service of each compose file, plus top-level volumes.

Findings point at the offending key or list item; a missing setting points at
its closest existing parent (``security_opt:``, ``deploy.resources.limits:``...),
else at the service's own key under ``services:``.

One module per subject, each with its rules beside its checks: `privileges`,
`mounts`, `env`, `ports`, `limits` and `image`, over `service`; this one lists the
rules, runs them over each service and merges what YAML anchors copy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from shieldwall.analyzers.config.compose import (
    env,
    image,
    limits,
    mounts,
    ports,
    privileges,
    service,
)
from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.model import Rule
from shieldwall.sources.dockerfile import image_runs_unprivileged
from shieldwall.sources.manifests import ComposeFile
from shieldwall.sources.yaml_tree import YMap
from shieldwall.system.compose import built_dockerfile

RULES: tuple[Rule, ...] = (
    privileges.COMPOSE_PRIVILEGED,
    privileges.COMPOSE_CAP_ADD_DANGEROUS,
    privileges.COMPOSE_CAP_ADD,
    privileges.COMPOSE_CAP_DROP_ALL_MISSING,
    privileges.COMPOSE_NO_NEW_PRIVILEGES,
    privileges.COMPOSE_SECURITY_OPT_UNCONFINED,
    privileges.COMPOSE_READ_ONLY_ROOTFS,
    privileges.COMPOSE_RUN_AS_ROOT,
    mounts.COMPOSE_DOCKER_SOCKET,
    mounts.COMPOSE_SENSITIVE_HOST_MOUNT,
    mounts.COMPOSE_HOST_PATH_MOUNT,
    mounts.COMPOSE_MOUNT_PROPAGATION,
    privileges.COMPOSE_HOST_NETWORK,
    privileges.COMPOSE_HOST_PID,
    privileges.COMPOSE_HOST_IPC,
    privileges.COMPOSE_HOST_NAMESPACE,
    privileges.COMPOSE_CGROUP_PARENT,
    privileges.COMPOSE_DEVICES,
    env.COMPOSE_ENV_SECRET,
    ports.COMPOSE_PORT_ALL_INTERFACES,
    ports.COMPOSE_PRIVILEGED_PORT,
    limits.COMPOSE_NO_MEMORY_LIMIT,
    limits.COMPOSE_NO_CPU_LIMIT,
    limits.COMPOSE_NO_PIDS_LIMIT,
    image.COMPOSE_IMAGE_UNPINNED,
    mounts.COMPOSE_SHARED_VOLUME,
    image.COMPOSE_HEALTHCHECK_DISABLED,
)


def check(ctx: ConfigContext) -> Iterator[Hit]:
    for cf in ctx.inventory.compose:
        services = cf.body.get("services")
        if not isinstance(services, YMap):
            continue
        shared: dict[str, list[tuple[str, service._Mount]]] = defaultdict(list)
        hits: list[tuple[str, Hit]] = []
        for raw_name, body in services.items():
            if not isinstance(body, YMap):
                continue
            svc = service._Service(cf, str(raw_name), body, services.line_of(raw_name))
            built = built_dockerfile(cf, body, ctx.inventory.lines)
            unprivileged = built is not None and image_runs_unprivileged(built)
            hits.extend((svc.name, hit) for hit in _service_hits(svc, unprivileged))
            for mount in svc.mounts():
                if mount.shareable_source:
                    shared[mount.shareable_source].append((svc.name, mount))
        hits.extend((_service_of(cf, hit), hit) for hit in mounts._shared_volume_hits(cf, shared))
        yield from _merge_anchored(cf, services, hits)
        yield from mounts._top_level_volume_hits(cf)


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


def _service_hits(svc: service._Service, built_unprivileged: bool) -> Iterator[Hit]:
    """`built_unprivileged`: the service builds a scanned Dockerfile whose image runs
    as a non-root user."""
    privileged = svc.body.get("privileged") is True
    yield from privileges._privileged_hits(svc, privileged)
    yield from privileges._capability_hits(svc, privileged)
    yield from privileges._security_opt_hits(svc, privileged)
    yield from privileges._namespace_hits(svc)
    yield from mounts._mount_hits(svc)
    yield from privileges._device_hits(svc)
    yield from privileges._user_hits(svc, built_unprivileged)
    yield from env._env_hits(svc)
    yield from ports._port_hits(svc)
    yield from limits._limit_hits(svc)
    yield from image._image_hits(svc)
    yield from image._healthcheck_hits(svc)
    yield from privileges._read_only_hits(svc)
