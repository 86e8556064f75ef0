"""SPDX 2.3 JSON SBOMs from components (written directly: the format is a
small JSON document, and the tests validate it against the SPDX schema)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence

from shieldwall import __version__
from shieldwall.formats.sbom import Package, merge
from shieldwall.model import Component

NAMESPACE_BASE = "https://spdx.org/spdxdocs/shieldwall"
ROOT_ID = "SPDXRef-RootPackage"
_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")
NOASSERTION = "NOASSERTION"


def _spdx_id(index: int, p: Package) -> str:
    slug = _UNSAFE.sub("-", f"{p.first.name}-{p.first.version}").strip("-")[:60]
    return f"SPDXRef-Package-{index}-{slug}"


def _package(spdx_id: str, p: Package) -> dict[str, object]:
    c = p.first
    where = "; ".join(f"{path}:{line}" for path, line in p.occurrences)
    package: dict[str, object] = {
        "SPDXID": spdx_id,
        "name": c.name,
        "downloadLocation": NOASSERTION,
        "filesAnalyzed": False,
        "licenseConcluded": NOASSERTION,
        "licenseDeclared": NOASSERTION,
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
    return package


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
    for p in packages:
        if p.direct:
            relationships.append(_depends(ROOT_ID, ids[p.purl]))
    for p in packages:
        relationships.extend(_depends(ids[p.purl], ids[d]) for d in p.dependencies)
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
    document = {
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
        "packages": [root, *(_package(ids[p.purl], p) for p in packages)],
        "relationships": relationships,
    }
    return json.dumps(document, indent=2) + "\n"


def _depends(element: str, related: str) -> dict[str, str]:
    return {
        "spdxElementId": element,
        "relationshipType": "DEPENDS_ON",
        "relatedSpdxElement": related,
    }
