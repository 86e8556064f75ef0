"""CycloneDX 1.6 JSON SBOMs from components, built with cyclonedx-python-lib."""

from __future__ import annotations

import datetime as dt
import uuid
import warnings
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from cyclonedx.model import HashAlgorithm, HashType, Property, XsUri
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component as CdxComponent
from cyclonedx.model.component import ComponentScope, ComponentType
from cyclonedx.model.impact_analysis import ImpactAnalysisAffectedStatus
from cyclonedx.model.license import DisjunctiveLicense, License, LicenseExpression
from cyclonedx.model.vulnerability import (
    BomTarget,
    BomTargetVersionRange,
    Vulnerability,
    VulnerabilityAdvisory,
    VulnerabilityRating,
    VulnerabilityReference,
    VulnerabilityScoreSource,
    VulnerabilitySeverity,
    VulnerabilitySource,
)
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from shieldwall import __version__
from shieldwall.formats.sbom import (
    LockNode,
    Package,
    SbomVulnerability,
    graph,
    merge,
    spdx_expression,
)
from shieldwall.model import Component, Hash
from shieldwall.model.component import GO_H1
from shieldwall.model.display import display_path, display_text

try:
    from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence
except ImportError:  # cyclonedx-python-lib < 8, as tools pinning it old install it
    ComponentEvidence = None  # type: ignore[assignment,misc]

ROOT_REF = "root-application"
LOCK_REF = "lockfile:"  # bom-ref prefix of a lock file in the dependency graph
_HASH_ALGORITHMS = {
    "MD5": HashAlgorithm.MD5,
    "SHA-1": HashAlgorithm.SHA_1,
    "SHA-256": HashAlgorithm.SHA_256,
    "SHA-384": HashAlgorithm.SHA_384,
    "SHA-512": HashAlgorithm.SHA_512,
}
_OSV = "https://osv.dev/vulnerability/"
_GROUPED = {"Maven": ":", "npm": "/", "Packagist": "/"}


def _group_and_name(c: Component) -> tuple[str | None, str]:
    sep = _GROUPED.get(c.ecosystem)
    if sep and sep in c.name and (c.ecosystem != "npm" or c.name.startswith("@")):
        group, _, name = c.name.partition(sep)
        return group, name
    return None, c.name


def _component(p: Package) -> CdxComponent:
    c = p.first
    group, name = _group_and_name(c)
    properties = [Property(name="shieldwall:ecosystem", value=c.ecosystem)]
    scopes = sorted(s for s in p.scopes if s)
    if scopes and "" not in p.scopes:
        properties.append(Property(name="shieldwall:scope", value=",".join(scopes)))
    properties.extend(Property(name="shieldwall:marker", value=m) for m in p.markers)
    properties.extend(
        Property(name="shieldwall:go-sum-h1", value=h.value)
        for h in p.hashes
        if h.algorithm == GO_H1
    )
    evidence = _evidence(p, properties)
    return CdxComponent(
        name=name,
        group=group,
        version=c.version or None,
        type=ComponentType.LIBRARY,
        bom_ref=p.purl,
        purl=PackageURL.from_string(p.purl),
        scope=ComponentScope.OPTIONAL if scopes and "" not in p.scopes else None,
        properties=properties,
        evidence=evidence,
        hashes=_hashes(p.hashes),
        licenses=_licenses(p.licenses),
    )


def _hashes(hashes: list[Hash]) -> list[HashType]:
    """The archive digests; go.sum's h1 (a hash of the module tree, base64) is
    no CycloneDX hash and goes in a property."""
    return [
        HashType(alg=_HASH_ALGORITHMS[h.algorithm], content=h.value)
        for h in hashes
        if h.algorithm in _HASH_ALGORITHMS
    ]


def _licenses(texts: list[str]) -> list[License]:
    """SPDX ids and expressions as such, anything else as a licence name. A
    CycloneDX list holds one expression or only single licences, so several
    statements with an expression among them are all given as names."""
    made: list[License] = []
    for text in texts:
        expression = spdx_expression(text)
        if expression is None:
            made.append(DisjunctiveLicense(name=text))
        elif " " not in expression and "(" not in expression:  # one SPDX id
            made.append(DisjunctiveLicense(id=expression))
        else:
            made.append(LicenseExpression(value=expression))
    if len(made) > 1 and any(isinstance(x, LicenseExpression) for x in made):
        return [DisjunctiveLicense(name=text) for text in texts]
    return made


def _lock_component(node: LockNode) -> CdxComponent:
    """A lock file the packages it lists hang from, with the reason."""
    return CdxComponent(
        name=display_path(node.path),
        type=ComponentType.FILE,
        bom_ref=LOCK_REF + display_path(node.path),
        properties=[Property(name="shieldwall:dependency-graph", value=display_text(node.reason))],
    )


