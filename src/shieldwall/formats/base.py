"""What every formatter is given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from shieldwall import __version__
from shieldwall.model import ScanResult, Scorecard, Severity


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
    # `--severity`: the severities shown (empty: all). Display only, never the gate.
    severities: frozenset[Severity] = frozenset()
    # `--quiet`: the text report is its summary line only.
    quiet: bool = False


def displayed(result: ScanResult, severities: frozenset[Severity]) -> ScanResult:
    """`result` with only the findings at `severities` (all of them when empty): what
    `--severity` shows. The gate is decided on the whole result, never on this one."""
    if not severities:
        return result
    kept = tuple(f for f in result.findings if f.rule.severity in severities)
    # A resource whose failures are hidden is not shown as passing either.
    hidden = [f for f in result.findings if f.rule.severity not in severities]
    checked = {
        control: ids - {f.resource for f in hidden if f.rule.control is control}
        for control, ids in result.scorecard.checked.items()
    }
    return replace(result, findings=kept, scorecard=Scorecard(checked))


Formatter = Callable[[ScanResult, ReportContext], str]
