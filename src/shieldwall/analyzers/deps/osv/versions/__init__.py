"""Version ordering per OSV ecosystem: ``parse_version(ecosystem, text)``
returns an object ordered the way that ecosystem orders its releases."""

from shieldwall.analyzers.deps.osv.versions.base import Comparable, InvalidVersionError
from shieldwall.analyzers.deps.osv.versions.registry import (
    ORDERINGS,
    comparator_for,
    parse_version,
)

__all__ = ["ORDERINGS", "Comparable", "InvalidVersionError", "comparator_for", "parse_version"]
