"""Kubernetes workload rules: pod and container settings of every workload kind.

One pass over the workloads; each container of the three lists (containers,
initContainers, ephemeralContainers) is checked with the pod/container
securityContext precedence Kubernetes applies. Service-account rules, which
need the RBAC objects too, live in ``k8s_access``.

One module per subject, each with its rules beside its checks: `pod` (host
namespaces, volumes, sysctls, namespaces), `security_context` (privilege,
identity, capabilities, confinement), `resources`, `images` and `env`, over
`common`; this one lists the rules and walks the workloads.
"""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.k8s_workload import (
    common,
    env,
    images,
    pod,
    resources,
    security_context,
)
from shieldwall.model import Rule
from shieldwall.system.units import kustomize_pins

RULES: tuple[Rule, ...] = (
    security_context.K8S_PRIVILEGED,
    security_context.K8S_PRIVILEGE_ESCALATION,
    security_context.K8S_RUN_AS_ROOT,
    security_context.K8S_LOW_UID,
    security_context.K8S_RUN_AS_ROOT_GROUP,
    security_context.K8S_CAPABILITY_DANGEROUS,
    security_context.K8S_CAPABILITY_ADDED,
    security_context.K8S_CAPABILITIES_NOT_DROPPED,
    security_context.K8S_WRITABLE_ROOT_FS,
    pod.K8S_HOST_NETWORK,
    pod.K8S_HOST_PID,
    pod.K8S_HOST_IPC,
    pod.K8S_RUNTIME_SOCKET,
    pod.K8S_HOSTPATH_SENSITIVE,
    pod.K8S_HOSTPATH,
    security_context.K8S_SECCOMP_UNCONFINED,
    security_context.K8S_SECCOMP_NOT_SET,
    security_context.K8S_APPARMOR_UNCONFINED,
    security_context.K8S_PROC_MOUNT_UNMASKED,
    pod.K8S_UNSAFE_SYSCTL,
    pod.K8S_SHARE_PROCESS_NAMESPACE,
    security_context.K8S_SELINUX_CUSTOM,
    security_context.K8S_WINDOWS_HOST_PROCESS,
    resources.K8S_MEMORY_LIMIT_MISSING,
    resources.K8S_CPU_LIMIT_MISSING,
    resources.K8S_RESOURCE_REQUESTS_MISSING,
    images.K8S_IMAGE_LATEST,
    images.K8S_IMAGE_NO_DIGEST,
    images.K8S_IMAGE_PULL_POLICY,
    env.K8S_ENV_LITERAL_SECRET,
    env.K8S_ENV_SECRET_REF,
    env.K8S_ENV_AUTH_DISABLED,
    pod.K8S_SYSTEM_NAMESPACE,
    pod.K8S_VOLUME_TYPE,
    pod.K8S_DEFAULT_NAMESPACE,
)


def check(ctx: ConfigContext) -> Iterator[Hit]:
    pins = kustomize_pins(ctx.inventory)
    for w in ctx.workloads:
        yield from pod._pod_checks(w)
        linux = not common._is_windows(w)
        for c in w.containers():
            yield from security_context._privilege(w, c)
            if linux:
                yield from security_context._identity(w, c)
                yield from security_context._capabilities(w, c)
                yield from security_context._confinement(w, c)
            yield from security_context._windows(w, c)
            if c.list_name != "ephemeralContainers":
                yield from resources._resources(w, c)
            yield from images._image(w, c, pins.get(w.path, {}))
            yield from env._env(w, c)
    for obj in ctx.objects("PersistentVolume"):
        yield from pod._persistent_volume(obj)