def _evidence(p: Package, properties: list[Property]) -> ComponentEvidence | None:
    """Where the package is declared: CycloneDX 1.6 occurrences, or with a library
    too old to write them, one `shieldwall:occurrence` property per place."""
    if ComponentEvidence is None:
        properties.extend(
            Property(name="shieldwall:occurrence", value=f"{path}:{line}")
            for path, line in p.occurrences
        )
        return None
    return ComponentEvidence(
        occurrences=[Occurrence(location=path, line=line) for path, line in p.occurrences]
    )


def _method(vector: str) -> VulnerabilityScoreSource:
    if vector.startswith("CVSS:4"):
        return VulnerabilityScoreSource.CVSS_V4
    if vector.startswith("CVSS:3.1"):
        return VulnerabilityScoreSource.CVSS_V3_1
    if vector.startswith("CVSS:3"):
        return VulnerabilityScoreSource.CVSS_V3
    if vector.startswith("AV:"):
        return VulnerabilityScoreSource.CVSS_V2
    return VulnerabilityScoreSource.OTHER


def _vulnerability(v: SbomVulnerability, versions: dict[str, str]) -> Vulnerability:
    source = VulnerabilitySource(name="OSV", url=XsUri(_OSV + v.id))
    ratings = []
    if v.severity is not None or v.score is not None:
        ratings.append(
            VulnerabilityRating(
                source=source,
                score=Decimal(str(v.score)) if v.score is not None else None,
                severity=VulnerabilitySeverity(v.severity.value) if v.severity else None,
                method=_method(v.vector) if v.vector else None,
                vector=v.vector or None,
            )
        )
    fixed = ", ".join(v.fixed)
    return Vulnerability(
        bom_ref=f"{v.id}@{'+'.join(v.affects)}",
        id=v.id,
        source=source,
        references=[
            VulnerabilityReference(
                id=alias, source=VulnerabilitySource(name="OSV", url=XsUri(_OSV + alias))
            )
            for alias in v.aliases
            if alias != v.id
        ],
        ratings=ratings,
        description=v.summary or None,
        detail=v.detail or None,
        recommendation=f"Upgrade to {fixed}" if fixed else None,
        advisories=[VulnerabilityAdvisory(url=XsUri(url)) for url in v.references],
        affects=[
            BomTarget(
                ref=purl,
                versions=[
                    BomTargetVersionRange(
                        version=versions[purl], status=ImpactAnalysisAffectedStatus.AFFECTED
                    )
                ]
                if versions.get(purl)
                else None,
            )
            for purl in v.affects
            if purl in versions
        ],
    )


def _add_tool(metadata: BomMetaData, tool: CdxComponent) -> None:
    tools: Any = metadata.tools
    if hasattr(tools, "components"):
        tools.components.add(tool)
        return
    from cyclonedx.model import Tool  # type: ignore[attr-defined]  # lib < 8: Tool entries

    tools.add(Tool(name=tool.name, version=tool.version))


def render(
    components: Sequence[Component],
    root_name: str,
    vulnerabilities: Sequence[SbomVulnerability] = (),
    *,
    serial: uuid.UUID | None = None,
    timestamp: dt.datetime | None = None,
) -> str:
    """The CycloneDX 1.6 JSON document for ``components`` (and vulnerabilities)."""
    packages = merge(components)
    root = CdxComponent(name=root_name, type=ComponentType.APPLICATION, bom_ref=ROOT_REF)
    tool = CdxComponent(name="shieldwall", version=__version__, type=ComponentType.APPLICATION)
    metadata = BomMetaData(component=root, timestamp=timestamp or dt.datetime.now(dt.UTC))
    _add_tool(metadata, tool)
    bom = Bom(serial_number=serial or uuid.uuid4(), metadata=metadata)
    by_purl: dict[str, CdxComponent] = {}
    for p in packages:
        cdx = _component(p)
        by_purl[p.purl] = cdx
        bom.components.add(cdx)
    tree = graph(components, packages)
    tops = [by_purl[purl] for purl in tree.direct]
    for node in tree.lock_files:
        lock = _lock_component(node)
        bom.components.add(lock)
        bom.register_dependency(lock, [by_purl[purl] for purl in node.dependencies])
        tops.append(lock)
    for p in packages:
        bom.register_dependency(by_purl[p.purl], [by_purl[d] for d in p.dependencies])
    bom.register_dependency(root, tops)
    versions = {p.purl: p.first.version for p in packages}
    for v in vulnerabilities:
        bom.vulnerabilities.add(_vulnerability(v, versions))
    with warnings.catch_warnings():
        if not packages:
            # cyclonedx-python-lib < 8 warns that a root with no dependency makes the
            # graph incomplete even when there is no component: an empty tree is complete.
            warnings.filterwarnings(
                "ignore", "The Component this BOM is describing", category=UserWarning
            )
        text = str(JsonV1Dot6(bom).output_as_string(indent=2))
    return text + "\n"
