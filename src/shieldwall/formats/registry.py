"""The explicit list of report formats."""

from __future__ import annotations

from shieldwall.formats import json_report, junit, sarif, text
from shieldwall.formats.base import Formatter

FORMATS: dict[str, Formatter] = {
    "json": json_report.render,
    "junit": junit.render,
    "sarif": sarif.render,
    "text": text.render,
}


def names() -> list[str]:
    return sorted(FORMATS)
