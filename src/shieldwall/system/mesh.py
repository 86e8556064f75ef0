"""The mTLS a service mesh is configured with, read once: the modes Istio
PeerAuthentications set (for the whole object and per port) and the TLS mode of
DestinationRules, each where it is written. `services.Mesh` evaluates them for a
workload (the map's encrypted links); the config analyzer reports the settings
that accept plaintext."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import get_map
from shieldwall.sources.yaml_tree import YMap

# Modes under which a service accepts (or a client sends) plaintext.
PLAINTEXT_MODES = frozenset({"PERMISSIVE", "DISABLE"})


@dataclass(frozen=True, slots=True)
class MtlsSetting:
    """One mTLS mode an object sets, where it is written."""

    obj: K8sObject
    mode: str  # upper case, as the mesh compares it
    written: object  # the value as written in the file
    line: int
    key: str  # "mtls", "port[8080]", "trafficPolicy.tls"
    port: str = ""  # for a port-level PeerAuthentication mode

    @property
    def plaintext(self) -> bool:
        return self.mode in PLAINTEXT_MODES


def _spec(obj: K8sObject) -> YMap:
    spec = obj.body.get("spec")
    return spec if isinstance(spec, YMap) else YMap(obj.line)


def peer_mode(pa: K8sObject) -> MtlsSetting | None:
    """The mode a PeerAuthentication sets for every port (`spec.mtls.mode`)."""
    mtls = get_map(_spec(pa), "mtls")
    if mtls is None:
        return None
    mode = mtls.get("mode")
    return MtlsSetting(pa, str(mode).upper(), mode, mtls.line_of("mode"), "mtls")


def port_modes(pa: K8sObject) -> Iterator[MtlsSetting]:
    """The modes a PeerAuthentication sets per port (`spec.portLevelMtls`)."""
    ports = get_map(_spec(pa), "portLevelMtls")
    if ports is None:
        return
    for port, cfg in ports.items():
        if isinstance(cfg, dict):
            mode = cfg.get("mode")
            yield MtlsSetting(
                pa, str(mode).upper(), mode, ports.line_of(port), f"port[{port}]", str(port)
            )


def destination_tls(dr: K8sObject) -> MtlsSetting | None:
    """The TLS mode a DestinationRule's traffic policy sets for its host."""
    tls = get_map(_spec(dr), "trafficPolicy", "tls")
    if tls is None:
        return None
    mode = tls.get("mode")
    return MtlsSetting(dr, str(mode).upper(), mode, tls.line_of("mode"), "trafficPolicy.tls")


def destination_host(dr: K8sObject) -> object:
    return _spec(dr).get("host")
