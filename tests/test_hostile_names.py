"""Random file names: any bytes Linux allows in a name (all but `/` and NUL), newlines,
quotes, backslashes, `%`, bytes that are not UTF-8, leading dashes, names up to the
255-byte limit, holding a known-insecure manifest and a known secret. Scanned through
the command line as CI runs it, every format parses, the text report keeps its shape
and carries no control character, and both findings are reported at a path that gives
back the real file name (model/display.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from shieldwall.model.display import display_path, path_bytes
from shieldwall.sources.manifests import is_compose_name, is_dockerfile
from shieldwall.sources.tree import SKIPPED_DIRS
from tests.analyzers.secrets.samples import github_token

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"
NAME_MAX = 255
SUFFIX = b".yaml"


def manifest(token: str, namespace: str) -> bytes:
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: {namespace}}}\nspec:\n"
        "  containers:\n    - name: c\n      image: nginx:1.25\n"
        "      securityContext: {privileged: true}\n"
        f"      env: [{{name: GH, value: {token}}}]\n"
    ).encode()


def _component(max_size: int) -> st.SearchStrategy[bytes]:
    """One name: any bytes but `/` and NUL, biased towards the awkward ones."""
    awkward = st.sampled_from(
        [
            b"\n",
            b"\r",
            b"\t",
            b"\x1b[2J",
            b"\\",
            b"%2e",
            b"%",
            b"#",
            b"?",
            b" ",
            b"'",
            b'"',
            b"..",
            b"-",
            b"--",
            b"\xff",
            b"\xc3",
            b"\xe2\x80\xae",
            b"\x7f",
            b"\xc2\x85",
            b":",
        ]
    )
    anything = st.binary(min_size=1, max_size=8).map(
        lambda b: b.replace(b"/", b"_").replace(b"\x00", b"_")
    )
    return st.lists(st.one_of(awkward, anything), min_size=1, max_size=max_size).map(b"".join)


@st.composite
def file_paths(draw: st.DrawFn) -> bytes:
    long = draw(st.booleans())
    stem = draw(_component(60 if long else 6))
    if long:  # a name at (or near) the 255-byte limit
        stem = (stem * (NAME_MAX // len(stem) + 1))[: NAME_MAX - len(SUFFIX)]
    name = stem[: NAME_MAX - len(SUFFIX)] + SUFFIX
    directory = draw(st.one_of(st.none(), _component(4)))
    if directory is not None:
        assume(directory not in (b".", b"..") and os.fsdecode(directory) not in SKIPPED_DIRS)
        return directory + b"/" + name
    return name


def cli(root: Path, *formats: str) -> subprocess.CompletedProcess[str]:
    args = [a for f in formats for a in ("--format", f)]
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "shieldwall",
            "scan",
            str(root),
            "--offline",
            "--analyzers",
            "config,secrets",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def write(root: Path, rel: bytes, data: bytes) -> None:
    target = os.path.join(os.fsencode(root), rel)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as fh:
        fh.write(data)


def twin(shown: str) -> bytes:
    """A plain path the text report shows with the same cells, spaces and slashes as
    `shown` (a path ending in .yaml), in components short enough for Linux."""
    out, run = [], 0
    for c in shown[: -len(SUFFIX)]:
        if c == "/" or c.isspace():  # where the report may wrap: kept
            out.append(c)
            run = 0 if c == "/" else run + 1
            continue
        width = cell_len(c)
        run += width
        if run > 200:  # split a long component where the original had a character
            out.append("/" + "a" * (width - 1))
            run = width - 1
        else:
            out.append("a" * width)
    return "".join(out).encode() + SUFFIX


def control_chars(text: str, allowed: str = "\n") -> list[str]:
    return [
        c
        for c in text
        if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs") and c not in allowed
    ]


def schema() -> dict[str, Any]:
    if not SCHEMA_PATH.is_file():
        pytest.skip(f"SARIF schema not found at {SCHEMA_PATH} (the shared/ folder beside the repo)")
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


BADGE = re.compile(r"^ (CRITICAL|HIGH|MEDIUM|LOW|INFO) ")


def finding_lines(text: str) -> dict[tuple[str, str], int]:
    """Lines of each finding block of the text report, by rule and the first two
    characters of its path (the hostile file is under h/, its plain twin under p/)."""
    out: dict[tuple[str, str], int] = {}
    for block in text.split("\n\n"):
        lines = block.split("\n")
        starts = [i for i, ln in enumerate(lines) if BADGE.match(ln)]
        if starts:
            head = lines[starts[0] :]
            rule = head[0].split()[1]
            out[(rule, head[1].strip()[:2])] = len(head)
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(file_paths())
def test_any_file_name_is_reported_safely_in_every_format(
    tmp_path_factory: pytest.TempPathFactory, rel: bytes
) -> None:
    import jsonschema

    name = os.fsdecode(rel.rsplit(b"/", 1)[-1])
    assume(not is_compose_name(name) and not is_dockerfile(name))
    root = tmp_path_factory.mktemp("repo")
    hostile = b"h/" + rel
    write(root, hostile, manifest(github_token(seed=3), "shop"))
    # Its twin: a plain name the text report shows with the same cells.
    write(
        root, b"p/" + twin(display_path(os.fsdecode(rel))), manifest(github_token(seed=4), "shoq")
    )
    out_dir = tmp_path_factory.mktemp("out")
    run = cli(
        root,
        f"json:{out_dir}/r.json",
        f"sarif:{out_dir}/r.sarif",
        f"junit:{out_dir}/r.xml",
        f"html:{out_dir}/r.html",
        "text",
    )
    assert run.returncode == 1, run.stderr  # findings; not a crash
    assert not control_chars(run.stderr)

    report = json.loads((out_dir / "r.json").read_text(encoding="utf-8"))
    at = {(path_bytes(f["location"]["path"]), f["rule"]) for f in report["findings"]}
    assert {(hostile, "K8S-PRIVILEGED"), (hostile, "SECRET-GITHUB-PAT")} <= at
    assert report["skipped"] == []

    doc = json.loads((out_dir / "r.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema()).validate(doc)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in doc["runs"][0]["results"]
    }
    assert hostile in {unquote_to_bytes(u) for u in uris}
    assert all(re.fullmatch(r"[A-Za-z0-9\-._~!$&'()*+,;=@/%]+", u) for u in uris)

    tree = ET.parse(out_dir / "r.xml")
    files = {c.get("file") for c in tree.iter("testcase") if c.get("file")}
    assert hostile in {path_bytes(f or "") for f in files}

    page = (out_dir / "r.html").read_text(encoding="utf-8")
    data = json.loads(page.split('id="shieldwall-data">', 1)[1].split("</script>", 1)[0])
    path_at = data["finding_fields"].index("path")
    assert hostile in {path_bytes(row[path_at]) for row in data["findings"]}

    text = run.stdout
    assert not control_chars(text)
    # Each finding of the hostile file takes as many lines as its twin's.
    blocks = finding_lines(text)
    hostile_blocks = {rule: n for (rule, where), n in blocks.items() if where == "h/"}
    twin_blocks = {rule: n for (rule, where), n in blocks.items() if where == "p/"}
    assert {"K8S-PRIVILEGED", "SECRET-GITHUB-PAT"} <= set(hostile_blocks)
    assert set(hostile_blocks) == set(twin_blocks)
    if all(cell_len(c) <= 1 for c in display_path(os.fsdecode(rel))):
        # (a double-width character may fold one cell early: no exact twin for it)
        assert hostile_blocks == twin_blocks
