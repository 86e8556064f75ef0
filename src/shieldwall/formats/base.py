"""What every formatter is given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shieldwall import __version__
from shieldwall.model import ScanResult


@dataclass(frozen=True, slots=True)
class ReportContext:
    color: bool = False
    width: int = 100
    tool_version: str = __version__
    # Absolute URI of the scanned root ("file:///.../"), for SARIF's originalUriBaseIds.
    root_uri: str = ""
    verbose: bool = False


Formatter = Callable[[ScanResult, ReportContext], str]
