"""What a config rule module is given, and what it yields (`Hit`, shared by every
analyzer)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from shieldwall.analyzers.hits import Hit
from shieldwall.model import Settings
from shieldwall.sources.manifests import Inventory, K8sObject
from shieldwall.sources.workloads import Workload, workload_of
from shieldwall.system.gateway import GatewayView, detect_gateways


@dataclass
class ConfigContext:
    inventory: Inventory
    settings: Settings = field(default_factory=Settings)

    @cached_property
    def workloads(self) -> list[Workload]:
        out = []
        for obj in self.inventory.kubernetes:
            w = workload_of(obj)
            if w is not None:
                out.append(w)
        return out

    def objects(self, *kinds: str) -> list[K8sObject]:
        wanted = set(kinds)
        return [o for o in self.inventory.kubernetes if o.kind in wanted]

    @cached_property
    def gateways(self) -> GatewayView:
        return detect_gateways(self.inventory, self.workloads, self.settings.gateway)


__all__ = ["ConfigContext", "Hit"]
