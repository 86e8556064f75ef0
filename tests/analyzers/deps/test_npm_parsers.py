"""npm: package-lock.json v1-v3, yarn.lock classic and berry, pnpm-lock.yaml 5/6/9."""

from __future__ import annotations

from pathlib import Path

import pytest

from shieldwall.model import Component
from tests.analyzers.deps.helpers import by_name, fixture_dir, rows, scan_dir
from tests.conftest import REPO


def _components(rel: str, tmp_path: Path) -> tuple[Component, ...]:
    return scan_dir(fixture_dir(rel, tmp_path)).components


def test_package_lock_v1_nested_dependencies(tmp_path: Path) -> None:
    got = _components("npm/v1", tmp_path)
    assert rows(got) == {
        ("debug", "2.6.9", 7),
        ("ms", "2.0.0", 15),
        ("ms", "2.1.3", 21),
        ("@types/node", "20.1.0", 25),
    }
    debug = by_name(got)["debug"]
    assert debug.dependencies == ("pkg:npm/ms@2.0.0",)  # the nested copy, not the top-level one
    assert by_name(got)["@types/node"].scope == "dev"
    assert by_name(got)["@types/node"].purl == "pkg:npm/%40types/node@20.1.0"


def test_package_lock_v2_paths_aliases_links_and_direct(tmp_path: Path) -> None:
    got = _components("npm/v2", tmp_path)
    assert rows(got) == {
        ("@types/node", "20.1.0", 18),
        ("debug", "2.6.9", 22),
        ("ms", "2.0.0", 28),
        ("ms", "2.1.3", 31),
        ("string-width", "4.2.3", 35),  # the alias string-width-cjs resolves to its package
    }
    names = {(c.name, c.version): c for c in got}
    assert names[("debug", "2.6.9")].direct is True
    assert names[("string-width", "4.2.3")].direct is True
    assert names[("ms", "2.0.0")].direct is False
    assert names[("ms", "2.1.3")].scope == "dev"
    assert names[("debug", "2.6.9")].dependencies == ("pkg:npm/ms@2.0.0",)
    # workspace folders and links to them are the project's own code
    assert "workspace-a" not in {c.name for c in got}


def test_package_lock_v3_of_the_example_shop() -> None:
    deps = scan_dir(REPO / "examples" / "shop")
    npm = {c.name: c for c in deps.components if c.ecosystem == "npm"}
    assert npm["express"].version == "4.17.1" and npm["express"].direct is True
    assert npm["lodash"].version == "4.17.20" and npm["lodash"].direct is True
    assert npm["@redis/client"].direct is False
    text = (REPO / "examples/shop/catalog/package-lock.json").read_text().splitlines()
    every = [c for c in deps.components if c.ecosystem == "npm"]
    assert len(every) > len(npm)  # nested copies (send/node_modules/ms) count too
    for c in every:
        assert text[c.line - 1].strip().endswith(f'node_modules/{c.name}": {{'), c
    assert "pkg:npm/body-parser@1.19.0" in npm["express"].dependencies
    pypi = [c for c in deps.components if c.ecosystem == "PyPI"]
    assert {c.path for c in pypi} == {"orders/requirements.txt", "payments/requirements.txt"}
    assert [c.name for c in pypi if not c.version] == ["gunicorn"]  # deliberately unpinned


@pytest.mark.parametrize("flavour", ["classic", "berry"])
def test_yarn_lock(flavour: str, tmp_path: Path) -> None:
    got = by_name(_components(f"npm/{flavour}", tmp_path))
    expected = {
        "classic": {
            ("@babel/code-frame", "7.12.13", 5),
            ("@babel/highlight", "7.13.10", 12),
            ("js-tokens", "4.0.0", 18),
            ("string-width", "4.2.3", 22),
        },
        "berry": {
            ("@babel/code-frame", "7.12.13", 8),
            ("@babel/highlight", "7.13.10", 17),
            ("js-tokens", "4.0.0", 33),
        },
    }[flavour]
    assert rows(tuple(got.values())) == expected
    assert got["@babel/code-frame"].dependencies == ("pkg:npm/%40babel/highlight@7.13.10",)
    assert got["@babel/highlight"].dependencies == ("pkg:npm/js-tokens@4.0.0",)


@pytest.mark.parametrize(
    ("version", "lines"),
    [
        ("pnpm5", {"loose-envify": 18, "js-tokens": 25, "react-dom": 29, "react": 38}),
        ("pnpm6", {"js-tokens": 10, "loose-envify": 14, "react-dom": 20, "react": 27}),
        ("pnpm9", {"js-tokens": 22, "loose-envify": 25, "react-dom": 28, "react": 33}),
    ],
)
def test_pnpm_lock(version: str, lines: dict[str, int], tmp_path: Path) -> None:
    got = by_name(_components(f"npm/{version}", tmp_path))
    for name, line in lines.items():
        assert got[name].line == line, name
    assert got["react-dom"].version == "18.2.0"  # peer suffix removed
    assert got["react-dom"].direct is True and got["react"].direct is False
    assert set(got["react-dom"].dependencies) == {
        "pkg:npm/loose-envify@1.4.0",
        "pkg:npm/react@18.2.0",
    }
    assert got["loose-envify"].dependencies == ("pkg:npm/js-tokens@4.0.0",)


def test_pnpm5_dev_flag_and_scoped_names(tmp_path: Path) -> None:
    got = by_name(_components("npm/pnpm5", tmp_path))
    assert got["@types/react"].scope == "dev"
    assert got["@types/react"].version == "18.0.0"
    got9 = by_name(_components("npm/pnpm9", tmp_path / "9"))
    assert got9["@scope/pkg"].version == "1.0.1" and got9["@scope/pkg"].direct is True
