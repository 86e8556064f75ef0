"""Matching components named by package URL against the local vulnerability
database: what the findings service calls to re-check stored SBOMs."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from packageurl import PackageURL

from shieldwall.analyzers.deps.osv.findings import advisory_finding
from shieldwall.analyzers.deps.osv.location import default_database_path
from shieldwall.analyzers.deps.osv.matcher import open_matcher
from shieldwall.analyzers.deps.osv.store import Database
from shieldwall.analyzers.deps.purl import PURL_TYPES
from shieldwall.model import Component, Finding

_ECOSYSTEMS = {purl_type: ecosystem for ecosystem, purl_type in PURL_TYPES.items()}


@dataclass(frozen=True)
class Match:
    purl: str
    advisory: str
    finding: Finding


def database_path() -> Path:
    return default_database_path(os.environ)


def database_updated(path: Path | None = None) -> datetime | None:
    """When the vulnerability database was last updated (None: there is none)."""
    path = path or database_path()
    if not path.is_file():
        return None
    database = Database(path)
    try:
        return database.status().updated_at
    finally:
        database.close()


def component_of(purl: str) -> Component | None:
    """The component a package URL names, in OSV's terms; None for a purl of no
    ecosystem the database covers, or without a version."""
    try:
        parsed = PackageURL.from_string(purl)
    except ValueError:
        return None
    ecosystem = _ECOSYSTEMS.get(parsed.type)
    if ecosystem is None or not parsed.version:
        return None
    name = parsed.name
    if parsed.namespace:
        joiner = ":" if parsed.type == "maven" else "/"
        name = f"{parsed.namespace}{joiner}{parsed.name}"
    return Component(
        ecosystem=ecosystem, name=name, version=parsed.version, path="sbom", line=1, purl=purl
    )


def match_purls(purls: Sequence[str], path: Path | None = None) -> Iterator[Match]:
    """Every (purl, advisory) the database knows of, as a finding like the deps
    analyzer's. Raises the database's error when it is missing or broken."""
    matcher, _warning = open_matcher(path or database_path(), required=True, max_age_days=1e9)
    assert matcher is not None
    components = [c for c in map(component_of, dict.fromkeys(purls)) if c is not None]
    try:
        for component, advisory in matcher.match(components):
            yield Match(component.purl, advisory.id, advisory_finding(component, advisory))
    finally:
        matcher.database.close()
