"""The explicit list of report formats, imported when first used (Rich costs
start-up time that a JSON-only run should not pay)."""

from __future__ import annotations

import importlib

from shieldwall.formats.base import Formatter

# format name -> module of shieldwall.formats with a `render` function
FORMATS: dict[str, str] = {
    "codequality": "codequality",
    "gitlab-sast": "gitlab_sast",
    "html": "html",
    "json": "json_report",
    "junit": "junit",
    "sarif": "sarif",
    "text": "text",
}


def formatter(name: str) -> Formatter:
    module = importlib.import_module(f"shieldwall.formats.{FORMATS[name]}")
    render: Formatter = module.render
    return render


def names() -> list[str]:
    return sorted(FORMATS)
