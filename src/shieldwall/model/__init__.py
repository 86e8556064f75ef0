"""Frozen data types shared by every layer. No I/O here."""

from shieldwall.model.component import Component, Hash
from shieldwall.model.finding import Finding, Location, Skipped, Suppression
from shieldwall.model.result import FileSelection, PolicySource, ScanResult, Scorecard
from shieldwall.model.rule import Rule
from shieldwall.model.service_map import MapEdge, MapNode, ServiceMap
from shieldwall.model.settings import GatewaySettings, Settings
from shieldwall.model.taxonomy import Control, Severity

__all__ = [
    "Component",
    "Control",
    "FileSelection",
    "Finding",
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
