"""File names with any byte Linux allows, and repository strings with control
characters, in every format: each report stays valid (UTF-8, JSON, SARIF 2.1.0, XML),
the text report keeps one line per line with no control character, and the path
shown gives back the real file name (model/display.py)."""

from __future__ import annotations

import json
import os
import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes, urljoin

import pytest

from shieldwall.formats import codequality, gitlab_sast, html, json_report, junit, sarif, text
from shieldwall.formats.base import ReportContext
from shieldwall.formats.service_map_dot import to_dot
from shieldwall.formats.service_map_json import render_map
from shieldwall.model import Finding, Location, MapEdge, MapNode, ScanResult, ServiceMap, Skipped
from shieldwall.model.display import display_path, path_bytes
from tests.formats.conftest import HOST_NETWORK, make_result

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "sarif-schema-2.1.0.json"
ROOT_URI = "file:///home/ci/checkout/"

HOSTILE_NAMES = [
    b"bad\xff.yaml",
    b"new\nline.yaml",
    b"esc\x1b[31mred\x1b[0m.yaml",
    b"back\\..\\x.yaml",
    b"..\\..\\etc\\passwd",
    b"%2e%2e/%2e%2e%2f.yaml",
    b"q?#a b%.yaml",
    b"-rf \"quote'<&>.yaml",
    b"\xe2\x80\xaeevil\xe2\x80\x8b.yaml",
    b"cr\rtab\t\x7f\xc2\x85.yaml",
    b"c:/\\\\server\\share.yaml",
    b"dir/\xc3\xa9t\xc3\xa9/\xf0\x9f\x94\x91.yaml",
]
CONTROL = ("Cc", "Cf", "Zl", "Zp", "Cs")


def hostile_result(raw: bytes) -> ScanResult:
    path = os.fsdecode(raw)
    finding = Finding(
        HOST_NETWORK,
        f"pod in {path} uses\nhostNetwork\x1b[2J",
        Location.at(path, 7),
        f"Pod/a/\x1b]0;{path}\x07",
    )
    return make_result(
        target=os.fsdecode(b"repo\xff\n"),
        findings=(finding,),
        skipped=(Skipped(path, f"invalid YAML in {path}\n"),),
        errors=(f"boom in {path}",),
    )


def control_chars(out: str, allowed: str = "\n") -> list[str]:
    return [c for c in out if unicodedata.category(c) in CONTROL and c not in allowed]


@pytest.mark.parametrize("raw", HOSTILE_NAMES, ids=repr)
def test_json_report_round_trips_the_name(raw: bytes) -> None:
    out = json_report.render(hostile_result(raw), ReportContext())
    out.encode("utf-8")
    doc = json.loads(out)
    assert [path_bytes(f["location"]["path"]) for f in doc["findings"]] == [raw]
    assert [path_bytes(s["path"]) for s in doc["skipped"]] == [raw]
    assert not control_chars(doc["findings"][0]["message"] + doc["findings"][0]["resource"], "")


@pytest.mark.parametrize("raw", HOSTILE_NAMES, ids=repr)
def test_text_report_has_no_control_character_and_shows_the_name(raw: bytes) -> None:
    out = text.render(hostile_result(raw), ReportContext(width=400))
    assert not control_chars(out)
    shown = [ln.split(":7", 1)[0].strip() for ln in out.splitlines() if ":7  Pod/a/" in ln]
    assert [path_bytes(s) for s in shown] == [raw]


def test_text_report_lines_per_finding_do_not_grow_with_hostile_strings() -> None:
    wide = ReportContext(width=400)
    plain = text.render(hostile_result(b"x.yaml"), wide)
    for raw in HOSTILE_NAMES:
        assert len(text.render(hostile_result(raw), wide).splitlines()) == len(
            plain.splitlines()
        ), raw


def _schema() -> dict[str, Any]:
    if not SCHEMA_PATH.is_file():
        pytest.skip(f"SARIF schema not found at {SCHEMA_PATH} (the shared/ folder beside the repo)")
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def inside_root(uri: str) -> bool:
    """The reference resolves under the root, as given and after a normaliser decodes the
    unreserved characters (RFC 3986 6.2.2.2), '.' among them."""
    unreserved = re.sub(r"%(2[Ee]|2[Dd]|5[Ff]|7[Ee])", lambda m: unquote(m.group()), uri)
    return all(
        urljoin(ROOT_URI, ref).startswith(ROOT_URI) and urljoin(ROOT_URI, ref) != ROOT_URI
        for ref in (uri, unreserved)
    )


