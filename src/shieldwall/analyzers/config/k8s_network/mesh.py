"""Mesh settings that accept plaintext, as `system/mesh.py` reads them."""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.system.mesh import destination_host, destination_tls, peer_mode, port_modes

K8S_MESH_MTLS_NOT_STRICT = config_rule(
    id="K8S-MESH-MTLS-NOT-STRICT",
    control=Control.ENCRYPTION,
    severity=Severity.MEDIUM,
    title="Service mesh accepts plaintext between services",
    description=(
        "A PeerAuthentication in PERMISSIVE or DISABLE mode (or a DestinationRule with TLS "
        "DISABLE) lets services talk in clear text inside the cluster."
    ),
    remediation="Set `spec.mtls.mode: STRICT` (and `trafficPolicy.tls.mode: ISTIO_MUTUAL`).",
    applies_to=("PeerAuthentication", "DestinationRule"),
    cwe=("CWE-319",),
    references=("https://istio.io/latest/docs/reference/config/security/peer_authentication/",),
)


def _mesh(ctx: ConfigContext) -> Iterator[Hit]:
    """The mesh settings that accept plaintext, as `system/mesh.py` reads them."""
    for pa in ctx.objects("PeerAuthentication"):
        whole = peer_mode(pa)
        if whole is not None and whole.plaintext:
            yield Hit(
                K8S_MESH_MTLS_NOT_STRICT,
                pa.path,
                whole.line,
                pa.id,
                f"{pa.id} sets mTLS mode {whole.written}: services accept plaintext",
                whole.key,
            )
        for port in port_modes(pa):
            if port.plaintext:
                yield Hit(
                    K8S_MESH_MTLS_NOT_STRICT,
                    pa.path,
                    port.line,
                    pa.id,
                    f"{pa.id} sets mTLS mode {port.written} on port {port.port}",
                    port.key,
                )
    for dr in ctx.objects("DestinationRule"):
        tls = destination_tls(dr)
        if tls is not None and tls.mode == "DISABLE":
            yield Hit(
                K8S_MESH_MTLS_NOT_STRICT,
                dr.path,
                tls.line,
                dr.id,
                f"{dr.id} disables TLS to host {destination_host(dr)}",
                tls.key,
            )


RULES: tuple[Rule, ...] = (K8S_MESH_MTLS_NOT_STRICT,)
