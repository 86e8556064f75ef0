"""An advisory's severity: from its CVSS vector (v4 preferred, then v3, then
v2) scored by the ``cvss`` library, else from the database's own rating."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import cvss  # type: ignore[import-untyped]

from shieldwall.model import Severity

_NAMED = {
    "critical": Severity.CRITICAL,
    "high": Severity.HIGH,
    "moderate": Severity.MEDIUM,
    "medium": Severity.MEDIUM,
    "low": Severity.LOW,
    "none": Severity.INFO,
    "informational": Severity.INFO,
}
_PREFERENCE = {"CVSS_V4": 0, "CVSS_V3": 1, "CVSS_V2": 2}
# What a record rated by nobody is taken for: a known vulnerability with no
# score is still one to fix, but not ahead of those rated high.
UNRATED = Severity.MEDIUM


def from_score(score: float) -> Severity:
    """CVSS qualitative rating scale (the same for v3 and v4)."""
    if score >= 9.0:
        return Severity.CRITICAL
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    if score > 0.0:
        return Severity.LOW
    return Severity.INFO


def score_vector(kind: str, vector: str) -> float | None:
    """The base score of a CVSS vector, or None when it cannot be scored."""
    try:
        if kind == "CVSS_V4" or vector.startswith("CVSS:4"):
            return float(cvss.CVSS4(vector).base_score)
        if kind == "CVSS_V3" or vector.startswith("CVSS:3"):
            return float(cvss.CVSS3(vector).scores()[0])
        if kind == "CVSS_V2":
            return float(cvss.CVSS2(vector).scores()[0])
    except (cvss.CVSSError, ValueError, KeyError, IndexError, TypeError):
        return None
    return None


def best_vector(entries: Iterable[Mapping[str, Any]]) -> tuple[str, str] | None:
    """(type, vector) of the preferred CVSS entry in an OSV ``severity`` list."""
    usable = [
        (str(e.get("type")), str(e.get("score")))
        for e in entries
        if isinstance(e, Mapping) and e.get("type") in _PREFERENCE and e.get("score")
    ]
    if not usable:
        return None
    return min(usable, key=lambda pair: _PREFERENCE[pair[0]])


def record_severity(record: Mapping[str, Any]) -> tuple[Severity, str | None]:
    """(severity, CVSS vector used or None) for one OSV record."""
    entries: list[Mapping[str, Any]] = list(_mappings(record.get("severity")))
    for affected in _mappings(record.get("affected")):
        entries.extend(_mappings(affected.get("severity")))
    while entries:
        chosen = best_vector(entries)
        if chosen is None:
            break
        score = score_vector(*chosen)
        if score is not None:
            return from_score(score), chosen[1]
        entries = [e for e in entries if str(e.get("score")) != chosen[1]]
    named = _database_rating(record)
    if named is not None:
        return named, None
    return UNRATED, None


def _database_rating(record: Mapping[str, Any]) -> Severity | None:
    ratings: list[Severity] = []
    specifics = [record.get("database_specific")]
    specifics.extend(a.get("database_specific") for a in _mappings(record.get("affected")))
    for specific in _mappings(specifics):
        rating = specific.get("severity")
        if isinstance(rating, str) and rating.strip().lower() in _NAMED:
            ratings.append(_NAMED[rating.strip().lower()])
        categories = specific.get("categories")
        if isinstance(categories, list) and "malicious" in categories:
            ratings.append(Severity.CRITICAL)
        informational = specific.get("informational")
        if isinstance(informational, str) and informational:
            ratings.append(Severity.LOW)  # unmaintained, unsound, notice (RustSec)
    if str(record.get("id", "")).startswith("MAL-"):
        ratings.append(Severity.CRITICAL)  # OSV's malicious-package records
    return max(ratings, key=lambda s: s.rank) if ratings else None


def _mappings(value: object) -> Iterable[Mapping[str, Any]]:
    if isinstance(value, list):
        return [v for v in value if isinstance(v, Mapping)]
    return []
