"""`shieldwall sbom` as the engine runs it: the tree walked with the project's
excludes, the components of every lock file, environment markers evaluated,
secrets redacted, and (CycloneDX) the known vulnerabilities from the local
database. The command line only prints what this returns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from shieldwall.analyzers.deps import collect, markers
from shieldwall.analyzers.deps.osv.matcher import Advisory, open_default_matcher
from shieldwall.analyzers.deps.osv.severity import score_vector
from shieldwall.engine.project_config import find_config, load_config
from shieldwall.engine.redaction import redact_components, redact_purl
from shieldwall.errors import UsageError
from shieldwall.formats import cyclonedx, spdx
from shieldwall.formats.sbom import SbomVulnerability
from shieldwall.model import Component, Settings, Skipped
from shieldwall.sources.tree import walk

FORMATS = ("cyclonedx-json", "spdx-json")


@dataclass(frozen=True, slots=True)
class SbomOutcome:
    text: str  # the document
    components: int  # component entries in it
    skipped: tuple[Skipped, ...]  # lock files that could not be read
    left_out: int  # entries whose environment markers exclude the target
    target: str  # the Python and platform the markers were evaluated for
    warnings: tuple[str, ...] = ()


def _vulnerabilities(pairs: Iterable[tuple[Component, Advisory]]) -> list[SbomVulnerability]:
    """One entry per advisory, affecting every component it matched."""
    by_id: dict[str, SbomVulnerability] = {}
    for component, advisory in pairs:
        purl = redact_purl(component.purl)  # as the component list shows it
        known = by_id.get(advisory.id)
        if known is not None:
            if purl not in known.affects:
                by_id[advisory.id] = replace(known, affects=(*known.affects, purl))
            continue
        vector = advisory.cvss_vector or ""
        by_id[advisory.id] = SbomVulnerability(
            id=advisory.id,
            affects=(purl,),
            aliases=advisory.aliases,
            severity=advisory.severity,
            score=score_vector("", vector) if vector else None,
            vector=vector,
            summary=advisory.summary,
            detail=advisory.details,
            fixed=advisory.fixed_versions,
            references=advisory.references,
        )
    return sorted(by_id.values(), key=lambda v: v.id)


def build_sbom(
    path: Path,
    fmt: str = "cyclonedx-json",
    with_vulns: bool = False,
    exclude: tuple[str, ...] = (),
    python_version: str | None = None,
) -> SbomOutcome:
    """The SBOM of the lock files under `path`."""
    target = markers.target(python_version)
    if not path.exists():
        raise UsageError(f"{path} does not exist", "give a directory or file")
    if fmt not in FORMATS:
        raise UsageError(f"unknown SBOM format {fmt}", f"use one of {', '.join(FORMATS)}")
    if with_vulns and fmt != "cyclonedx-json":
        raise UsageError(
            "--with-vulns needs --format cyclonedx-json",
            "SPDX 2.3 has no place for vulnerabilities",
        )
    found = find_config(path) if path.is_dir() else None
    config = load_config(found, found.name) if found is not None else None
    excludes = (*(config.excludes if config else ()), *exclude)
    settings = config.settings if config else Settings()
    tree = walk(path, excludes=excludes)
    deps = collect(tree, settings.max_file_bytes)
    installed, left_out = markers.select(deps.components, target)
    components = redact_components(installed)
    name = tree.root.name or "project"
    warnings: list[str] = []
    if fmt == "spdx-json":
        text = spdx.render(components, name)
    else:
        vulns: list[SbomVulnerability] = []
        if with_vulns:
            # Missing: the error below; too old: a warning (an SBOM is not a gate).
            matcher, warning = open_default_matcher(replace(settings, require_db=False))
            if matcher is None:
                raise UsageError(
                    f"--with-vulns needs the vulnerability database ({warning})",
                    "run `shieldwall db update` first",
                )
            if warning:
                warnings.append(warning)
            vulns = _vulnerabilities(matcher.match([c for c in installed if c.pinned]))
        text = cyclonedx.render(components, name, vulns)
    return SbomOutcome(
        text, len(components), tuple(deps.skipped), left_out, target.label, tuple(warnings)
    )
