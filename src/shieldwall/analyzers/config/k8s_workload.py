"""Kubernetes workload rules: pod and container settings of every workload kind.

One pass over the workloads; each container of the three lists (containers,
initContainers, ephemeralContainers) is checked with the pod/container
securityContext precedence Kubernetes applies. Service-account rules, which
need the RBAC objects too, live in ``k8s_access``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.credentials import is_secret_assignment, name_words
from shieldwall.analyzers.config.profiles import BASELINE, BASELINE_CAPABILITIES, RESTRICTED, breaks
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import Container, Workload, get_map, get_seq, string_items
from shieldwall.sources.yaml_tree import YMap, YSeq

_PSS = "https://kubernetes.io/docs/concepts/security/pod-security-standards/"
_SC = "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"
_CAPS = "https://man7.org/linux/man-pages/man7/capabilities.7.html"
_HOSTPATH = "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath"
_SECCOMP = "https://kubernetes.io/docs/tutorials/security/seccomp/"
_APPARMOR = "https://kubernetes.io/docs/tutorials/security/apparmor/"
_SYSCTL = "https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/"
_SHARE_PID = "https://kubernetes.io/docs/tasks/configure-pod-container/share-process-namespace/"
_HOSTPROCESS = "https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/"
_RESOURCES = "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"
_IMAGES = "https://kubernetes.io/docs/concepts/containers/images/"
_SECRETS = "https://kubernetes.io/docs/concepts/configuration/secret/"
_SECRETS_GOOD = "https://kubernetes.io/docs/concepts/security/secrets-good-practices/"
_NAMESPACES = "https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/"

_W = ("workload",)

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
K8S_MEMORY_LIMIT_MISSING = config_rule(
    id="K8S-MEMORY-LIMIT-MISSING",
    control=Control.ISOLATION,
    severity=Severity.MEDIUM,
    title="Container has no memory limit",
    description=(
        "Without `resources.limits.memory` one container can use all the node's memory "
        "and get its neighbours evicted or killed (noisy neighbour, denial of service)."
    ),
    remediation="Set `resources.limits.memory` on every container (or a namespace LimitRange).",
    applies_to=_W,
    cwe=("CWE-770",),
    references=(_RESOURCES,),
)
K8S_CPU_LIMIT_MISSING = config_rule(
    id="K8S-CPU-LIMIT-MISSING",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="Container has no CPU limit",
    description=(
        "Without `resources.limits.cpu` a busy or hijacked container (cryptominer) can "
        "starve the other pods of the node."
    ),
    remediation="Set `resources.limits.cpu` (or a namespace LimitRange).",
    applies_to=_W,
    cwe=("CWE-770",),
    references=(_RESOURCES,),
)
K8S_RESOURCE_REQUESTS_MISSING = config_rule(
    id="K8S-RESOURCE-REQUESTS-MISSING",
    control=Control.ISOLATION,
    severity=Severity.LOW,
    title="Container has no CPU or memory request",
    description=(
        "Without a request (and no limit to default it from) the scheduler places the pod "
        "blind and it is the first evicted under pressure (BestEffort)."
    ),
    remediation="Set `resources.requests.cpu` and `resources.requests.memory`.",
    applies_to=_W,
    cwe=("CWE-770",),
    references=(_RESOURCES,),
)
K8S_IMAGE_LATEST = config_rule(
    id="K8S-IMAGE-LATEST",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.MEDIUM,
    title="Image uses the latest tag or no tag",
    description=(
        "`latest` (or no tag) points at whatever was pushed last: deployments are not "
        "reproducible and a pushed image is picked up without review."
    ),
    remediation="Pin the image to a version tag and preferably a digest (`name:1.2.3@sha256:...`).",
    applies_to=_W,
    cwe=("CWE-1357",),
    references=(_IMAGES,),
)
K8S_IMAGE_NO_DIGEST = config_rule(
    id="K8S-IMAGE-NO-DIGEST",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="Image not pinned by digest",
    description=(
        "A tag can be moved to other content at any time; only a digest names exactly the "
        "image that was reviewed and scanned."
    ),
    remediation="Reference the image by digest (`name:1.2.3@sha256:...`), updated by a bot.",
    applies_to=_W,
    cwe=("CWE-1357",),
    references=(_IMAGES,),
)
K8S_IMAGE_PULL_POLICY = config_rule(
    id="K8S-IMAGE-PULL-POLICY",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.LOW,
    title="Mutable image not pulled on every start",
    description=(
        "With `IfNotPresent` or `Never` (the default for tagged images) a node reuses "
        "whatever it cached under that tag, and any pod can start a cached private image "
        "without the pull credentials."
    ),
    remediation="Pin the image by digest, or set `imagePullPolicy: Always`.",
    applies_to=_W,
    cwe=("CWE-1357",),
    references=(_IMAGES,),
)
K8S_ENV_LITERAL_SECRET = config_rule(
    id="K8S-ENV-LITERAL-SECRET",
    control=Control.SECRETS,
    severity=Severity.HIGH,
    title="Credential written in an environment variable",
    description=(
        "An env var named like a password, token or key carries a literal value: it is "
        "stored in the repository, in the object (readable by anyone who can get the "
        "workload) and in every copy of the manifest."
    ),
    remediation=(
        "Move the value to a Secret (ideally from an external secret manager) and mount it "
        "as a file; rotate the exposed credential."
    ),
    applies_to=_W,
    cwe=("CWE-798",),
    references=(_SECRETS_GOOD,),
)
K8S_ENV_SECRET_REF = config_rule(
    id="K8S-ENV-SECRET-REF",
    control=Control.SECRETS,
    severity=Severity.LOW,
    title="Secret exposed as environment variables",
    description=(
        "Secrets in env vars are inherited by child processes, shown in crash dumps and "
        "debug endpoints, and cannot be rotated without a restart."
    ),
    remediation="Mount the Secret as a volume (read-only files) and read it from there.",
    applies_to=_W,
    cwe=("CWE-526",),
    references=(_SECRETS, _SECRETS_GOOD),
)
K8S_ENV_AUTH_DISABLED = config_rule(
    id="K8S-ENV-AUTH-DISABLED",
    control=Control.ACCESS_CONTROL,
    severity=Severity.HIGH,
    title="Environment variable disables authentication",
    description=(
        "An env var turns authentication off or allows anonymous or empty-password access "
        "(AUTH_DISABLED=true, *_AUTH_ENABLED=false, ALLOW_EMPTY_PASSWORD=yes, "
        "*_AUTH_METHOD=trust...): anyone who reaches the service is let in."
    ),
    remediation=(
        "Keep authentication on and give clients credentials, ideally from a central "
        "identity provider."
    ),
    applies_to=_W,
    cwe=("CWE-306",),
    references=(_SECRETS_GOOD,),
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
    K8S_HOST_NETWORK,
    K8S_HOST_PID,
    K8S_HOST_IPC,
    K8S_RUNTIME_SOCKET,
    K8S_HOSTPATH_SENSITIVE,
    K8S_HOSTPATH,
    K8S_SECCOMP_UNCONFINED,
    K8S_SECCOMP_NOT_SET,
    K8S_APPARMOR_UNCONFINED,
    K8S_PROC_MOUNT_UNMASKED,
    K8S_UNSAFE_SYSCTL,
    K8S_SHARE_PROCESS_NAMESPACE,
    K8S_SELINUX_CUSTOM,
    K8S_WINDOWS_HOST_PROCESS,
    K8S_MEMORY_LIMIT_MISSING,
    K8S_CPU_LIMIT_MISSING,
    K8S_RESOURCE_REQUESTS_MISSING,
    K8S_IMAGE_LATEST,
    K8S_IMAGE_NO_DIGEST,
    K8S_IMAGE_PULL_POLICY,
    K8S_ENV_LITERAL_SECRET,
    K8S_ENV_SECRET_REF,
    K8S_ENV_AUTH_DISABLED,
    K8S_SYSTEM_NAMESPACE,
    K8S_VOLUME_TYPE,
    K8S_DEFAULT_NAMESPACE,
)

# ---------------------------------------------------------------------------
# vocabularies

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
_SELINUX_TYPES = frozenset(
    {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
)

_SECCOMP_POD_ANNOTATIONS = (
    "seccomp.security.alpha.kubernetes.io/pod",
    "seccomp.security.alpha.kubernetes.io/defaultProfileName",
)
_SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"
_APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"

_TRUE = frozenset({"true", "1", "yes", "y", "on", "enabled", "enable"})
_FALSE = frozenset({"false", "0", "no", "n", "off", "disabled", "disable"})
_NO_AUTH_VALUES = frozenset({"trust", "none", "anonymous", "noauth", "no_auth", "disabled", "off"})


# ---------------------------------------------------------------------------
# entry point


def check(ctx: ConfigContext) -> Iterator[Hit]:
    for w in ctx.workloads:
        yield from _pod_checks(w)
        linux = not _is_windows(w)
        for c in w.containers():
            yield from _privilege(w, c)
            if linux:
                yield from _identity(w, c)
                yield from _capabilities(w, c)
                yield from _confinement(w, c)
            yield from _windows(w, c)
            if c.list_name != "ephemeralContainers":
                yield from _resources(w, c)
            yield from _image(w, c)
            yield from _env(w, c)
    for obj in ctx.objects("PersistentVolume"):
        yield from _persistent_volume(obj)


def _hit(rule: Rule, w: Workload, line: int, message: str, key: str, opt_in: bool = False) -> Hit:
    return Hit(rule, w.path, line, w.id, message, key, opt_in=opt_in)


def _is_windows(w: Workload) -> bool:
    os_ = get_map(w.pod_spec, "os")
    return os_ is not None and str(os_.get("name", "")).lower() == "windows"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _word(value: Any) -> str:
    """A YAML scalar as a lower-case word (booleans as true/false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip().lower() if isinstance(value, (str, int, float)) else ""


# ---------------------------------------------------------------------------
# pod level


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
    if namespace not in _RESERVED_NAMESPACES:
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


# ---------------------------------------------------------------------------
# container level


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


def _resources(w: Workload, c: Container) -> Iterator[Hit]:
    who = f"container {c.name!r} of {w.id}"
    res = get_map(c.body, "resources")
    limits = get_map(res, "limits")
    requests = get_map(res, "requests")
    res_line = c.body.line_of("resources") if res is not None else c.line

    def where(section: str) -> int:
        return res.line_of(section) if res is not None and section in res else res_line

    for resource, rule in (
        ("memory", K8S_MEMORY_LIMIT_MISSING),
        ("cpu", K8S_CPU_LIMIT_MISSING),
    ):
        if limits is None or limits.get(resource) in (None, ""):
            yield _hit(rule, w, where("limits"), f"{who} has no {resource} limit", c.key)
    # A request defaults to the limit, so only a resource with neither is unrequested.
    missing = [
        r
        for r in ("cpu", "memory")
        if (requests is None or requests.get(r) in (None, ""))
        and (limits is None or limits.get(r) in (None, ""))
    ]
    if missing:
        yield _hit(
            K8S_RESOURCE_REQUESTS_MISSING,
            w,
            where("requests"),
            f"{who} requests no {' and no '.join(missing)}",
            c.key,
        )


_TEMPLATED = re.compile(r"\$\{|\$\(|\{\{|^\$[A-Za-z_]")


def _split_image(image: str) -> tuple[str, str, str]:
    """(name, tag, digest) of an image reference."""
    rest, _, digest = image.partition("@")
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        return rest[:colon], rest[colon + 1 :], digest
    return rest, "", digest


def _image(w: Workload, c: Container) -> Iterator[Hit]:
    raw = c.body.get("image")
    if not isinstance(raw, str) or not raw.strip():
        return
    image = raw.strip()
    who = f"container {c.name!r} of {w.id}"
    line = c.body.line_of("image")
    _, tag, digest = _split_image(image)
    if digest or _TEMPLATED.search(tag) or (not tag and _TEMPLATED.search(image)):
        return  # pinned, or the tag is filled in at deploy time
    mutable_default = not tag or tag == "latest"
    if mutable_default:
        what = "the latest tag" if tag else "no tag (latest)"
        yield _hit(K8S_IMAGE_LATEST, w, line, f"{who} uses {image} with {what}", c.key)
    else:
        yield _hit(K8S_IMAGE_NO_DIGEST, w, line, f"{who} uses {image} without a digest", c.key)
    # On a versioned tag K8S-IMAGE-NO-DIGEST already asks for the digest, which
    # settles what the node runs whatever the pull policy: opt-in there.
    opt_in = not mutable_default
    policy = c.body.get("imagePullPolicy")
    if policy is None:
        if not mutable_default:  # the default is IfNotPresent for tagged images
            yield replace(
                _hit(
                    K8S_IMAGE_PULL_POLICY,
                    w,
                    c.line,
                    f"{who} pulls the mutable image {image} only if not present (default policy)",
                    c.key,
                ),
                opt_in=True,
            )
    elif _word(policy) != "always":
        yield _hit(
            K8S_IMAGE_PULL_POLICY,
            w,
            c.body.line_of("imagePullPolicy"),
            f"{who} uses imagePullPolicy: {policy} with the mutable image {image}",
            c.key,
            opt_in,
        )


# ---------------------------------------------------------------------------
# environment

_AUTH_WORD = r"(AUTH|AUTHENTICATION|AUTHORIZATION|AUTHN|AUTHZ|SECURITY|RBAC|ACL|BASICAUTH)"
_DISABLED_WHEN_TRUE = re.compile(
    rf"((^|_)(DISABLE|DISABLED|SKIP|NO|BYPASS)_?({_AUTH_WORD}|LOGIN)(_CHECKS?|_PLUGIN)?$"
    rf"|(^|_){_AUTH_WORD}_(DISABLED|DISABLE|SKIP|BYPASS|OFF)$"
    r"|(^|_)(ALLOW_)?ANONYMOUS(_ACCESS|_AUTH|_LOGIN|_USERS?|_READ)?(_ENABLED|_ALLOWED)?$"
    r"|(^|_)ALLOW_EMPTY(_ROOT)?_PASSWORD$"
    r"|(^|_)ALLOW_NONE_AUTHENTICATION$)"
)
_DISABLED_WHEN_FALSE = re.compile(
    rf"(^|_)(REQUIRE_?)?{_AUTH_WORD}(_REQUIRED|_ENABLED|_ENABLE|_ON)?$"
)
_AUTH_MODE = re.compile(rf"(^|_){_AUTH_WORD}(_METHOD|_TYPE|_MODE|_STRATEGY)$")
_TRANSPORT_WORDS = re.compile(r"(TLS|SSL|VERIFY|CERT|HTTPS)")


def _disables_auth(name: str, value: Any) -> bool:
    norm = "_".join(name_words(name)).upper()
    word = _word(value)
    if not norm or not word or _TRANSPORT_WORDS.search(norm):
        return False
    if _DISABLED_WHEN_TRUE.search(norm):
        return word in _TRUE
    if _AUTH_MODE.search(norm):
        return word in _NO_AUTH_VALUES or word in _FALSE
    if _DISABLED_WHEN_FALSE.search(norm):
        return word in _FALSE
    return False


def _env(w: Workload, c: Container) -> Iterator[Hit]:
    who = f"container {c.name!r} of {w.id}"
    for item in get_seq(c.body, "env"):
        if not isinstance(item, YMap) or not isinstance(item.get("name"), str):
            continue
        name = item["name"]
        if "value" in item:
            value = item.get("value")
            line = item.line_of("value")
            if _disables_auth(name, value):
                yield _hit(
                    K8S_ENV_AUTH_DISABLED,
                    w,
                    line,
                    f"{who} sets {name}={_word(value)}, which turns authentication off",
                    f"{c.key}.env[{name}]",
                )
            elif is_secret_assignment(name, value):
                yield _hit(
                    K8S_ENV_LITERAL_SECRET,
                    w,
                    line,
                    f"{who} sets the credential {name} as a literal env value",
                    f"{c.key}.env[{name}]",
                )
        value_from = get_map(item, "valueFrom")
        if value_from is not None and isinstance(value_from.get("secretKeyRef"), YMap):
            yield _hit(
                K8S_ENV_SECRET_REF,
                w,
                value_from.line_of("secretKeyRef"),
                f"{who} reads a Secret into the env var {name}",
                f"{c.key}.env[{name}]",
            )
    for item in get_seq(c.body, "envFrom"):
        ref = get_map(item, "secretRef")
        if ref is not None:
            secret = str(ref.get("name", ""))
            yield _hit(
                K8S_ENV_SECRET_REF,
                w,
                c.body.line_of("envFrom"),
                f"{who} loads the whole Secret {secret!r} into its environment",
                f"{c.key}.envFrom[{secret}]",
            )
