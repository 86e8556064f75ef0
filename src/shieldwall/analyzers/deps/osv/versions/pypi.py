"""PyPI: PEP 440 versions, and the pre-PEP 440 ("legacy") versions old
releases still carry, which sort before every PEP 440 version."""

from __future__ import annotations

from packaging.version import InvalidVersion, Version
from packaging_legacy.version import LegacyVersion  # type: ignore[import-untyped]

from shieldwall.analyzers.deps.osv.versions.base import Comparable


def parse(text: str) -> Comparable:
    try:
        return Version(text)
    except InvalidVersion:
        return LegacyVersion(text)  # type: ignore[no-any-return]
