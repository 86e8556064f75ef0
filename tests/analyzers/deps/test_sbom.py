"""SBOMs: CycloneDX 1.6 (validated with cyclonedx-python-lib's bundled schema)
and SPDX 2.3 (validated against ../shared/schemas), and `shieldwall sbom`."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from shieldwall.analyzers.deps.osv.matcher import Advisory
from shieldwall.cli import sbom as sbom_cli
from shieldwall.cli.main import cli
from shieldwall.formats import cyclonedx, spdx
from shieldwall.formats.sbom import SbomVulnerability
from shieldwall.model import Component, Settings, Severity
from tests.analyzers.deps.helpers import DEPS_FIXTURES, scan_dir
from tests.conftest import REPO, SHARED

SPDX_SCHEMA = SHARED / "schemas" / "spdx-schema-2.3.json"


def _cdx_errors(text: str) -> object:
    return JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)


def _spdx_validate(text: str) -> None:
    if not SPDX_SCHEMA.is_file():
        pytest.skip(f"SPDX 2.3 schema not found at {SPDX_SCHEMA} (../shared is absent)")
    schema = json.loads(SPDX_SCHEMA.read_text())
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(json.loads(text)))
    assert errors == []


@pytest.fixture(scope="module")
def components() -> tuple[Component, ...]:
    return scan_dir(DEPS_FIXTURES).components


def test_cyclonedx_valid_with_purls_locations_and_dependencies(
    components: tuple[Component, ...],
) -> None:
    text = cyclonedx.render(
        components,
        "fixtures",
        serial=uuid.UUID(int=1),
        timestamp=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )
    assert _cdx_errors(text) is None
    doc = json.loads(text)
    assert doc["specVersion"] == "1.6"
    refs = {c["bom-ref"]: c for c in doc["components"]}
    assert len(refs) == len({c.purl for c in components})  # one entry per purl
    assert all(c["purl"] == ref for ref, c in refs.items())
    frame = refs["pkg:npm/%40babel/code-frame@7.12.13"]
    assert frame["group"] == "@babel" and frame["name"] == "code-frame"
    if cyclonedx.ComponentEvidence is not None:
        locations = {(o["location"], o["line"]) for o in frame["evidence"]["occurrences"]}
    else:  # a library too old for occurrences: one property per place
        places = [p["value"] for p in frame["properties"] if p["name"] == "shieldwall:occurrence"]
        locations = {(p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1])) for p in places}
    assert locations == {("npm/classic/yarn.lock", 5), ("npm/berry/yarn.lock", 8)}
    log4j = refs["pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"]
    assert log4j["group"] == "org.apache.logging.log4j"
    deps = {d["ref"]: set(d.get("dependsOn", [])) for d in doc["dependencies"]}
    assert deps["pkg:npm/%40babel/code-frame@7.12.13"] == {"pkg:npm/%40babel/highlight@7.13.10"}
    assert "pkg:pypi/certifi@2024.2.2" in deps["pkg:pypi/requests@2.31.0"]
    assert "pkg:npm/debug@2.6.9" in deps[cyclonedx.ROOT_REF]  # direct dependency of the root


def test_cyclonedx_vulnerabilities(components: tuple[Component, ...]) -> None:
    vuln = SbomVulnerability(
        id="PYSEC-2021-1",
        affects=("pkg:pypi/django@3.2.0",),
        aliases=("CVE-2021-0001", "GHSA-xxxx-xxxx-xxxx"),
        severity=Severity.HIGH,
        score=7.5,
        vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
        summary="SQL injection",
        fixed=("3.2.1",),
        references=("https://example.org/advisory",),
    )
    text = cyclonedx.render(components, "fixtures", [vuln])
    assert _cdx_errors(text) is None
    (entry,) = json.loads(text)["vulnerabilities"]
    assert entry["id"] == "PYSEC-2021-1"
    assert {r["id"] for r in entry["references"]} == {"CVE-2021-0001", "GHSA-xxxx-xxxx-xxxx"}
    assert entry["ratings"][0]["severity"] == "high" and entry["ratings"][0]["method"] == "CVSSv31"
    assert entry["affects"] == [
        {"ref": "pkg:pypi/django@3.2.0", "versions": [{"status": "affected", "version": "3.2.0"}]}
    ]
    assert entry["recommendation"] == "Upgrade to 3.2.1"


def test_spdx_valid_with_purls_and_relationships(components: tuple[Component, ...]) -> None:
    text = spdx.render(components, "fixtures", created=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    _spdx_validate(text)
    doc = json.loads(text)
    assert doc["spdxVersion"] == "SPDX-2.3"
    assert doc["creationInfo"]["created"] == "2024-01-01T00:00:00Z"
    by_purl = {
        p["externalRefs"][0]["referenceLocator"]: p for p in doc["packages"] if "externalRefs" in p
    }
    assert len(by_purl) == len({c.purl for c in components})
    ids = {purl: p["SPDXID"] for purl, p in by_purl.items()}
    rels = {
        (r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"])
        for r in doc["relationships"]
    }
    assert (ids["pkg:pypi/requests@2.31.0"], "DEPENDS_ON", ids["pkg:pypi/certifi@2024.2.2"]) in rels
    assert ("SPDXRef-DOCUMENT", "DESCRIBES", spdx.ROOT_ID) in rels
    assert (spdx.ROOT_ID, "DEPENDS_ON", ids["pkg:npm/debug@2.6.9"]) in rels
    unpinned = by_purl["pkg:pypi/mylib"]
    assert "versionInfo" not in unpinned
    # deterministic for the same input and time
    assert text == spdx.render(
        components, "fixtures", created=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )


def test_empty_sboms_are_valid() -> None:
    assert _cdx_errors(cyclonedx.render((), "empty")) is None
    _spdx_validate(spdx.render((), "empty"))


class _Matcher:
    def match(self, components: Sequence[Component]) -> Iterator[tuple[Component, Advisory]]:
        for c in components:
            if c.name == "requests":
                yield (
                    c,
                    Advisory(
                        id="PYSEC-2023-74",
                        aliases=("CVE-2023-32681",),
                        summary="leaks Proxy-Authorization",
                        severity=Severity.MEDIUM,
                        cvss_vector="CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N",
                        fixed_versions=("2.31.0",),
                        references=(),
                        modified="2023-05-26T00:00:00Z",
                        upgrade_to="2.31.0",
                    ),
                )


def test_cli_sbom_formats_and_output_file(tmp_path: Path) -> None:
    runner = CliRunner()
    shop = str(REPO / "examples" / "shop")
    result = runner.invoke(cli, ["sbom", shop, "--format", "spdx-json"])
    assert result.exit_code == 0, result.output
    _spdx_validate(result.stdout)
    out = tmp_path / "bom.json"
    result = runner.invoke(cli, ["sbom", shop, "--output", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert _cdx_errors(text) is None
    names = {c["name"] for c in json.loads(text)["components"]}
    assert {"express", "lodash", "requests", "fastapi"} <= names


def test_cli_sbom_with_vulns(monkeypatch: pytest.MonkeyPatch) -> None:
    def opener(settings: Settings) -> tuple[_Matcher, str]:
        return _Matcher(), "the vulnerability database is 9 days old"

    monkeypatch.setattr(sbom_cli, "open_default_matcher", opener)
    result = CliRunner().invoke(cli, ["sbom", str(REPO / "examples" / "shop"), "--with-vulns"])
    assert result.exit_code == 0, result.output
    assert "9 days old" in result.stderr
    assert _cdx_errors(result.stdout) is None
    (vuln,) = json.loads(result.stdout)["vulnerabilities"]
    assert vuln["id"] == "PYSEC-2023-74"
    assert vuln["affects"][0]["ref"] == "pkg:pypi/requests@2.25.1"
    assert vuln["ratings"][0]["score"] == pytest.approx(6.1)


def test_cli_sbom_with_vulns_needs_database_and_cyclonedx(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SHIELDWALL_DB", str(tmp_path / "none.db"))
    shop = str(REPO / "examples" / "shop")
    result = CliRunner().invoke(cli, ["sbom", shop, "--with-vulns"])
    assert result.exit_code == 2
    assert "shieldwall db update" in result.stderr
    result = CliRunner().invoke(cli, ["sbom", shop, "--with-vulns", "--format", "spdx-json"])
    assert result.exit_code == 2
    result = CliRunner().invoke(cli, ["sbom", str(tmp_path / "missing")])
    assert result.exit_code == 2
