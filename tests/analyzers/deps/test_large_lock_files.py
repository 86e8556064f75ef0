"""Large generated lock files: every package is found at the line it was
written on (their parse times are measured by bench/deps_lockfiles.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.analyzers.deps.helpers import scan_dir

Expected = list[tuple[str, str, int]]  # name, version, line


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, text: str) -> int:
        self.lines.append(text)
        return len(self.lines)

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _name(i: int) -> str:
    return f"pkg-{i:05d}"


def _version(i: int) -> str:
    return f"{i % 7}.{i % 13}.{i % 101}"


def package_lock(n: int) -> tuple[str, str, Expected]:
    w, expected = _Writer(), []
    w.add('{\n  "name": "big",\n  "lockfileVersion": 3,\n  "packages": {')
    w.lines[-1:] = w.lines[-1].split("\n")
    w.add('    "": {"name": "big", "dependencies": {"pkg-00000": "*"}},')
    for i in range(n):
        scope = f"@scope-{i % 3}/" if i % 5 == 0 else ""
        name = scope + _name(i)
        line = w.add(f'    "node_modules/{name}": {{')
        w.add(f'      "version": "{_version(i)}",')
        w.add('      "description": "has a \\"quoted\\" {brace} inside",')
        w.add(f'      "dependencies": {{"{_name(i + 1)}": "^1.0.0"}}')
        w.add("    }" + ("," if i < n - 1 else ""))
        expected.append((name, _version(i), line))
    w.add("  }\n}")
    return "package-lock.json", w.text, expected


def pipfile_lock(n: int) -> tuple[str, str, Expected]:
    w, expected = _Writer(), []
    w.add("{")
    w.add('    "_meta": {"pipfile-spec": 6},')
    w.add('    "default": {')
    for i in range(n):
        line = w.add(f'        "{_name(i)}": {{')
        w.add(f'            "hashes": ["sha256:{i:064d}"],')
        w.add(f'            "version": "=={_version(i)}"')
        w.add("        }" + ("," if i < n - 1 else ""))
        expected.append((_name(i), _version(i), line))
    w.add("    },")
    w.add('    "develop": {}')
    w.add("}")
    return "Pipfile.lock", w.text, expected


def composer_lock(n: int) -> tuple[str, str, Expected]:
    w, expected = _Writer(), []
    w.add("{")
    w.add('    "packages": [')
    for i in range(n):
        line = w.add("        {")
        w.add(f'            "name": "vendor/{_name(i)}",')
        w.add(f'            "version": "v{_version(i)}",')
        w.add('            "require": {"php": ">=7"}')
        w.add("        }" + ("," if i < n - 1 else ""))
        expected.append((f"vendor/{_name(i)}", _version(i), line))
    w.add("    ],")
    w.add('    "packages-dev": []')
    w.add("}")
    return "composer.lock", w.text, expected


def nuget_lock(n: int) -> tuple[str, str, Expected]:
    w, expected = _Writer(), []
    w.add('{\n  "version": 1,\n  "dependencies": {\n    "net8.0": {')
    w.lines[-1:] = w.lines[-1].split("\n")
    for i in range(n):
        name = f"Company.Package{i:05d}"
        line = w.add(f'      "{name}": {{')
        w.add('        "type": "Transitive",')
        w.add(f'        "resolved": "{_version(i)}"')
        w.add("      }" + ("," if i < n - 1 else ""))
        expected.append((name, _version(i), line))
    w.add("    }\n  }\n}")
    return "packages.lock.json", w.text, expected


def _toml(
    table: str, extra: Callable[[int], list[str]] = lambda i: []
) -> Callable[[int], tuple[str, Expected]]:
    def make(n: int) -> tuple[str, Expected]:
        w, expected = _Writer(), []
        w.add("# generated")
        for i in range(n):
            w.add("")
            w.add(f"[[{table}]]")
            line = w.add(f'name = "{_name(i)}"')
            w.add(f'version = "{_version(i)}"')
            for row in extra(i):
                w.add(row)
            expected.append((_name(i), _version(i), line))
        return w.text, expected

    return make


_CARGO_SOURCE = 'source = "registry+https://github.com/rust-lang/crates.io-index"'
TOML_FORMATS: dict[str, Callable[[int], tuple[str, Expected]]] = {
    "poetry.lock": _toml(
        "package",
        lambda i: ["optional = false", "", "[package.dependencies]", f'{_name(i + 1)} = "*"'],
    ),
    "Cargo.lock": _toml("package", lambda i: [_CARGO_SOURCE, f'dependencies = ["{_name(i + 1)}"]']),
    "uv.lock": _toml(
        "package",
        lambda i: [
            'source = { registry = "https://pypi.org/simple" }',
            "",
            "[[package.wheels]]",
            'url = "x"',
        ],
    ),
    "pdm.lock": _toml(
        "package", lambda i: ['groups = ["default"]', f'dependencies = ["{_name(i + 1)}>=1"]']
    ),
    "pylock.toml": _toml("packages", lambda i: ["", "[[packages.wheels]]", 'url = "x"']),
}

JSON_FORMATS = {
    "package-lock.json": package_lock,
    "Pipfile.lock": pipfile_lock,
    "composer.lock": composer_lock,
    "packages.lock.json": nuget_lock,
}


def _check(tmp_path: Path, name: str, text: str, expected: Expected) -> None:
    (tmp_path / name).write_text(text)
    deps = scan_dir(tmp_path)
    assert not deps.skipped
    got = sorted((c.name, c.version, c.line) for c in deps.components)
    want = sorted((n.lower() if name == "composer.lock" else n, v, line) for n, v, line in expected)
    assert got == want


def test_package_lock_with_10k_packages_every_one_at_its_line(tmp_path: Path) -> None:
    name, text, expected = package_lock(10_000)
    _check(tmp_path, name, text, expected)


@pytest.mark.parametrize("fmt", ["Pipfile.lock", "composer.lock", "packages.lock.json"])
def test_large_json_lock_files(fmt: str, tmp_path: Path) -> None:
    name, text, expected = JSON_FORMATS[fmt](5_000)
    _check(tmp_path, name, text, expected)


@pytest.mark.parametrize("fmt", sorted(TOML_FORMATS))
def test_large_toml_lock_files(fmt: str, tmp_path: Path) -> None:
    text, expected = TOML_FORMATS[fmt](5_000)
    _check(tmp_path, fmt, text, expected)


def test_large_yarn_pnpm_gemfile_gomod_requirements(tmp_path: Path) -> None:
    n = 5_000
    files: dict[str, tuple[str, Expected]] = {}
    w, exp = _Writer(), []
    w.add("# yarn lockfile v1")
    for i in range(n):
        w.add("")
        line = w.add(f'"{_name(i)}@^1.0.0", "{_name(i)}@^1.1.0":')
        w.add(f'  version "{_version(i)}"')
        w.add("  dependencies:")
        w.add(f'    {_name(i + 1)} "^1.0.0"')
        exp.append((_name(i), _version(i), line))
    files["yarn/yarn.lock"] = (w.text, exp)
    w, exp = _Writer(), []
    w.add("lockfileVersion: '9.0'")
    w.add("packages:")
    for i in range(n):
        line = w.add(f"  {_name(i)}@{_version(i)}:")
        w.add("    resolution: {integrity: sha512-00}")
        exp.append((_name(i), _version(i), line))
    files["pnpm/pnpm-lock.yaml"] = (w.text, exp)
    w, exp = _Writer(), []
    w.add("GEM\n  remote: https://rubygems.org/\n  specs:")
    w.lines[-1:] = w.lines[-1].split("\n")
    for i in range(n):
        line = w.add(f"    {_name(i)} ({_version(i)})")
        w.add(f"      {_name(i + 1)} (>= 1)")
        exp.append((_name(i), _version(i), line))
    files["ruby/Gemfile.lock"] = (w.text, exp)
    w, exp = _Writer(), []
    w.add("module example.com/big\n\ngo 1.22\n\nrequire (")
    w.lines[-1:] = w.lines[-1].split("\n")
    for i in range(n):
        line = w.add(f"\texample.com/{_name(i)} v{_version(i)} // indirect")
        exp.append((f"example.com/{_name(i)}", f"v{_version(i)}", line))
    w.add(")")
    files["go/go.mod"] = (w.text, exp)
    w, exp = _Writer(), []
    for i in range(n):
        line = w.add(f"{_name(i)}=={_version(i)} --hash=sha256:{i:064d}")
        exp.append((_name(i), _version(i), line))
    files["py/requirements.txt"] = (w.text, exp)
    for rel, (text, _) in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    deps = scan_dir(tmp_path)
    assert not deps.skipped
    for rel, (_, expected) in files.items():
        got = sorted((c.name, c.version, c.line) for c in deps.components if c.path == rel)
        assert got == sorted(expected), rel
