"""The explicit list of report formats."""

from __future__ import annotations

from shieldwall.formats import json_report
from shieldwall.formats.base import Formatter

FORMATS: dict[str, Formatter] = {
    "json": json_report.render,
}


def names() -> list[str]:
    return sorted(FORMATS)
