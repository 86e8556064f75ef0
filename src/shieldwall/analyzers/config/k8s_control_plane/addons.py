"""Two well-known risky add-ons: Tiller (Helm 2) and the Kubernetes dashboard."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.k8s_control_plane.components import (
    _image_repo,
    _is_loopback,
    _is_true,
    _parse_flags,
    _tokens,
)
from shieldwall.analyzers.config.k8s_control_plane.shorthand import (
    _AC,
    _DASHBOARD_REF,
    _EXP,
    _HELM_REF,
    _HIGH,
    _LOW,
    _MED,
    _WL,
    _rule,
)
from shieldwall.model import Rule
from shieldwall.sources.workloads import Container, Workload, get_map, get_seq
from shieldwall.sources.yaml_tree import YMap

# ---- add-ons
K8S_TILLER_DEPLOYED = _rule(
    id="K8S-TILLER-DEPLOYED",
    control=_AC,
    severity=_MED,
    title="Tiller (Helm v2) is deployed",
    description=(
        "Tiller runs with cluster-wide rights and, unless set up with TLS, serves "
        "unauthenticated gRPC; Helm v2 has been unsupported since 2020."
    ),
    remediation="Migrate to Helm 3 (no in-cluster component) and remove Tiller.",
    applies_to=_WL,
    cwe="CWE-1104",
    references=(_HELM_REF,),
)
K8S_TILLER_EXPOSED = _rule(
    id="K8S-TILLER-EXPOSED",
    control=_AC,
    severity=_HIGH,
    title="Tiller listens beyond localhost",
    description=(
        "Tiller's gRPC API (default `--listen=:44134`, all interfaces) lets any pod in "
        "the cluster install charts with Tiller's cluster-wide rights."
    ),
    remediation="Remove Tiller; until then run it with `--listen=127.0.0.1:44134` and TLS.",
    applies_to=_WL,
    cwe="CWE-306",
    references=(_HELM_REF,),
)
K8S_TILLER_SERVICE = _rule(
    id="K8S-TILLER-SERVICE",
    control=_EXP,
    severity=_MED,
    title="A Service exposes Tiller",
    description=(
        "A Service routes to Tiller's gRPC port, making its cluster-wide install rights "
        "reachable from other pods."
    ),
    remediation="Delete the Tiller Service.",
    applies_to=("Service",),
    cwe="CWE-668",
    references=(_HELM_REF,),
)
K8S_DASHBOARD_DEPLOYED = _rule(
    id="K8S-DASHBOARD-DEPLOYED",
    control=_AC,
    severity=_LOW,
    title="Kubernetes dashboard is deployed",
    description=(
        "The dashboard is a web console to the cluster; exposed or bound to a broad "
        "service account it has been a common entry point for attackers."
    ),
    remediation=(
        "Remove it if unused; otherwise keep it internal, behind authentication, with a "
        "minimal service account."
    ),
    applies_to=_WL,
    cwe="CWE-668",
    references=(_DASHBOARD_REF,),
)
K8S_DASHBOARD_SKIP_LOGIN = _rule(
    id="K8S-DASHBOARD-SKIP-LOGIN",
    control=_AC,
    severity=_HIGH,
    title="Kubernetes dashboard allows access without login",
    description=(
        "`--enable-skip-login` or `--enable-insecure-login` (both default false) let "
        "visitors use the dashboard's own service account without credentials."
    ),
    remediation="Remove `--enable-skip-login` and `--enable-insecure-login`.",
    applies_to=_WL,
    cwe="CWE-306",
    references=(_DASHBOARD_REF,),
)
_TILLER_PORT = 44134


def _is_dashboard(c: Container) -> bool:
    parts = _image_repo(c.image).split("/")
    last = parts[-1]
    if last.startswith("kubernetes-dashboard") or last == "kubernetesui":
        return True
    return (
        len(parts) > 1
        and parts[-2] == "kubernetesui"
        and last.startswith("dashboard")
        and "metrics-scraper" not in last
    )


def _is_tiller(c: Container) -> bool:
    return _image_repo(c.image).rsplit("/", 1)[-1].startswith("tiller")


def check(views: list[Workload]) -> Iterator[Hit]:
    for w in views:
        for c in w.containers():
            if _is_tiller(c):
                yield from _tiller(w, c)
            elif _is_dashboard(c):
                yield from _dashboard(w, c)


def _tiller(w: Workload, c: Container) -> Iterator[Hit]:
    where = f"container {c.name!r} of {w.id}"
    yield Hit(
        K8S_TILLER_DEPLOYED, w.path, c.body.line_of("image"), w.id, f"{where} runs Tiller", c.key
    )
    flags = _parse_flags(_tokens(c.body))
    listen = flags.get("listen")
    if listen is None:
        line = c.body.line_of("args") if "args" in c.body else c.line
        yield Hit(
            K8S_TILLER_EXPOSED,
            w.path,
            line,
            w.id,
            f"{where}: Tiller listens on all interfaces (default --listen=:44134)",
            c.key,
        )
    elif not _is_loopback(listen.value.rsplit(":", 1)[0]):
        yield Hit(
            K8S_TILLER_EXPOSED,
            w.path,
            listen.line,
            w.id,
            f"{where}: Tiller listens on {listen.value}",
            c.key,
        )


def _dashboard(w: Workload, c: Container) -> Iterator[Hit]:
    where = f"container {c.name!r} of {w.id}"
    yield Hit(
        K8S_DASHBOARD_DEPLOYED,
        w.path,
        c.body.line_of("image"),
        w.id,
        f"{where} runs the Kubernetes dashboard",
        c.key,
    )
    flags = _parse_flags(_tokens(c.body))
    for name in ("enable-skip-login", "enable-insecure-login"):
        flag = flags.get(name)
        if flag is not None and _is_true(flag.value):
            yield Hit(
                K8S_DASHBOARD_SKIP_LOGIN,
                w.path,
                flag.line,
                w.id,
                f"{where}: --{name} lets visitors in without credentials",
                f"{c.key}.{name}",
            )


def tiller_services(ctx: ConfigContext) -> Iterator[Hit]:
    for svc in ctx.objects("Service"):
        spec = get_map(svc.body, "spec")
        if spec is None:
            continue
        selector: Mapping[str, Any] = get_map(spec, "selector") or {}
        by_selector = selector.get("name") == "tiller" or (
            selector.get("app") == "helm" and selector.get("name") in (None, "tiller")
        )
        by_port = any(
            isinstance(p, YMap)
            and (p.get("port") == _TILLER_PORT or p.get("targetPort") in (_TILLER_PORT, "tiller"))
            for p in get_seq(spec, "ports")
        )
        if by_selector or by_port:
            yield Hit(
                K8S_TILLER_SERVICE,
                svc.path,
                svc.metadata.line_of("name"),
                svc.id,
                f"{svc.id} routes to Tiller's gRPC port",
                "tiller",
            )


RULES: tuple[Rule, ...] = (
    K8S_TILLER_DEPLOYED,
    K8S_TILLER_EXPOSED,
    K8S_TILLER_SERVICE,
    K8S_DASHBOARD_DEPLOYED,
    K8S_DASHBOARD_SKIP_LOGIN,
)