@pytest.mark.parametrize("raw", HOSTILE_NAMES, ids=repr)
def test_sarif_is_valid_and_its_uri_is_the_file_name_under_srcroot(raw: bytes) -> None:
    import jsonschema

    out = sarif.render(hostile_result(raw), ReportContext(root_uri=ROOT_URI))
    out.encode("utf-8")
    doc = json.loads(out)
    jsonschema.Draft7Validator(_schema()).validate(doc)
    run = doc["runs"][0]
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact["uriBaseId"] == "%SRCROOT%"
    uri = artifact["uri"]
    assert re.fullmatch(r"[A-Za-z0-9\-._~!$&'()*+,;=@/%]+", uri)
    assert unquote_to_bytes(uri) == raw
    assert inside_root(uri)
    assert not control_chars(run["results"][0]["message"]["text"], "")


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("a\\b.yaml", "a%5Cb.yaml"),
        ("100%.yaml", "100%25.yaml"),
        ("a#b?c d.yaml", "a%23b%3Fc%20d.yaml"),
        ("é/日.yaml", "%C3%A9/%E6%97%A5.yaml"),
        (os.fsdecode(b"\xff"), "%FF"),
        ("..\\x", "..%5Cx"),
        ("%2e%2e/x", "%252e%252e/x"),
        ("../x", "%2F%2E%2E%2Fx"),
        ("/etc/passwd", "%2F%2Fetc%2Fpasswd"),
        ("..", "%2F%2E%2E"),
        ("a/./b", "%2Fa%2F%2E%2Fb"),
        ("a//b", "%2Fa%2F%2Fb"),
    ],
)
def test_sarif_uris_are_percent_encoded_and_never_leave_srcroot(path: str, uri: str) -> None:
    assert sarif.artifact_uri(path) == uri
    assert inside_root(uri)


@pytest.mark.parametrize("raw", HOSTILE_NAMES, ids=repr)
def test_junit_is_well_formed_and_names_the_file(raw: bytes) -> None:
    out = junit.render(hostile_result(raw), ReportContext())
    root = ET.fromstring(out.encode("utf-8"))
    files = [c.get("file") for c in root.iter("testcase") if c.get("file")]
    assert files and all(path_bytes(f or "") == raw for f in files)
    assert not control_chars(out, "\n")


@pytest.mark.parametrize("raw", HOSTILE_NAMES, ids=repr)
def test_html_report_carries_the_shown_name(raw: bytes) -> None:
    out = html.render(hostile_result(raw), ReportContext())
    out.encode("utf-8")
    data = json.loads(out.split('id="shieldwall-data">', 1)[1].split("</script>", 1)[0])
    path_at = data["finding_fields"].index("path")
    assert [path_bytes(row[path_at]) for row in data["findings"]] == [raw]
    assert not control_chars(out, "\n")


@pytest.mark.parametrize("raw", HOSTILE_NAMES, ids=repr)
def test_gitlab_reports_round_trip_the_name(raw: bytes) -> None:
    quality = codequality.render(hostile_result(raw), ReportContext())
    assert [path_bytes(i["location"]["path"]) for i in json.loads(quality)] == [raw]
    sast = gitlab_sast.render(hostile_result(raw), ReportContext())
    doc = json.loads(sast)
    assert [path_bytes(v["location"]["file"]) for v in doc["vulnerabilities"]] == [raw]
    for out in (quality, sast):
        out.encode("utf-8")
        assert not control_chars(out, "\n")


def hostile_map(raw: bytes) -> ServiceMap:
    path = os.fsdecode(raw)
    web = MapNode(
        "Deployment/shop/w\x1beb",
        "Deployment",
        "w\x1beb\n",
        "shop",
        "internet",
        path=path,
        line=3,
        resources=("Deployment/shop/w\x1beb",),
    )
    api = MapNode("Deployment/shop/api", "Deployment", "api", "shop", "internal", path=path)
    edge = MapEdge(web.id, api.id, 8080, False, f"env URL in {path}:4", path=path, line=4)
    return ServiceMap((web, api), (edge,))


@pytest.mark.parametrize("raw", HOSTILE_NAMES, ids=repr)
def test_service_map_json_and_dot_show_names_safely(raw: bytes) -> None:
    doc = json.loads(render_map(hostile_map(raw)))
    assert {path_bytes(n["location"]["path"]) for n in doc["nodes"]} == {raw}
    assert path_bytes(doc["edges"][0]["location"]["path"]) == raw
    assert doc["edges"][0]["from"] == doc["nodes"][0]["id"]  # ids shown alike everywhere
    assert not control_chars(json.dumps(doc, ensure_ascii=False), "")
    dot = to_dot(hostile_map(raw))
    dot.encode("utf-8")
    assert not control_chars(dot, "\n\t")


@pytest.mark.parametrize("raw", HOSTILE_NAMES, ids=repr)
def test_sboms_name_the_lock_file_safely(raw: bytes) -> None:
    from shieldwall.formats import cyclonedx, spdx
    from shieldwall.model import Component

    component = Component("PyPI", "django", "2.0", os.fsdecode(raw), 1, purl="pkg:pypi/django@2.0")
    cdx = json.loads(cyclonedx.render((component,), "repo").encode("utf-8"))
    [django] = [c for c in cdx["components"] if c.get("purl") == "pkg:pypi/django@2.0"]
    located = django["evidence"]["occurrences"][0]["location"]
    assert path_bytes(located) == raw
    packages = json.loads(spdx.render((component,), "repo"))["packages"]
    texts = [str(v) for p in packages for v in p.values() if isinstance(v, str)]
    "".join(texts).encode("utf-8")  # no lone surrogate, even escaped
    assert any(display_path(os.fsdecode(raw)) in t for t in texts)
    assert not control_chars("".join(texts), "")
