"""The one protocol every analyzer implements, and what it is given."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from shieldwall.model import Control, Finding, Rule, ServiceMap, Settings, Skipped
from shieldwall.model.progress import Progress, no_progress
from shieldwall.sources.kustomize import kubectl_available, render_identities
from shieldwall.sources.kustomize_files import read_generator_file
from shieldwall.sources.manifests import Inventory, load_inventory
from shieldwall.sources.tree import FileTree
from shieldwall.system.kustomize_build import apply_kustomize_build
from shieldwall.system.kustomize_labels import apply_kustomize_labels
from shieldwall.system.units import Units, partition


@dataclass
class ScanTarget:
    """The tree being scanned, parsed lazily and once, shared by all analyzers."""

    tree: FileTree
    settings: Settings = field(default_factory=Settings)
    # Where a long analysis reports how far it got (commits of --history); never printed here.
    progress: Progress = no_progress

    @cached_property
    def inventory(self) -> Inventory:
        inventory = load_inventory(self.tree, self.settings.max_file_bytes)
        root = self.tree.root

        def read(directory: str, rel: str) -> bytes | str:
            return read_generator_file(root, directory, rel)

        apply_kustomize_build(inventory, read)  # what `kustomize build` writes into the objects
        apply_kustomize_labels(inventory)  # and the labels it adds
        return inventory

    @cached_property
    def units(self) -> Units:
        """The deployment units of the inventory: cross-resource rules and the map
        work within one."""
        root = self.tree.root

        def render(directory: str) -> frozenset[tuple[str, str]] | str:
            return render_identities(root / directory)

        return partition(
            self.inventory, self.settings.units, render if kubectl_available() else None
        )


@dataclass(frozen=True, slots=True)
class AnalyzerOutput:
    findings: tuple[Finding, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    # Per control, the resources rules of that control looked at (for the scorecard).
    checked: dict[Control, frozenset[str]] = field(default_factory=dict)
    # Workloads taken for the API gateway, and how they were chosen.
    gateways: tuple[str, ...] = ()
    gateway_source: str = ""
    # The service map, from the topology analyzer.
    service_map: ServiceMap | None = None
    # What the user should know although nothing failed (a stale database...).
    warnings: tuple[str, ...] = ()


def worker_count() -> int:
    """Processes an analyzer may use: SHIELDWALL_JOBS, else the CPUs this process may
    run on."""
    env = os.environ.get("SHIELDWALL_JOBS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Analyzer(Protocol):
    name: str

    def rules(self) -> Sequence[Rule]: ...

    def analyze(self, target: ScanTarget) -> AnalyzerOutput: ...
