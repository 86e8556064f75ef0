"""Kubernetes control-plane configuration rules, one module per component.


What a platform team keeps in git about the cluster itself: static pod manifests of
kube-apiserver, kube-controller-manager, kube-scheduler, etcd and kubelet (their
command-line flags), kubeadm ``ClusterConfiguration`` extraArgs, ``KubeletConfiguration``,
``KubeSchedulerConfiguration``, ``EncryptionConfiguration``, audit ``Policy`` files, the
legacy ``PodSecurityPolicy``, and two well-known risky add-ons (Tiller, the dashboard).

A component is recognised by its executable: the first word of ``command`` (or of ``args``
when there is no command), also behind ``hyperkube`` or ``sh -c``. Flags may be written
``--flag=value`` or ``--flag value``, in ``command`` or ``args``; the last one wins, as in
the components themselves. A missing flag counts as its compiled-in default, except where
a configuration file (``--config``) or kubeadm decides instead: then only explicit values
are judged.

Each module declares its rules beside its checks; this one lists them (`RULES`, in
the order `shieldwall rules` shows) and runs the checks over the components found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.k8s_control_plane import (
    addons,
    apiserver,
    audit,
    controller,
    encryption,
    etcd,
    kubelet,
    psp,
    scheduler,
    tls,
)
from shieldwall.analyzers.config.k8s_control_plane.components import (
    _APISERVER,
    _CONTROLLER,
    _ETCD,
    _KUBELET,
    _SCHEDULER,
    Component,
    _components,
)
from shieldwall.model import Rule

RULES: tuple[Rule, ...] = (
    *apiserver.RULES,
    *tls.RULES,
    *controller.RULES,
    *scheduler.RULES,
    *etcd.RULES,
    *kubelet.RULES,
    *encryption.RULES,
    *audit.RULES,
    *psp.RULES,
    *addons.RULES,
)

_CHECKS: dict[str, Callable[[Component], Iterator[Hit]]] = {
    _APISERVER: apiserver.check,
    _CONTROLLER: controller.check,
    _SCHEDULER: scheduler.check,
    _ETCD: etcd.check,
    _KUBELET: kubelet.check,
}


def check(ctx: ConfigContext) -> Iterator[Hit]:
    views = ctx.workloads
    components = _components(ctx, views)
    for comp in components:
        yield from _CHECKS[comp.name](comp)
        yield from tls.weak_tls(comp)
    yield from etcd.shared_ca(components)
    for obj in ctx.inventory.kubernetes:
        group = obj.api_version.split("/", 1)[0]
        if obj.kind == "EncryptionConfiguration" and group == "apiserver.config.k8s.io":
            yield from encryption.check(obj)
        elif obj.kind == "Policy" and group == "audit.k8s.io":
            yield from audit.check(obj)
        elif obj.kind == "PodSecurityPolicy":
            yield from psp.check(obj)
    yield from addons.check(views)
    yield from addons.tiller_services(ctx)
