"""Python: requirements files (includes, constraints, hashes, markers, extras,
URL/VCS/editable entries), poetry.lock, Pipfile.lock, uv.lock, pdm.lock, pylock.toml."""

from __future__ import annotations

from pathlib import Path

from shieldwall.analyzers.deps.parsers import requirements
from shieldwall.analyzers.deps.parsers.base import LockFile
from shieldwall.errors import SourceError
from tests.analyzers.deps.helpers import by_name, fixture_dir, rows, scan_dir


def test_requirements_pins_includes_constraints_and_unpinned(tmp_path: Path) -> None:
    deps = scan_dir(fixture_dir("python", tmp_path))
    req = [
        c
        for c in deps.components
        if c.path.startswith("requirements") or c.path == "constraints.txt"
    ]
    got = {(c.name, c.version, c.path, c.line) for c in req}
    assert ("django", "3.2.0", "requirements.txt", 6) in got  # continuation lines with hashes
    assert ("requests", "2.25.1", "requirements.txt", 9) in got  # extras, spaces, marker
    assert ("pyyaml", "5.3.1", "requirements.txt", 18) in got  # === and PEP 503 name
    assert ("flask", "2.2.2", "requirements-base.txt", 1) in got  # -r include, trailing comment
    # urllib3 is open in requirements.txt and pinned by the -c constraints file
    assert ("urllib3", "1.26.5", "constraints.txt", 1) in got
    # constraints alone install nothing
    assert not any(c.name == "unused-constraint" for c in deps.components)
    unpinned = {(u.name, u.reason, u.line) for u in deps.unpinned if u.path == "requirements.txt"}
    assert unpinned == {
        ("jinja2", "range", 10),
        ("celery", "unpinned", 11),
        ("flaky-lib", "editable", 13),
        ("other-lib", "vcs", 14),
        ("wheelpkg", "url", 15),
        ("localpkg", "path", 16),
        (".", "editable", 17),
        ("zope-interface", "range", 19),
    }
    # the include cycle (requirements-base.txt includes requirements.txt) is harmless
    assert not deps.skipped


def _parse(text: str, related: dict[str, str] | None = None) -> requirements.Parsed:
    files = related or {}

    def read(rel: str) -> str:
        if rel not in files:
            raise SourceError(f"{rel} not found")
        return files[rel]

    return requirements.parse(LockFile("req/requirements.txt", text, read))


def test_requirements_include_missing_is_skipped_with_line() -> None:
    parsed = _parse("a==1\n-r missing.txt\n")
    assert [c.name for c in parsed.components] == ["a"]
    assert len(parsed.skipped) == 1
    assert parsed.skipped[0].path == "req/requirements.txt"
    assert "line 2" in parsed.skipped[0].reason and "missing.txt" in parsed.skipped[0].reason


def test_requirements_include_forms_resolve_relative_to_the_file() -> None:
    related = {
        "req/base.txt": "b==2\n",
        "req/sub/dev.txt": "c==3\n-r ../base.txt\n",
        "req/c.txt": "d==4\n",
    }
    parsed = _parse("-rbase.txt\n--requirement=sub/dev.txt\n--constraint c.txt\nd\n", related)
    got = {(c.name, c.version, c.path) for c in parsed.components}
    assert got == {
        ("b", "2", "req/base.txt"),
        ("c", "3", "req/sub/dev.txt"),
        ("d", "4", "req/c.txt"),
    }
    assert parsed.unpinned == ()


def test_requirements_include_outside_tree_is_refused() -> None:
    parsed = _parse("-r ../../etc/passwd\n")
    assert parsed.components == ()
    assert "outside" in parsed.skipped[0].reason


def test_requirements_markers_extras_wildcards_and_ranges() -> None:
    parsed = _parse(
        "\n".join(
            [
                'a[x,y]==1.0; sys_platform == "linux"',  # 1 pinned
                "b (==2.0)",  # 2 pinned, legacy parentheses
                "c==2.*",  # 3 wildcard: a range
                "d>=1,<2",  # 4 range
                "e!=1.0",  # 5 range
                "f==1.0 --hash=sha256:00 --hash=sha256:11",  # 6 pinned
                "G_H.I==3  # comment",  # 7 normalised name
            ]
        )
    )
    assert rows(parsed.components) >= {("a", "1.0", 1), ("b", "2.0", 2), ("f", "1.0", 6)}
    assert ("g-h-i", "3", 7) in rows(parsed.components)
    assert {(u.name, u.reason) for u in parsed.unpinned} == {
        ("c", "range"),
        ("d", "range"),
        ("e", "range"),
    }


def test_poetry_lock(tmp_path: Path) -> None:
    deps = scan_dir(fixture_dir("python", tmp_path))
    got = by_name([c for c in deps.components if c.path == "poetry.lock"])
    assert rows(tuple(got.values())) == {
        ("certifi", "2024.2.2", 4),
        ("requests", "2.31.0", 14),
        ("urllib3", "2.2.1", 29),
        ("pytest", "8.0.0", 36),
    }
    assert set(got["requests"].dependencies) == {
        "pkg:pypi/certifi@2024.2.2",
        "pkg:pypi/urllib3@2.2.1",
    }
    assert got["pytest"].scope == "dev"
    assert got["requests"].purl == "pkg:pypi/requests@2.31.0"


def test_pipfile_lock(tmp_path: Path) -> None:
    deps = scan_dir(fixture_dir("python", tmp_path))
    got = {
        (c.name, c.version, c.line, c.scope) for c in deps.components if c.path == "Pipfile.lock"
    }
    assert got == {
        ("requests", "2.31.0", 19, ""),
        ("django", "3.2.0", 26, ""),
        ("mylib", "", 29, ""),
        ("requests", "2.31.0", 35, "dev"),
        ("pytest", "8.0.0", 38, "dev"),
    }


def test_uv_lock(tmp_path: Path) -> None:
    deps = scan_dir(fixture_dir("python", tmp_path))
    got = by_name([c for c in deps.components if c.path == "uv.lock"])
    assert rows(tuple(got.values())) == {
        ("anyio", "4.3.0", 5),
        ("idna", "3.7", 14),
        ("pytest", "8.1.1", 32),
        ("sniffio", "1.3.1", 37),
    }
    assert "myproject" not in got  # the project itself
    assert got["anyio"].direct is True and got["idna"].direct is False
    assert got["pytest"].direct is True and got["pytest"].scope == "dev"
    assert set(got["anyio"].dependencies) == {"pkg:pypi/idna@3.7", "pkg:pypi/sniffio@1.3.1"}


def test_pdm_lock(tmp_path: Path) -> None:
    deps = scan_dir(fixture_dir("python", tmp_path))
    got = by_name([c for c in deps.components if c.path == "pdm.lock"])
    assert rows(tuple(got.values())) == {
        ("click", "8.1.7", 11),
        ("colorama", "0.4.6", 21),
        ("pytest", "8.0.0", 27),
    }
    assert got["click"].dependencies == ("pkg:pypi/colorama@0.4.6",)
    assert got["pytest"].scope == "dev"


def test_pylock_toml(tmp_path: Path) -> None:
    deps = scan_dir(fixture_dir("python", tmp_path))
    got = by_name([c for c in deps.components if c.path == "pylock.toml"])
    assert rows(tuple(got.values())) == {
        ("attrs", "23.2.0", 6),
        ("cattrs", "23.2.3", 15),
        ("vcs-thing", "", 26),
    }
    assert got["cattrs"].dependencies == ("pkg:pypi/attrs@23.2.0",)
