"""Version ordering per ecosystem: OSV's vectors (every pair), and cases of our own."""

from __future__ import annotations

from pathlib import Path

import pytest

from shieldwall.analyzers.deps.osv.versions import InvalidVersionError, parse_version
from tests.analyzers.deps.osv.helpers import NO_CORPUS, VECTORS

# vector file prefix -> the OSV ecosystem whose ordering must agree with all of it
FILES = {
    "pypi": "PyPI",
    "semver": "npm",
    "maven": "Maven",
    "debian": "Debian",
    "rubygems": "RubyGems",
    "nuget": "NuGet",
    "packagist": "Packagist",
    "alpine": "Alpine",
}


def _vectors(path: Path) -> list[tuple[int, str, str, str]]:
    rows = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", "//")):
            continue
        parts = line.split(" ")
        if len(parts) == 3 and parts[1] in ("<", "=", ">"):
            rows.append((number, parts[0], parts[1], parts[2]))
    return rows


def _order(ecosystem: str, a: str, b: str) -> str:
    va, vb = parse_version(ecosystem, a), parse_version(ecosystem, b)
    return "<" if va < vb else "=" if va == vb else ">"


@pytest.mark.parametrize("prefix", sorted(FILES))
def test_every_vector_is_ordered_as_osv_says(prefix: str) -> None:
    if not VECTORS.is_dir():
        pytest.skip(NO_CORPUS)
    ecosystem = FILES[prefix]
    failures = []
    count = 0
    for path in sorted(VECTORS.glob(f"{prefix}-versions*.txt")):
        for number, a, op, b in _vectors(path):
            count += 1
            got = _order(ecosystem, a, b)
            if got != op:
                failures.append(f"{path.name}:{number}: {a} {op} {b}, got {got}")
    assert count > 30
    assert failures == []


@pytest.mark.parametrize(
    ("ecosystem", "a", "op", "b"),
    [
        ("PyPI", "3.2", "=", "3.2.0"),
        ("PyPI", "1.0rc1", "<", "1.0"),
        ("PyPI", "1.0.post1", ">", "1.0"),
        ("PyPI", "2.0-beta-custom", "<", "0.1"),  # legacy versions sort before PEP 440 ones
        ("PyPI", "1!0.1", ">", "99"),
        ("Go", "v1.2.3", "=", "1.2.3"),
        ("Go", "v0.0.0-20210101000000-abcdef123456", "<", "v0.0.1"),
        ("Go", "v0.0.0-20210101000000-abcdef123456", "<", "v0.0.0-20220101000000-0123456789ab"),
        ("Go", "v2.0.0+incompatible", "=", "v2.0.0"),
        ("npm", "1.0.0-alpha.10", ">", "1.0.0-alpha.9"),
        ("npm", "1.0.0-alpha", "<", "1.0.0"),
        ("crates.io", "0.8.7-0", "<", "0.8.7"),
        ("Maven", "1.0-SNAPSHOT", "<", "1.0"),
        ("Maven", "1.0.RELEASE", "=", "1.0"),
        ("Maven", "2.0-rc1", "<", "2.0-sp1"),
        ("RubyGems", "1.2.0.pre", "<", "1.2.0"),
        ("Packagist", "v2.0.0", "=", "2.0.0"),
        ("Packagist", "1.0-dev", "<", "1.0-alpha"),
        ("NuGet", "1.0.0-RC.2", "=", "1.0.0-rc.2"),
        ("Debian", "1:1.0-1", ">", "2.0-1"),
        ("Debian", "1.0~rc1-1", "<", "1.0-1"),
        ("Alpine", "1.2.3-r10", ">", "1.2.3-r9"),
        ("Alpine", "1.2_rc1", "<", "1.2"),
        ("Alpine", "1.2_p1", ">", "1.2"),
    ],
)
def test_ecosystem_specifics(ecosystem: str, a: str, op: str, b: str) -> None:
    assert _order(ecosystem, a, b) == op
    reverse = {"<": ">", ">": "<", "=": "="}[op]
    assert _order(ecosystem, b, a) == reverse


def test_unknown_ecosystem_and_garbage_raise() -> None:
    with pytest.raises(InvalidVersionError):
        parse_version("CRAN", "1.0")
    with pytest.raises(InvalidVersionError):
        parse_version("npm", "not-a-version")
    with pytest.raises(InvalidVersionError):
        parse_version("NuGet", "1.0.0.0.0")


def test_distribution_releases_use_the_distribution_ordering() -> None:
    assert parse_version("Debian:12", "1.0-2") > parse_version("Debian:12", "1.0-1")
    assert parse_version("Alpine:v3.20", "1.0-r1") > parse_version("Alpine:v3.20", "1.0-r0")
