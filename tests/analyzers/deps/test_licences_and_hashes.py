"""Licences, hashes and environment markers as each lock format records them."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from shieldwall.analyzers.deps.parsers.base import hex_hash, prefixed_hash, sri_hashes
from shieldwall.model import Component, Hash
from shieldwall.model.component import GO_H1
from tests.analyzers.deps import lock_texts as lt
from tests.analyzers.deps.helpers import scan_dir


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Component]:
    root = tmp_path_factory.mktemp("locks")
    lt.write_all(root)
    deps = scan_dir(root)
    assert deps.skipped == ()
    return {(c.path.split("/")[0], c.name): c for c in deps.components}


def test_npm_integrity_becomes_hex_sha512_and_license_is_kept(
    found: dict[tuple[str, str], Component],
) -> None:
    express = found[("npm", "express")]
    assert express.hashes == (Hash("SHA-512", lt.sha512("express")),)
    assert express.licenses == ("MIT",)
    assert found[("npm", "accepts")].licenses == ("mit",)  # the legacy {type} object
    assert found[("npm", "dual")].licenses == ("(MIT OR Apache-2.0)",)
    assert found[("npm", "own")].licenses == ("SEE LICENSE IN LICENSE.md",)
    assert found[("npm", "dual")].hashes == ()


def test_composer_licence_array_is_one_or_expression_and_shasum_is_sha1(
    found: dict[tuple[str, str], Component],
) -> None:
    guzzle = found[("php", "guzzlehttp/guzzle")]
    assert guzzle.licenses == ("MIT",)
    assert guzzle.hashes == (Hash("SHA-1", lt.sha1("guzzle")),)
    psr7 = found[("php", "guzzlehttp/psr7")]
    assert psr7.licenses == ("MIT OR Apache-2.0",)
    assert psr7.hashes == ()  # an empty shasum is no hash


def test_cargo_checksum_is_sha256(found: dict[tuple[str, str], Component]) -> None:
    serde = found[("rust", "serde")]
    assert serde.hashes == (Hash("SHA-256", lt.sha256("serde")),)
    assert serde.licenses == ()  # Cargo.lock records none


@pytest.mark.parametrize(
    ("folder", "name", "seeds"),
    [
        ("pip", "requests", ["requests-whl", "requests-sdist"]),
        ("poetry", "black", ["black"]),
        ("uv", "anyio", ["anyio-sdist", "anyio-whl"]),
        ("pdm", "rich", ["rich"]),
        ("pipenv", "django", ["django"]),
        ("pylock", "attrs", ["attrs"]),
    ],
)
def test_python_lock_hashes(
    found: dict[tuple[str, str], Component], folder: str, name: str, seeds: list[str]
) -> None:
    assert found[(folder, name)].hashes == tuple(Hash("SHA-256", lt.sha256(s)) for s in seeds)


def test_go_sum_h1_is_kept_as_written_on_go_mod_components(
    found: dict[tuple[str, str], Component],
) -> None:
    errors = found[("go", "github.com/pkg/errors")]
    assert errors.path == "go/go.mod"  # go.mod is read, its go.sum gives the hash
    assert errors.hashes == (Hash(GO_H1, lt.go_h1("errors-tree")),)


@pytest.mark.parametrize(
    ("folder", "name", "marker"),
    [
        ("pip", "futures", 'python_version < "3"'),
        ("pip", "tomli", 'python_version < "3.11"'),
        ("pdm", "typing-extensions", 'python_version < "3.9"'),
        ("pipenv", "pywin32", "sys_platform == 'win32'"),
        ("pylock", "attrs", "python_version >= '3.8'"),
    ],
)
def test_package_markers(
    found: dict[tuple[str, str], Component], folder: str, name: str, marker: str
) -> None:
    assert found[(folder, name)].marker == marker


@pytest.mark.parametrize(
    ("folder", "name", "dependency", "marker"),
    [
        ("poetry", "black", "pkg:pypi/tomli@2.0.1", 'python_version < "3.11"'),
        ("uv", "anyio", "pkg:pypi/exceptiongroup@1.2.2", "python_full_version < '3.11'"),
        ("pdm", "rich", "pkg:pypi/typing-extensions@4.12.2", 'python_version < "3.9"'),
    ],
)
def test_dependency_markers(
    found: dict[tuple[str, str], Component], folder: str, name: str, dependency: str, marker: str
) -> None:
    component = found[(folder, name)]
    assert dict(component.dependency_markers) == {dependency: marker}
    assert dependency in component.dependencies


def test_malformed_digests_are_not_hashes() -> None:
    assert hex_hash("sha256", "00") is None  # a placeholder
    assert hex_hash("sha256", "z" * 64) is None
    assert hex_hash("whirlpool", "0" * 128) is None
    assert prefixed_hash("sha256:" + "A" * 64) == Hash("SHA-256", "a" * 64)
    assert sri_hashes("sha512-!!!") == []
    zeros = base64.b64encode(bytes(20)).decode()
    assert sri_hashes(f"{lt.integrity('x')} sha1-{zeros}") == [
        Hash("SHA-512", lt.sha512("x")),
        Hash("SHA-1", "0" * 40),
    ]


def test_npm_v1_integrity(tmp_path: Path) -> None:
    (tmp_path / "package-lock.json").write_text(
        '{"lockfileVersion": 1, "dependencies": {"ms": {"version": "2.1.3", '
        f'"integrity": "{lt.integrity("ms")}"}}}}}}'
    )
    (ms,) = scan_dir(tmp_path).components
    assert ms.hashes == (Hash("SHA-512", lt.sha512("ms")),)


def test_yarn_classic_and_pnpm_integrity(tmp_path: Path) -> None:
    (tmp_path / "yarn").mkdir()
    (tmp_path / "yarn" / "yarn.lock").write_text(
        f'# yarn lockfile v1\n\nms@^2.1.3:\n  version "2.1.3"\n  integrity {lt.integrity("ms")}\n'
    )
    (tmp_path / "pnpm").mkdir()
    (tmp_path / "pnpm" / "pnpm-lock.yaml").write_text(
        "lockfileVersion: '9.0'\n\npackages:\n\n"
        f"  ms@2.1.3:\n    resolution: {{integrity: {lt.integrity('ms')}}}\n"
    )
    found = {c.path: c for c in scan_dir(tmp_path).components}
    expected = (Hash("SHA-512", lt.sha512("ms")),)
    assert found["yarn/yarn.lock"].hashes == expected
    assert found["pnpm/pnpm-lock.yaml"].hashes == expected
