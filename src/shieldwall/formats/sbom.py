"""What the SBOM formats share: components merged by purl, the dependency
graph rooted at the project, licences as SPDX expressions, and the
vulnerabilities a CycloneDX SBOM can carry. Model objects only."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from cyclonedx import spdx as _spdx

from shieldwall.model import Component, Hash, Severity
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
    licenses: list[str] = field(default_factory=list)
    hashes: list[Hash] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)  # the markers it is installed under

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
        _extend(package.licenses, c.licenses)
        _extend(package.hashes, c.hashes)
        _extend(package.markers, [c.marker] if c.marker else [])
    packages = sorted(by_purl.values(), key=lambda p: (p.first.ecosystem, p.first.name, p.purl))
    known = set(by_purl)
    for p in packages:
        p.dependencies = sorted(d for d in p.dependencies if d in known and d != p.purl)
    return packages


_T = TypeVar("_T")
# cyclonedx-python-lib 8 renamed is_compound_expression to is_expression.
_OLD_NAME = "is_compound_expression"  # absent from the library's current version
_is_expression: Callable[[str], bool] = getattr(_spdx, "is_expression", None) or getattr(
    _spdx, _OLD_NAME
)


def _extend(target: list[_T], items: Iterable[_T]) -> None:
    target.extend(x for x in items if x not in target)


def spdx_expression(license_text: str) -> str | None:
    """``license_text`` as a valid SPDX licence expression (an id's case fixed:
    ``mit`` -> ``MIT``), or None when it is not one (a licence name, ``SEE LICENSE IN ...``)."""
    text = license_text.strip()
    single = _spdx.fixup_id(text)
    if single is not None:
        return single
    if _is_expression(text):
        return text
    return None


# Why packages hang from a lock file rather than from the project or a package.
NO_DIRECT_DATA = (
    "the lock file does not say which packages the project requires directly: "
    "the packages no other package in it requires are attached to the lock file"
)
NOT_REACHED = (
    "no chain of dependencies from the project reaches these packages in the lock file: "
    "they are attached to it"
)


@dataclass(frozen=True, slots=True)
class LockNode:
    """A lock file in the dependency graph: the packages it lists that the
    project's direct dependencies do not lead to."""

    path: str
    dependencies: tuple[str, ...]  # purls
    reason: str


@dataclass(frozen=True, slots=True)
class Graph:
    """The dependency graph rooted at the project: every package is reached
    from ``direct`` or a lock node, through the packages' own dependencies."""

    direct: tuple[str, ...]  # purls the project requires directly
    lock_files: tuple[LockNode, ...]


def graph(components: Sequence[Component], packages: Sequence[Package]) -> Graph:
    """Root the packages at the project, attaching what no chain reaches to its lock file."""
    direct = [p.purl for p in packages if p.direct]
    by_purl = {p.purl: p for p in packages}
    by_file: dict[str, list[Component]] = {}
    for c in components:
        by_file.setdefault(c.path, []).append(c)
    attached: dict[str, list[str]] = {}
    reasons: dict[str, str] = {}
    for path, group in by_file.items():
        if any(c.direct is not None for c in group):
            continue
        required = {d for c in group for d in c.dependencies}
        tops = [c.purl for c in group if c.purl not in required and c.purl in by_purl]
        attached[path] = list(dict.fromkeys(tops))
        reasons[path] = NO_DIRECT_DATA
    reached = _reach([*direct, *(p for tops in attached.values() for p in tops)], by_purl)
    for p in packages:
        if p.purl in reached:
            continue
        path = p.occurrences[0][0]
        attached.setdefault(path, []).append(p.purl)
        reasons.setdefault(path, NOT_REACHED)
        reached |= _reach([p.purl], by_purl)
    nodes = tuple(
        LockNode(path, tuple(purls), reasons[path])
        for path, purls in sorted(attached.items())
        if purls
    )
    return Graph(tuple(direct), nodes)


def _reach(start: list[str], by_purl: dict[str, Package]) -> set[str]:
    seen = set(start)
    queue = deque(start)
    while queue:
        for dep in by_purl[queue.popleft()].dependencies:
            if dep not in seen:
                seen.add(dep)
                queue.append(dep)
    return seen
