"""Broken lock files become skipped records with the line; the JSON line
locator keeps lines through strings, minified and duplicated keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shieldwall.analyzers.deps.parsers import json_lines
from shieldwall.analyzers.deps.parsers.registry import FORMATS, format_of
from tests.analyzers.deps.helpers import scan_dir

BROKEN = [
    ("package-lock.json", '{\n  "packages": {\n    "node_modules/a": {\n      "version": \n'),
    ("Pipfile.lock", '{\n  "default": {\n    "a": ]\n}\n'),
    ("composer.lock", '{\n  "packages": [\n    {"name": "a/b",}\n  ]\n}\n'),
    ("packages.lock.json", '{\n  "version": 1,\n  "dependencies": {\n    "net6.0": {,\n'),
    ("poetry.lock", '[[package]]\nname = "a"\nversion = 1.0.0.0\n'),
    ("Cargo.lock", '[[package]]\nname = "a"\nversion = "1"\n[[package]\n'),
    ("uv.lock", 'version = 1\n\n[[package]]\nname = "a\n'),
    ("pdm.lock", '[[package]]\nname = "a"\nname = "b"\n'),
    ("pylock.toml", "[[packages]]\nname = \n"),
    ("yarn.lock", 'a@^1:\n  version "1.0.0"\nnot a key\n'),
    ("pnpm-lock.yaml", "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: [\n"),
    ("go.mod", "module x\n\nrequire (\n\tgithub.com/a/b\n)\n"),
    ("go.sum", "github.com/a/b v1.0.0 h1:x=\nbroken line\n"),
    ("pom.xml", "<project>\n  <dependencies>\n    <dependency>\n</project>\n"),
    ("gradle.lockfile", "a:b:1.0=compileClasspath\nnot-coordinates=x\n"),
    ("Gemfile.lock", "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack 2.2.3\n"),
]
EXPECTED_LINE = {
    "package-lock.json": 5,
    "Pipfile.lock": 3,
    "composer.lock": 3,
    "packages.lock.json": 4,
    "poetry.lock": 3,
    "Cargo.lock": 4,
    "uv.lock": 4,
    "pdm.lock": 3,
    "pylock.toml": 2,
    "yarn.lock": 3,
    "pnpm-lock.yaml": 4,
    "go.mod": 4,
    "go.sum": 2,
    "pom.xml": 4,
    "gradle.lockfile": 2,
    "Gemfile.lock": 4,
}


def test_every_format_has_a_broken_case() -> None:
    covered = {format_of(name).name for name, _ in BROKEN}  # type: ignore[union-attr]
    assert covered == {f.name for f in FORMATS} - {"requirements.txt"}


@pytest.mark.parametrize(("name", "text"), BROKEN, ids=[n for n, _ in BROKEN])
def test_broken_file_is_skipped_with_its_line(name: str, text: str, tmp_path: Path) -> None:
    (tmp_path / name).write_text(text)
    deps = scan_dir(tmp_path)
    assert deps.components == ()
    assert len(deps.skipped) == 1
    skipped = deps.skipped[0]
    assert skipped.path == name
    assert f"line {EXPECTED_LINE[name]}" in skipped.reason, skipped.reason


def test_binary_and_unexpected_shapes_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "package-lock.json").write_bytes(b"\x00\x01binary")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "package-lock.json").write_text('["not", "an", "object"]')
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "poetry.lock").write_text('package = "not a table"\n')
    deps = scan_dir(tmp_path)
    assert {s.path for s in deps.skipped} == {
        "a/package-lock.json",
        "b/package-lock.json",
        "c/poetry.lock",
    }
    assert deps.components == ()


def test_json_lines_ignore_braces_and_quotes_inside_strings() -> None:
    text = (
        '{\n "a": {\n  "s": "x\\" : { y",\n  "t": "{"\n },\n'
        ' "b": [\n  {"k": 1},\n  {\n   "c": {}\n  }\n ]\n}\n'
    )
    data = json.loads(text)
    lines = json_lines.object_lines(text, data)
    assert lines[id(data)] == 1
    assert lines[id(data["a"])] == 2
    assert lines[id(data["b"][0])] == 7
    assert lines[id(data["b"][1])] == 8
    assert lines[id(data["b"][1]["c"])] == 9


def test_json_lines_minified_and_duplicate_keys() -> None:
    minified = '{"x":{"a":{}},"y":{"b":{}}}'
    data = json.loads(minified)
    assert set(json_lines.object_lines(minified, data).values()) == {1}
    # json keeps the first position and the last value of a duplicated key: the
    # line is one of the two, and the objects after it keep their own lines
    dup = '{\n "p": {\n  "a": {"v": 1},\n  "a": {"v": 2},\n  "z": {}\n }\n}\n'
    data = json.loads(dup)
    lines = json_lines.object_lines(dup, data)
    assert lines[id(data["p"]["a"])] in (3, 4)
    assert lines[id(data["p"]["z"])] == 5
