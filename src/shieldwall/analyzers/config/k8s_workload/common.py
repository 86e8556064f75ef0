"""What the workload rules share: the documentation they cite and small readers of a
workload's fields."""

from __future__ import annotations

from typing import Any

from shieldwall.analyzers.config.context import Hit
from shieldwall.model import Rule
from shieldwall.sources.workloads import Workload, get_map

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
_TRUE = frozenset({"true", "1", "yes", "y", "on", "enabled", "enable"})
_FALSE = frozenset({"false", "0", "no", "n", "off", "disabled", "disable"})
_NO_AUTH_VALUES = frozenset({"trust", "none", "anonymous", "noauth", "no_auth", "disabled", "off"})


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
