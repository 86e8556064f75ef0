"""SPDX 2.3 JSON SBOMs from components (written directly: the format is a
small JSON document, and the tests validate it against the SPDX schema)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence

from shieldwall import __version__
from shieldwall.formats.sbom import LockNode, Package, graph, merge, spdx_expression
from shieldwall.model import Component
from shieldwall.model.component import GO_H1
from shieldwall.model.display import display_path, display_text

NAMESPACE_BASE = "https://spdx.org/spdxdocs/shieldwall"
ROOT_ID = "SPDXRef-RootPackage"
_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")
NOASSERTION = "NOASSERTION"
_CHECKSUMS = {
    "MD5": "MD5",
    "SHA-1": "SHA1",
    "SHA-256": "SHA256",
    "SHA-384": "SHA384",
    "SHA-512": "SHA512",
}


def _spdx_id(index: int, p: Package) -> str:
    slug = _UNSAFE.sub("-", f"{p.first.name}-{p.first.version}").strip("-")[:60]
    return f"SPDXRef-Package-{index}-{slug}"


def _license_ref(text: str) -> str:
    return "LicenseRef-" + _UNSAFE.sub("-", text).strip("-")[:60] + "-" + _short_hash(text)


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _declared(p: Package, refs: dict[str, str]) -> str:
    """The licences the lock file states, as one SPDX expression: SPDX ids and
    expressions as they are, other names as LicenseRef- entries (recorded in ``refs``)."""
    parts: list[str] = []
    for text in p.licenses:
        expression = spdx_expression(text)
        if expression is None:
            expression = refs.setdefault(text, _license_ref(text))
        parts.append(expression if len(p.licenses) == 1 else f"({expression})")
    return " AND ".join(parts) if parts else NOASSERTION


def _package(spdx_id: str, p: Package, refs: dict[str, str]) -> dict[str, object]:
    c = p.first
    where = "; ".join(f"{path}:{line}" for path, line in p.occurrences)
    package: dict[str, object] = {
        "SPDXID": spdx_id,
        "name": c.name,
        "downloadLocation": NOASSERTION,
        "filesAnalyzed": False,
        "licenseConcluded": NOASSERTION,
        "licenseDeclared": _declared(p, refs),
        "copyrightText": NOASSERTION,
        "primaryPackagePurpose": "LIBRARY",
        "sourceInfo": f"{c.ecosystem} package found in {where}",
        "externalRefs": [
            {
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": p.purl,
            }
        ],
    }
    if c.version:
        package["versionInfo"] = c.version
    checksums = [
        {"algorithm": _CHECKSUMS[h.algorithm], "checksumValue": h.value}
        for h in p.hashes
        if h.algorithm in _CHECKSUMS
    ]
    if checksums:
        package["checksums"] = checksums
    notes = [f"installed when {m}" for m in p.markers]
    notes += [
        f"go.sum {h.value} (SHA-256 of the module tree)" for h in p.hashes if h.algorithm == GO_H1
    ]
    if notes:
        package["comment"] = "; ".join(notes)
    return package


def _lock_package(spdx_id: str, node: LockNode) -> dict[str, object]:
    """A lock file the packages it lists hang from, with the reason."""
    return {
        "SPDXID": spdx_id,
        "name": display_path(node.path),
        "downloadLocation": NOASSERTION,
        "filesAnalyzed": False,
        "licenseConcluded": NOASSERTION,
        "licenseDeclared": NOASSERTION,
        "copyrightText": NOASSERTION,
        "primaryPackagePurpose": "FILE",
        "comment": display_text(node.reason),
    }


def render(
    components: Sequence[Component],
    root_name: str,
    *,
    created: dt.datetime | None = None,
) -> str:
    """The SPDX 2.3 JSON document for ``components``."""
    packages = merge(components)
    when = (created or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    ids = {p.purl: _spdx_id(i, p) for i, p in enumerate(packages, 1)}
    digest = hashlib.sha256(
        "\n".join([root_name, when.isoformat(), *ids]).encode("utf-8")
    ).hexdigest()[:32]
    relationships: list[dict[str, str]] = [
        {
            "spdxElementId": "SPDXRef-DOCUMENT",
            "relationshipType": "DESCRIBES",
            "relatedSpdxElement": ROOT_ID,
        }
    ]
    tree = graph(components, packages)
    relationships.extend(_depends(ROOT_ID, ids[purl]) for purl in tree.direct)
    locks: list[dict[str, object]] = []
    for i, node in enumerate(tree.lock_files, 1):
        lock_id = f"SPDXRef-LockFile-{i}-{_UNSAFE.sub('-', node.path).strip('-')[:60]}"
        locks.append(_lock_package(lock_id, node))
        relationships.append(_depends(ROOT_ID, lock_id))
        relationships.extend(_depends(lock_id, ids[purl]) for purl in node.dependencies)
    for p in packages:
        relationships.extend(_depends(ids[p.purl], ids[d]) for d in p.dependencies)
    refs: dict[str, str] = {}
    listed = [_package(ids[p.purl], p, refs) for p in packages]
    root = {
        "SPDXID": ROOT_ID,
        "name": root_name,
        "downloadLocation": NOASSERTION,
        "filesAnalyzed": False,
        "licenseConcluded": NOASSERTION,
        "licenseDeclared": NOASSERTION,
        "copyrightText": NOASSERTION,
        "primaryPackagePurpose": "APPLICATION",
    }
    document: dict[str, object] = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": f"{root_name} dependencies",
        "documentNamespace": f"{NAMESPACE_BASE}/{_UNSAFE.sub('-', root_name)}-{digest}",
        "creationInfo": {
            "created": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "creators": [f"Tool: shieldwall-{__version__}"],
        },
        "documentDescribes": [ROOT_ID],
        "packages": [root, *locks, *listed],
        "relationships": relationships,
    }
    if refs:
        document["hasExtractedLicensingInfos"] = [
            {
                "licenseId": ref,
                "name": text,
                "extractedText": f"licence named {text!r} by the lock file",
            }
            for text, ref in refs.items()
        ]
    return json.dumps(document, indent=2) + "\n"


def _depends(element: str, related: str) -> dict[str, str]:
    return {
        "spdxElementId": element,
        "relationshipType": "DEPENDS_ON",
        "relatedSpdxElement": related,
    }
