"""The one redaction pass: every text of a scan result that a format prints -
finding messages and resources, suppression reasons, skip reasons, warnings,
errors, gateways, scorecard resources, service-map ids, labels and evidence -
and every component an SBOM lists, with secrets replaced by the secrets
analyzer's redacted preview. It runs once, on what the analyzers returned,
so that no analyzer (nor a hostile file name or value) can forget.

Fingerprints do not change: a finding keeps the fingerprint computed from
what its analyzer found, so baselines and exceptions written before keep
matching. Paths are kept as they are: they must name the file."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from urllib.parse import unquote

from packageurl import PackageURL

from shieldwall.analyzers.secrets.scrub import redact_text
from shieldwall.model import (
    Component,
    Finding,
    MapEdge,
    MapNode,
    ScanResult,
    Scorecard,
    ServiceMap,
    Skipped,
)

__all__ = ["redact_components", "redact_finding", "redact_purl", "redact_result", "redact_text"]


def redact_purl(purl: str) -> str:
    """A package URL with secrets removed from its parts (a version that is a VCS
    URL with a token in it), still a valid package URL; any other text as
    `redact_text` leaves it."""
    if not purl.startswith("pkg:"):
        return redact_text(purl)
    decoded = unquote(purl)
    if redact_text(decoded) == decoded and redact_text(purl) == purl:
        return purl  # nothing to hide: no need to parse it
    try:
        parsed = PackageURL.from_string(purl)
    except ValueError:
        return redact_text(purl)
    qualifiers = parsed.qualifiers if isinstance(parsed.qualifiers, dict) else {}
    clean = PackageURL(
        type=parsed.type,
        namespace=_optional(parsed.namespace),
        name=redact_text(parsed.name),
        version=_optional(parsed.version),
        qualifiers={k: redact_text(v) for k, v in qualifiers.items()} or None,
        subpath=_optional(parsed.subpath),
    )
    return redact_text(purl) if clean == parsed else clean.to_string()


def _optional(text: str | None) -> str | None:
    return redact_text(text) if text else text


def _texts(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(redact_text(t) for t in items)


def _finding(f: Finding) -> Finding:
    message, resource, key = redact_text(f.message), redact_purl(f.resource), redact_text(f.key)
    suppression = f.suppression
    if suppression is not None:
        reason = redact_text(suppression.reason)
        if reason != suppression.reason:
            suppression = replace(suppression, reason=reason)
    if (message, resource, key, suppression) == (f.message, f.resource, f.key, f.suppression):
        return f
    return f.redacted(message, resource, key, suppression)


def redact_finding(f: Finding) -> Finding:
    """One finding as a report shows it (same fingerprint)."""
    return _finding(f)


def _node(n: MapNode) -> MapNode:
    clean = replace(
        n,
        id=redact_text(n.id),
        kind=redact_text(n.kind),
        name=redact_text(n.name),
        namespace=redact_text(n.namespace),
        resources=tuple(redact_purl(r) for r in n.resources),
    )
    return n if clean == n else clean


def _edge(e: MapEdge) -> MapEdge:
    clean = replace(
        e,
        source=redact_text(e.source),
        target=redact_text(e.target),
        evidence=redact_text(e.evidence),
    )
    return e if clean == e else clean


def _service_map(m: ServiceMap | None) -> ServiceMap | None:
    if m is None:
        return None
    return ServiceMap(
        nodes=tuple(_node(n) for n in m.nodes), edges=tuple(_edge(e) for e in m.edges)
    )


def redact_result(result: ScanResult) -> ScanResult:
    """The same result with no secret left in any text a format prints."""
    checked = {
        c: frozenset(redact_purl(r) for r in ids) for c, ids in result.scorecard.checked.items()
    }
    return replace(
        result,
        target=redact_text(result.target),
        findings=tuple(_finding(f) for f in result.findings),
        skipped=tuple(Skipped(s.path, redact_text(s.reason)) for s in result.skipped),
        scorecard=Scorecard(checked),
        gateways=_texts(result.gateways),
        gateway_source=redact_text(result.gateway_source),
        errors=_texts(result.errors),
        service_map=_service_map(result.service_map),
        warnings=_texts(result.warnings),
    )


def redact_components(components: Sequence[Component]) -> list[Component]:
    """Components as an SBOM may list them: no secret in a name, version or purl
    (a VCS dependency pinned to `git+https://TOKEN@host/...`)."""
    out: list[Component] = []
    for c in components:
        clean = replace(
            c,
            name=redact_text(c.name),
            version=redact_text(c.version),
            purl=redact_purl(c.purl),
            dependencies=tuple(redact_purl(d) for d in c.dependencies),
            dependency_markers=tuple((redact_purl(d), m) for d, m in c.dependency_markers),
            licenses=tuple(redact_text(x) for x in c.licenses),
        )
        out.append(c if clean == c else clean)
    return out
