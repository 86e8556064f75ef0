"""What the SBOM formats share: components merged by purl, and the
vulnerabilities a CycloneDX SBOM can carry. Model objects only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from shieldwall.model import Component, Severity
from shieldwall.model.display import display_path


@dataclass(frozen=True, slots=True)
class SbomVulnerability:
    """A known vulnerability of some components, as an SBOM lists it."""

    id: str
    affects: tuple[str, ...]  # purls of the affected components
    aliases: tuple[str, ...] = ()
    severity: Severity | None = None
    score: float | None = None  # CVSS base score when known
    vector: str = ""  # CVSS vector (CVSS:3.1/... or CVSS:4.0/...)
    summary: str = ""
    detail: str = ""
    fixed: tuple[str, ...] = ()  # versions that fix it
    references: tuple[str, ...] = ()


@dataclass(slots=True)
class Package:
    """One package of the SBOM: the components of every lock file with its purl."""

    first: Component
    occurrences: list[tuple[str, int]] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    direct: bool = False
    scopes: set[str] = field(default_factory=set)

    @property
    def purl(self) -> str:
        return self.first.purl


def merge(components: Sequence[Component]) -> list[Package]:
    """Components with the same purl as one package, in a stable order."""
    by_purl: dict[str, Package] = {}
    for c in components:
        package = by_purl.get(c.purl)
        if package is None:
            package = by_purl[c.purl] = Package(c)
        package.occurrences.append((display_path(c.path), c.line))
        package.dependencies.extend(d for d in c.dependencies if d not in package.dependencies)
        package.direct = package.direct or c.direct is True
        package.scopes.add(c.scope)
    packages = sorted(by_purl.values(), key=lambda p: (p.first.ecosystem, p.first.name, p.purl))
    known = set(by_purl)
    for p in packages:
        p.dependencies = sorted(d for d in p.dependencies if d in known and d != p.purl)
    return packages
