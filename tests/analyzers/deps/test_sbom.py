"""SBOMs: CycloneDX 1.6 (validated with cyclonedx-python-lib's bundled schema)
and SPDX 2.3 (validated against ../shared/schemas), and `shieldwall sbom`."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import uuid
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from shieldwall.analyzers.deps.osv.matcher import Advisory
from shieldwall.cli.main import cli
from shieldwall.engine import sbom as sbom_cli
from shieldwall.formats import cyclonedx, spdx
from shieldwall.formats.sbom import SbomVulnerability, merge
from shieldwall.formats.sbom import graph as sbom_graph
from shieldwall.model import Component, Settings, Severity
from tests.analyzers.deps import lock_texts
from tests.analyzers.deps.helpers import DEPS_FIXTURES, scan_dir
from tests.conftest import REPO, SHARED

SPDX_SCHEMA = SHARED / "schemas" / "spdx-schema-2.3.json"
SHOP = REPO / "examples" / "shop"


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
    refs = {c["bom-ref"]: c for c in doc["components"] if c["type"] == "library"}
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
    assert {p["primaryPackagePurpose"] for p in doc["packages"]} == {
        "APPLICATION",
        "LIBRARY",
        "FILE",
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


def test_empty_sboms_are_valid_and_raise_no_library_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the library warns about a root with no dependency
        text = cyclonedx.render((), "empty")
    assert _cdx_errors(text) is None
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


def _locks(tmp_path: Path) -> Path:
    root = tmp_path / "locks"
    lock_texts.write_all(root)
    return root


def _sbom(*args: str) -> str:
    result = CliRunner().invoke(cli, ["sbom", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_cyclonedx_licences_and_hashes(tmp_path: Path) -> None:
    text = _sbom(str(_locks(tmp_path)), "--python-version", "3.12")
    assert _cdx_errors(text) is None
    by_name = {c["name"]: c for c in json.loads(text)["components"]}
    assert by_name["express"]["licenses"] == [{"license": {"id": "MIT"}}]
    assert by_name["express"]["hashes"] == [
        {"alg": "SHA-512", "content": lock_texts.sha512("express")}
    ]
    assert by_name["accepts"]["licenses"] == [{"license": {"id": "MIT"}}]  # "mit" fixed
    assert by_name["dual"]["licenses"] == [{"expression": "(MIT OR Apache-2.0)"}]
    assert by_name["own"]["licenses"] == [{"license": {"name": "SEE LICENSE IN LICENSE.md"}}]
    assert by_name["psr7"]["licenses"] == [{"expression": "MIT OR Apache-2.0"}]
    assert by_name["guzzle"]["hashes"] == [{"alg": "SHA-1", "content": lock_texts.sha1("guzzle")}]
    assert by_name["serde"]["hashes"] == [{"alg": "SHA-256", "content": lock_texts.sha256("serde")}]
    assert {h["content"] for h in by_name["anyio"]["hashes"]} == {
        lock_texts.sha256("anyio-sdist"),
        lock_texts.sha256("anyio-whl"),
    }
    errors = by_name["github.com/pkg/errors"]
    assert "hashes" not in errors  # h1 is no archive digest: a property, as written
    assert {"name": "shieldwall:go-sum-h1", "value": lock_texts.go_h1("errors-tree")} in errors[
        "properties"
    ]
    attrs = by_name["attrs"]
    assert {"name": "shieldwall:marker", "value": "python_version >= '3.8'"} in attrs["properties"]


def test_spdx_licences_and_checksums(tmp_path: Path) -> None:
    text = _sbom(str(_locks(tmp_path)), "--format", "spdx-json", "--python-version", "3.12")
    _spdx_validate(text)
    doc = json.loads(text)
    by_name = {p["name"]: p for p in doc["packages"]}
    assert by_name["express"]["licenseDeclared"] == "MIT"
    assert by_name["express"]["checksums"] == [
        {"algorithm": "SHA512", "checksumValue": lock_texts.sha512("express")}
    ]
    assert by_name["dual"]["licenseDeclared"] == "(MIT OR Apache-2.0)"
    assert by_name["guzzlehttp/psr7"]["licenseDeclared"] == "MIT OR Apache-2.0"
    assert by_name["serde"]["licenseDeclared"] == "NOASSERTION"
    own = by_name["own"]["licenseDeclared"]
    assert own.startswith("LicenseRef-")
    (extracted,) = doc["hasExtractedLicensingInfos"]
    assert extracted["licenseId"] == own and extracted["name"] == "SEE LICENSE IN LICENSE.md"
    assert (
        "go.sum " + lock_texts.go_h1("errors-tree") in by_name["github.com/pkg/errors"]["comment"]
    )


def _reached(root: str, edges: dict[str, list[str]]) -> set[str]:
    seen = {root}
    todo = [root]
    while todo:
        for ref in edges.get(todo.pop(), []):
            if ref not in seen:
                seen.add(ref)
                todo.append(ref)
    return seen


def _cdx_unreached(doc: dict[str, Any]) -> set[str]:
    edges = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    return {c["bom-ref"] for c in doc["components"]} - _reached(cyclonedx.ROOT_REF, edges)


def _spdx_unreached(doc: dict[str, Any]) -> set[str]:
    edges: dict[str, list[str]] = {}
    for r in doc["relationships"]:
        if r["relationshipType"] == "DEPENDS_ON":
            edges.setdefault(r["spdxElementId"], []).append(r["relatedSpdxElement"])
    return {p["SPDXID"] for p in doc["packages"]} - _reached(spdx.ROOT_ID, edges)


@pytest.mark.parametrize("tree", ["fixtures", "locks", "shop"])
def test_every_component_is_reached_from_the_project(tree: str, tmp_path: Path) -> None:
    root = {"fixtures": DEPS_FIXTURES, "locks": _locks(tmp_path), "shop": SHOP}[tree]
    cdx = json.loads(_sbom(str(root)))
    assert cdx["components"] and _cdx_unreached(cdx) == set()
    spdx_doc = json.loads(_sbom(str(root), "--format", "spdx-json"))
    assert len(spdx_doc["packages"]) > 1 and _spdx_unreached(spdx_doc) == set()
    # Lock files with no relationship data hold their packages, and say why.
    locks = {c["name"]: c for c in cdx["components"] if c["type"] == "file"}
    if tree == "shop":
        assert set(locks) == {"orders/requirements.txt", "payments/requirements.txt"}
        reason = locks["orders/requirements.txt"]["properties"][0]
        assert reason["name"] == "shieldwall:dependency-graph"
        assert "does not say which packages the project requires directly" in reason["value"]


def test_graph_attaches_what_no_chain_reaches() -> None:
    # go.mod says which modules are direct; an indirect one no module requires
    # (go.mod has no edges) hangs from go.mod instead of floating.
    direct = Component("Go", "a.org/x", "1.0.0", "go.mod", 3, "pkg:golang/a.org/x@1.0.0", True)
    indirect = replace(direct, name="a.org/y", purl="pkg:golang/a.org/y@1.0.0", direct=False)
    tree = sbom_graph([direct, indirect], merge([direct, indirect]))
    assert tree.direct == (direct.purl,)
    (node,) = tree.lock_files
    assert node.path == "go.mod" and node.dependencies == (indirect.purl,)
    assert "no chain of dependencies" in node.reason


def _names(root: Path, python: str) -> set[str]:
    doc = json.loads(_sbom(str(root), "--python-version", python))
    return {c["name"] for c in doc["components"] if c["type"] == "library"}


def test_markers_evaluated_for_the_target_python(tmp_path: Path) -> None:
    root = _locks(tmp_path)
    py310, py312, py27 = (_names(root, v) for v in ("3.10", "3.12", "2.7"))
    # requirements: tomli only below 3.11, futures only on Python 2
    assert "tomli" in py310 and "tomli" not in py312
    assert "futures" in py27 and "futures" not in py310 | py312
    # uv.lock: exceptiongroup is required by anyio below 3.11 only
    assert "exceptiongroup" in py310 and "exceptiongroup" not in py312
    # pdm: typing-extensions below 3.9 (its own marker and its edge)
    assert "typing-extensions" not in py310 and "typing-extensions" in _names(root, "3.8")
    # markers on other keys than the version are evaluated for this machine
    assert "pywin32" not in py312 or sys.platform == "win32"
    assert {"anyio", "idna", "black", "click", "requests", "express"} <= py310 & py312


def test_markers_left_out_are_counted_on_stderr(tmp_path: Path) -> None:
    root = tmp_path / "py"
    root.mkdir()
    (root / "requirements.txt").write_text('futures==3.4.0 ; python_version < "3"\nsix==1.16.0\n')
    result = CliRunner().invoke(cli, ["sbom", str(root), "--python-version", "3.12"])
    assert result.exit_code == 0
    assert "left out 1 component entries whose environment markers exclude Python 3.12.0" in (
        result.stderr
    )
    names = {c["name"] for c in json.loads(result.stdout)["components"]}
    assert names == {"six", "requirements.txt"}
    bad = CliRunner().invoke(cli, ["sbom", str(root), "--python-version", "three"])
    assert bad.exit_code == 2 and "not a Python version" in bad.stderr


@pytest.mark.parametrize("tree", ["empty", "shop", "requirements-only"])
def test_no_library_warning_on_stderr(tree: str, tmp_path: Path) -> None:
    root = tmp_path / tree
    root.mkdir()
    if tree == "shop":
        root = SHOP
    elif tree == "requirements-only":  # no direct dependency data: the library used to warn
        (root / "requirements.txt").write_text("six==1.16.0\n")
    for fmt in sbom_cli.FORMATS:
        result = subprocess.run(
            [
                sys.executable,
                "-W",
                "default",
                "-m",
                "shieldwall",
                "sbom",
                str(root),
                "--format",
                fmt,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert "Warning" not in result.stderr
        assert result.stderr == ""
