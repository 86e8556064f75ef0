"""Package names as each ecosystem compares them, so that a lock file's
spelling finds the advisory's."""

from __future__ import annotations

import re

_PEP503 = re.compile(r"[-_.]+")
_CASE_INSENSITIVE = {"NuGet", "Packagist", "crates.io", "Maven", "Hex", "Pub"}


def base_ecosystem(ecosystem: str) -> str:
    """"Debian:12" -> "Debian": distribution releases share one ordering and index."""
    return ecosystem.split(":", 1)[0].strip()


def normalise_name(ecosystem: str, name: str) -> str:
    eco = base_ecosystem(ecosystem)
    name = name.strip()
    if eco == "PyPI":
        return _PEP503.sub("-", name).lower()
    if eco == "crates.io":
        return name.replace("-", "_").lower()  # crates.io treats - and _ as one
    if eco in _CASE_INSENSITIVE:
        return name.lower()
    return name
