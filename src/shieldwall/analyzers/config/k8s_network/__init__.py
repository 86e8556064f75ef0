"""Kubernetes network rules across resources: NetworkPolicy coverage and default
deny, Ingress routes without TLS, mesh mTLS; Services and Ingress routes that
expose workloads past the gateway or without authentication only when those
workloads are not in the unit (the service map follows the others).

One module per subject, each with its rules beside its checks: `netpol`,
`exposure` and `mesh`; this one lists the rules and runs them.
"""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.k8s_network import exposure, mesh, netpol
from shieldwall.model import Rule

RULES: tuple[Rule, ...] = (
    netpol.K8S_NETPOL_MISSING,
    netpol.K8S_NETPOL_NO_DEFAULT_DENY,
    netpol.K8S_NETPOL_NO_DEFAULT_DENY_EGRESS,
    netpol.K8S_NETPOL_ALLOW_ALL,
    netpol.K8S_NETPOL_SELECTS_NOTHING,
    exposure.K8S_SERVICE_EXPOSED,
    exposure.K8S_SERVICE_EXTERNAL_IPS,
    exposure.K8S_INGRESS_NO_TLS,
    exposure.K8S_INGRESS_NO_AUTH,
    exposure.K8S_INGRESS_BYPASSES_GATEWAY,
    mesh.K8S_MESH_MTLS_NOT_STRICT,
)


def check(ctx: ConfigContext) -> Iterator[Hit]:
    policies = ctx.objects("NetworkPolicy")
    evaluated = netpol._Policies(policies)
    yield from netpol._netpol_coverage(ctx, policies, evaluated)
    yield from netpol._netpol_rules(ctx, policies, evaluated)
    yield from exposure._services(ctx)
    yield from exposure._ingresses(ctx)
    yield from mesh._mesh(ctx)
