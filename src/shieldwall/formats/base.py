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
    # Absolute URI of the directory paths are relative to ("file:///.../"), for SARIF's
    # originalUriBaseIds: the repository's top level when path_prefix is set.
    root_uri: str = ""
    verbose: bool = False
    # SARIF: the scanned root's path inside the repository ("services/api"), put before
    # every path so that code scanning finds the files; "" when the root is the top.
    path_prefix: str = ""
    # SARIF: also list suppressed and baselined findings (with their suppressions).
    include_suppressed: bool = False


Formatter = Callable[[ScanResult, ReportContext], str]
