"""kube-controller-manager."""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.k8s_control_plane.components import (
    Component,
    _bind_address,
    _explicit_or_default,
    _is_true,
    _profiling,
)
from shieldwall.analyzers.config.k8s_control_plane.kubelet import _server_rotation
from shieldwall.analyzers.config.k8s_control_plane.shorthand import (
    _AC,
    _CONTROLLER_REF,
    _ENC,
    _EXP,
    _LOW,
    _LP,
    _WL,
    _rule,
)
from shieldwall.model import Rule

# ---- kube-controller-manager
K8S_CONTROLLER_PROFILING = _rule(
    id="K8S-CONTROLLER-PROFILING",
    control=_AC,
    severity=_LOW,
    title="Controller manager exposes profiling endpoints",
    description="`--profiling` is not false (default: true): /debug/pprof reveals internals.",
    remediation="Set `--profiling=false`.",
    applies_to=_WL,
    cwe="CWE-215",
    references=(_CONTROLLER_REF,),
)
K8S_CONTROLLER_SA_CREDENTIALS = _rule(
    id="K8S-CONTROLLER-SA-CREDENTIALS",
    control=_LP,
    severity=_LOW,
    title="Controllers share the controller manager's credentials",
    description=(
        "`--use-service-account-credentials` is not true (default: false), so every "
        "controller acts with the controller manager's own, broad identity instead of "
        "a per-controller service account."
    ),
    remediation="Set `--use-service-account-credentials=true`.",
    applies_to=_WL,
    cwe="CWE-250",
    references=(_CONTROLLER_REF,),
)
K8S_CONTROLLER_ROOT_CA = _rule(
    id="K8S-CONTROLLER-ROOT-CA",
    control=_ENC,
    severity=_LOW,
    title="Controller manager does not publish the cluster CA to pods",
    description=(
        "Without `--root-ca-file` (unset by default) service account token volumes lack "
        "the CA bundle, so pods cannot verify the API server's certificate."
    ),
    remediation="Set `--root-ca-file` to the cluster CA certificate.",
    applies_to=_WL,
    cwe="CWE-295",
    references=(_CONTROLLER_REF,),
)
K8S_CONTROLLER_BIND_ADDRESS = _rule(
    id="K8S-CONTROLLER-BIND-ADDRESS",
    control=_EXP,
    severity=_LOW,
    title="Controller manager listens on all interfaces",
    description=(
        "`--bind-address` is not a loopback address (default: 0.0.0.0), so its metrics, "
        "health and debug endpoints are reachable from the network."
    ),
    remediation="Set `--bind-address=127.0.0.1`.",
    applies_to=_WL,
    cwe="CWE-668",
    references=(_CONTROLLER_REF,),
)


def check(c: Component) -> Iterator[Hit]:
    yield from _profiling(c, K8S_CONTROLLER_PROFILING)
    yield from _bind_address(c, K8S_CONTROLLER_BIND_ADDRESS)
    value = c.value("use-service-account-credentials")
    if value is not None and not _is_true(value):
        yield c.hit(
            K8S_CONTROLLER_SA_CREDENTIALS,
            "use-service-account-credentials",
            _explicit_or_default(
                c, "use-service-account-credentials", "controllers share one identity"
            ),
        )
    if c.unset("root-ca-file"):
        yield c.hit(K8S_CONTROLLER_ROOT_CA, "root-ca-file", "--root-ca-file is unset")
    yield from _server_rotation(c)


RULES: tuple[Rule, ...] = (
    K8S_CONTROLLER_PROFILING,
    K8S_CONTROLLER_SA_CREDENTIALS,
    K8S_CONTROLLER_ROOT_CA,
    K8S_CONTROLLER_BIND_ADDRESS,
)
