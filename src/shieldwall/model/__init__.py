"""Frozen data types shared by every layer. No I/O here."""

from shieldwall.model.component import Component, Hash
from shieldwall.model.finding import Finding, Location, Skipped, Suppression
from shieldwall.model.result import (
    DiffBase,
    FileSelection,
    Gate,
    PolicySource,
    ScanResult,
    Scorecard,
)
from shieldwall.model.rule import Rule
from shieldwall.model.service_map import MapEdge, MapNode, ServiceMap
from shieldwall.model.settings import FingerprintKey, GatewaySettings, Settings
from shieldwall.model.taxonomy import Control, Severity

__all__ = [
    "Component",
    "Control",
    "DiffBase",
    "FileSelection",
    "Finding",
    "FingerprintKey",
    "Gate",
    "GatewaySettings",
    "Hash",
    "Location",
    "MapEdge",
    "MapNode",
    "PolicySource",
    "Rule",
    "ScanResult",
    "Scorecard",
    "ServiceMap",
    "Settings",
    "Severity",
    "Skipped",
    "Suppression",
]
