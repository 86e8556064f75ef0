"""Pod-level settings: host namespaces, volumes and host paths, sysctls, the namespace
and the root group of the pod."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.k8s_workload.common import (
    _HOSTPATH,
    _NAMESPACES,
    _PSS,
    _SHARE_PID,
    _SYSCTL,
    _W,
    _hit,
    _is_int,
)
from shieldwall.analyzers.config.k8s_workload.security_context import K8S_RUN_AS_ROOT_GROUP
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import Workload, get_map
from shieldwall.sources.yaml_tree import YMap, YSeq

K8S_HOST_NETWORK = config_rule(
    id="K8S-HOST-NETWORK",
    control=Control.ISOLATION,
    severity=Severity.HIGH,
    title="Pod shares the host network namespace",
    description=(
        "With `hostNetwork: true` the pod sees every interface of the node, can bind its "
        "ports, reach node-local services and bypasses NetworkPolicies."
    ),
    remediation="Remove `hostNetwork: true`; expose ports through a Service.",
    applies_to=_W,
    cwe=("CWE-668",),
    references=(_PSS,),
)
K8S_HOST_PID = config_rule(
    id="K8S-HOST-PID",
    control=Control.ISOLATION,
    severity=Severity.HIGH,
    title="Pod shares the host process namespace",
    description=(
        "With `hostPID: true` the containers see every process of the node, can read their "
        "environment and, with enough privilege, trace or kill them."
    ),
    remediation="Remove `hostPID: true`.",
    applies_to=_W,
    cwe=("CWE-668",),
    references=(_PSS,),
)
K8S_HOST_IPC = config_rule(
    id="K8S-HOST-IPC",
    control=Control.ISOLATION,
    severity=Severity.HIGH,
    title="Pod shares the host IPC namespace",
    description=(
        "With `hostIPC: true` the containers share System V IPC and POSIX shared memory with "
        "every process of the node and can read or tamper with it."
    ),
    remediation="Remove `hostIPC: true`.",
    applies_to=_W,
    cwe=("CWE-668",),
    references=(_PSS,),
)
K8S_RUNTIME_SOCKET = config_rule(
    id="K8S-RUNTIME-SOCKET",
    control=Control.ISOLATION,
    severity=Severity.CRITICAL,
    title="Container runtime socket mounted from the host",
    description=(
        "A hostPath to the Docker, containerd or CRI-O socket (or to the directory holding "
        "it) lets the pod start privileged containers on the node: full node takeover."
    ),
    remediation=(
        "Remove the volume; build images with a daemonless builder (BuildKit rootless, "
        "kaniko) and query the runtime through the Kubernetes API instead."
    ),
    applies_to=("workload", "PersistentVolume"),
    cwe=("CWE-668", "CWE-250"),
    references=(_HOSTPATH, _PSS),
)
K8S_HOSTPATH_SENSITIVE = config_rule(
    id="K8S-HOSTPATH-SENSITIVE",
    control=Control.ISOLATION,
    severity=Severity.HIGH,
    title="Sensitive host directory mounted",
    description=(
        "A hostPath to /, /etc, /proc, /sys, /root, /var/run, /var/lib/kubelet, /var/log "
        "and the like exposes node credentials, kubelet and runtime state, or other pods' "
        "data, and often leads to node takeover."
    ),
    remediation=(
        "Remove the hostPath volume; use a ConfigMap, Secret, emptyDir or a "
        "PersistentVolumeClaim. If a node agent really needs it, mount the narrowest path "
        "read-only in a dedicated namespace."
    ),
    applies_to=("workload", "PersistentVolume"),
    cwe=("CWE-668",),
    references=(_HOSTPATH, _PSS),
)
K8S_HOSTPATH = config_rule(
    id="K8S-HOSTPATH",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="Host directory mounted",
    description=(
        "A hostPath volume ties the pod to a node's filesystem: data written there is "
        "visible to other pods and to the node, and symlink tricks can reach beyond it. "
        "Not reported in kube-system, where node agents are expected to use host "
        "directories (sensitive paths and runtime sockets still are)."
    ),
    remediation=(
        "Use an emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim instead of hostPath."
    ),
    applies_to=("workload", "PersistentVolume"),
    cwe=("CWE-668",),
    references=(_HOSTPATH, _PSS),
)
K8S_UNSAFE_SYSCTL = config_rule(
    id="K8S-UNSAFE-SYSCTL",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="Pod sets an unsafe sysctl",
    description=(
        "Sysctls outside the safe set are not isolated per pod or can exhaust node "
        "resources; they affect other pods on the node or the node itself."
    ),
    remediation="Remove the sysctl, or set it on dedicated, tainted nodes only.",
    applies_to=_W,
    cwe=("CWE-668",),
    references=(_SYSCTL, _PSS),
)
K8S_SHARE_PROCESS_NAMESPACE = config_rule(
    id="K8S-SHARE-PROCESS-NAMESPACE",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="Containers of the pod share one process namespace",
    description=(
        "With `shareProcessNamespace: true` each container sees the processes, environment "
        "and filesystem (/proc/<pid>/root) of its neighbours, secrets included."
    ),
    remediation="Remove `shareProcessNamespace: true` unless a sidecar truly needs it.",
    applies_to=_W,
    cwe=("CWE-668",),
    references=(_SHARE_PID,),
)
K8S_SYSTEM_NAMESPACE = config_rule(
    id="K8S-SYSTEM-NAMESPACE",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="Application workload deployed in kube-system or kube-public",
    description=(
        "kube-system holds the cluster's own components and their powerful service "
        "accounts, and is usually exempt from Pod Security admission and policy engines; "
        "kube-public is readable by everyone. An application placed there shares that "
        "trust. Cluster components (priorityClassName system-node-critical or "
        "system-cluster-critical, control-plane static pods) are not reported."
    ),
    remediation="Deploy the application into its own namespace.",
    applies_to=_W,
    cwe=("CWE-653",),
    references=(_NAMESPACES,),
)
K8S_VOLUME_TYPE = config_rule(
    id="K8S-VOLUME-TYPE",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="Pod uses a volume type the restricted profile does not allow",
    description=(
        "The restricted Pod Security Standard allows only configMap, csi, downwardAPI, "
        "emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes. Other "
        "in-tree types mount storage by node-side drivers with the node's credentials "
        "(nfs, iscsi, rbd, cephfs...), and gitRepo runs git on the node "
        "(CVE-2024-10220). hostPath is reported by its own rules."
    ),
    remediation=(
        "Use a PersistentVolumeClaim (bound to a PersistentVolume of that type by the "
        "cluster administrator) or a CSI volume instead."
    ),
    applies_to=_W,
    cwe=("CWE-668",),
    references=(_PSS, "https://kubernetes.io/docs/concepts/storage/volumes/"),
)
K8S_DEFAULT_NAMESPACE = config_rule(
    id="K8S-DEFAULT-NAMESPACE",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="Workload deployed in the default namespace",
    description=(
        "The `default` namespace is shared by everything nobody placed elsewhere; policies, "
        "quotas and RBAC scoped to it cannot separate this workload from others."
    ),
    remediation=(
        "Deploy each application into its own namespace with its own NetworkPolicies, "
        "quotas and RBAC."
    ),
    applies_to=_W,
    cwe=("CWE-653",),
    references=(_NAMESPACES,),
)
_SOCKET_FILES = frozenset(
    {
        "docker.sock",
        "containerd.sock",
        "crio.sock",
        "cri-dockerd.sock",
        "dockershim.sock",
        "podman.sock",
    }
)
# Directories whose mount exposes a runtime socket.
_SOCKET_DIRS = frozenset(
    {
        "/var/run",
        "/run",
        "/var/run/containerd",
        "/run/containerd",
        "/var/run/crio",
        "/run/crio",
        "/var/run/docker",
        "/run/docker",
        "/var/run/cri-dockerd",
        "/run/podman",
    }
)
_SENSITIVE_DIRS = (
    "/etc",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/root",
    "/home",
    "/var/run",
    "/run",
    "/var/lib/kubelet",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/crio",
    "/var/lib/etcd",
    "/var/lib/rancher",
    "/var/log",
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib64",
    "/opt/cni",
)
_SYSTEM_NAMESPACES = frozenset({"kube-system"})
_RESERVED_NAMESPACES = frozenset({"kube-system", "kube-public"})
_CRITICAL_PRIORITIES = frozenset({"system-node-critical", "system-cluster-critical"})
_RESTRICTED_VOLUMES = frozenset(
    {
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "persistentVolumeClaim",
        "projected",
        "secret",
        "hostPath",  # reported by the hostPath rules (baseline)
        "name",
    }
)
_SAFE_SYSCTLS = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
        "net.ipv4.tcp_rmem",
        "net.ipv4.tcp_wmem",
    }
)


def _pod_checks(w: Workload) -> Iterator[Hit]:
    spec = w.pod_spec
    for field, rule in (
        ("hostNetwork", K8S_HOST_NETWORK),
        ("hostPID", K8S_HOST_PID),
        ("hostIPC", K8S_HOST_IPC),
    ):
        if spec.get(field) is True:
            yield _hit(rule, w, spec.line_of(field), f"{w.id} sets {field}: true", f"spec.{field}")
    if spec.get("shareProcessNamespace") is True:
        yield _hit(
            K8S_SHARE_PROCESS_NAMESPACE,
            w,
            spec.line_of("shareProcessNamespace"),
            f"containers of {w.id} share one process namespace",
            "spec.shareProcessNamespace",
        )
    yield from _sysctls(w)
    yield from _root_groups(w)
    for vol in w.volumes():
        yield from _host_path(w, vol)
        yield from _volume_type(w, vol)
    yield from _system_namespace(w)
    ns_line = _explicit_default_namespace(w.obj)
    if ns_line:
        yield _hit(
            K8S_DEFAULT_NAMESPACE,
            w,
            ns_line,
            f"{w.id} is deployed in the default namespace",
            "metadata.namespace",
        )


def _root_groups(w: Workload) -> Iterator[Hit]:
    """fsGroup 0 or group 0 among the supplemental groups of the pod."""
    psc = w.pod_security_context
    if psc is None:
        return
    if _is_int(psc.get("fsGroup")) and psc.get("fsGroup") == 0:
        yield _hit(
            K8S_RUN_AS_ROOT_GROUP,
            w,
            psc.line_of("fsGroup"),
            f"{w.id} sets fsGroup 0: its volumes are owned by the root group",
            "spec.securityContext.fsGroup",
        )
    groups = psc.get("supplementalGroups")
    if isinstance(groups, YSeq):
        for i, group in enumerate(groups):
            if _is_int(group) and group == 0:
                yield _hit(
                    K8S_RUN_AS_ROOT_GROUP,
                    w,
                    groups.line_of(i),
                    f"{w.id} adds the root group (GID 0) to its supplemental groups",
                    "spec.securityContext.supplementalGroups",
                )


def _volume_type(w: Workload, vol: YMap) -> Iterator[Hit]:
    name = str(vol.get("name", ""))
    for key in vol:
        kind = str(key)
        if kind in _RESTRICTED_VOLUMES:
            continue
        yield _hit(
            K8S_VOLUME_TYPE,
            w,
            vol.line_of(key),
            f"volume {name!r} of {w.id} is of type {kind}",
            f"volumes[{name}]",
        )


def _system_namespace(w: Workload) -> Iterator[Hit]:
    meta = w.obj.metadata
    namespace = meta.get("namespace")
    if not isinstance(namespace, str) or namespace not in _RESERVED_NAMESPACES:
        return
    if str(w.pod_spec.get("priorityClassName", "")) in _CRITICAL_PRIORITIES:
        return  # a cluster component, where it belongs
    labels = get_map(w.template, "metadata", "labels") or get_map(w.obj.body, "metadata", "labels")
    if labels is not None and labels.get("tier") == "control-plane":
        return  # a control-plane static pod
    yield _hit(
        K8S_SYSTEM_NAMESPACE,
        w,
        meta.line_of("namespace"),
        f"{w.id} is deployed in {namespace}",
        "metadata.namespace",
    )


def _explicit_default_namespace(obj: K8sObject) -> int:
    meta = obj.metadata
    if meta.get("namespace") == "default":
        return meta.line_of("namespace")
    return 0


def _sysctls(w: Workload) -> Iterator[Hit]:
    psc = w.pod_security_context
    if psc is None:
        return
    sysctls = psc.get("sysctls")
    if not isinstance(sysctls, YSeq):
        return
    for i, item in enumerate(sysctls):
        if not isinstance(item, YMap) or not isinstance(item.get("name"), str):
            continue
        name = item["name"].strip().replace("/", ".")
        if name not in _SAFE_SYSCTLS:
            yield _hit(
                K8S_UNSAFE_SYSCTL,
                w,
                sysctls.line_of(i),
                f"{w.id} sets the unsafe sysctl {name}",
                f"sysctls[{name}]",
            )


def _normal_path(path: str) -> str:
    path = re.sub(r"/+", "/", path.strip())
    return posixpath.normpath(path) if path.startswith("/") else path


def _classify_host_path(path: str) -> Rule:
    """The rule for a hostPath: runtime socket, sensitive directory, or other."""
    norm = _normal_path(path)
    if posixpath.basename(norm) in _SOCKET_FILES or norm in _SOCKET_DIRS:
        return K8S_RUNTIME_SOCKET
    if norm == "/" or any(norm == d or norm.startswith(d + "/") for d in _SENSITIVE_DIRS):
        return K8S_HOSTPATH_SENSITIVE
    return K8S_HOSTPATH


_HOSTPATH_MESSAGES = {
    K8S_RUNTIME_SOCKET: "mounts the container runtime socket {path} from the host",
    K8S_HOSTPATH_SENSITIVE: "mounts the sensitive host path {path}",
    K8S_HOSTPATH: "mounts the host path {path}",
}


def _host_path(w: Workload, vol: YMap) -> Iterator[Hit]:
    hp = vol.get("hostPath")
    if not isinstance(hp, YMap) or not isinstance(hp.get("path"), str):
        return
    path = hp["path"]
    rule = _classify_host_path(path)
    if rule == K8S_HOSTPATH and w.namespace in _SYSTEM_NAMESPACES:
        return  # node agents there are expected to use plain host directories
    name = str(vol.get("name", ""))
    message = f"volume {name!r} of {w.id} " + _HOSTPATH_MESSAGES[rule].format(path=path)
    yield _hit(rule, w, hp.line_of("path"), message, f"volumes[{name}]")


def _persistent_volume(obj: K8sObject) -> Iterator[Hit]:
    hp = get_map(obj.body, "spec", "hostPath")
    if hp is None or not isinstance(hp.get("path"), str):
        return
    path = hp["path"]
    rule = _classify_host_path(path)
    message = f"{obj.id} " + _HOSTPATH_MESSAGES[rule].format(path=path)
    yield Hit(rule, obj.path, hp.line_of("path"), obj.id, message, "spec.hostPath")


RULES: tuple[Rule, ...] = (
    K8S_HOST_NETWORK,
    K8S_HOST_PID,
    K8S_HOST_IPC,
    K8S_RUNTIME_SOCKET,
    K8S_HOSTPATH_SENSITIVE,
    K8S_HOSTPATH,
    K8S_UNSAFE_SYSCTL,
    K8S_SHARE_PROCESS_NAMESPACE,
    K8S_SYSTEM_NAMESPACE,
    K8S_VOLUME_TYPE,
    K8S_DEFAULT_NAMESPACE,
)
