"""Go, Rust, Java, Ruby, PHP and .NET lock files and manifests."""

from __future__ import annotations

from pathlib import Path

from tests.analyzers.deps.helpers import by_name, fixture_dir, rows, scan_dir


def test_go_mod_requires_indirect_and_replace(tmp_path: Path) -> None:
    deps = scan_dir(fixture_dir("go", tmp_path))
    gomod = [c for c in deps.components if c.path == "app/go.mod"]
    assert {(c.name, c.version, c.line, c.direct) for c in gomod} == {
        ("github.com/gin-gonic/gin", "v1.9.1", 6, True),
        ("golang.org/x/net", "v0.17.0", 7, False),
        # replaced by a local directory: no version to match
        ("github.com/quoted/mod", "", 16, True),
        # replaced by another module: its path and version, at the replace line
        ("github.com/new/lib", "v1.3.0", 13, True),
    }
    assert by_name(gomod)["github.com/gin-gonic/gin"].purl == (
        "pkg:golang/github.com/gin-gonic/gin@v1.9.1"
    )


def test_go_sum_only_without_go_mod(tmp_path: Path) -> None:
    deps = scan_dir(fixture_dir("go", tmp_path))
    assert not any(c.path == "app/go.sum" for c in deps.components)  # go.mod beside it wins
    gosum = [c for c in deps.components if c.path == "sumonly/go.sum"]
    assert rows(tuple(gosum)) == {
        ("github.com/gin-gonic/gin", "v1.9.1", 1),
        ("golang.org/x/net", "v0.17.0", 4),
    }


def test_cargo_lock(tmp_path: Path) -> None:
    got = scan_dir(fixture_dir("rust", tmp_path)).components
    assert rows(got) == {("serde", "1.0.190", 14), ("time", "0.1.45", 20), ("time", "0.3.30", 25)}
    by_version = {(c.name, c.version): c for c in got}
    assert by_version[("time", "0.3.30")].direct is True  # named with its version by the root
    assert by_version[("time", "0.1.45")].direct is False
    assert by_version[("serde", "1.0.190")].direct is True
    assert by_version[("time", "0.3.30")].dependencies == ("pkg:cargo/serde@1.0.190",)


def test_pom_properties_parent_and_management(tmp_path: Path) -> None:
    got = scan_dir(fixture_dir("java", tmp_path)).components
    pom = {c.name: c for c in got if c.path == "parent/child/pom.xml"}
    assert {(n, c.version, c.line) for n, c in pom.items()} == {
        ("com.fasterxml.jackson.core:jackson-databind", "2.9.8", 14),  # parent <properties>
        ("org.springframework:spring-core", "5.3.20", 19),  # the child overrides
        ("org.apache.logging.log4j:log4j-core", "2.14.1", 24),  # parent dependencyManagement
        ("com.example:sibling", "2.0.0", 28),  # ${project.groupId}, ${project.version} via parent
        ("junit:junit", "", 33),  # a version range is not one version
        ("org.unknown:mystery", "", 39),  # unresolved property
    }
    assert pom["junit:junit"].scope == "test"
    assert pom["com.example:sibling"].purl == "pkg:maven/com.example/sibling@2.0.0"
    # the parent POM declares no dependencies of its own
    assert not [c for c in got if c.path == "parent/pom.xml"]


def test_pom_refuses_entities(tmp_path: Path) -> None:
    (tmp_path / "pom.xml").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY e "x">]>\n<project>&e;</project>\n'
    )
    deps = scan_dir(tmp_path)
    assert deps.components == ()
    assert deps.skipped and "pom.xml" in deps.skipped[0].reason


def test_gradle_lockfile(tmp_path: Path) -> None:
    got = scan_dir(fixture_dir("java", tmp_path)).components
    gradle = {c.name: c for c in got if c.path.endswith("gradle.lockfile")}
    assert {(n, c.version, c.line) for n, c in gradle.items()} == {
        ("com.google.guava:guava", "31.1-jre", 4),
        ("junit:junit", "4.13.2", 5),
        ("org.slf4j:slf4j-api", "1.7.36", 6),
    }
    assert gradle["junit:junit"].scope == "test"


def test_gemfile_lock(tmp_path: Path) -> None:
    got = by_name(scan_dir(fixture_dir("ruby", tmp_path)).components)
    assert rows(tuple(got.values())) == {
        ("private-gem", "0.1.0", 5),
        ("actionpack", "6.1.4", 10),
        ("nokogiri", "1.12.5", 13),  # the platform suffix is not part of the version
        ("rack", "2.2.3", 15),
        ("rack-test", "1.1.0", 16),
        ("racc", "1.5.2", 18),
    }
    assert got["actionpack"].direct is True and got["rack"].direct is False
    assert set(got["actionpack"].dependencies) == {"pkg:gem/rack@2.2.3", "pkg:gem/rack-test@1.1.0"}


def test_composer_lock(tmp_path: Path) -> None:
    got = by_name(scan_dir(fixture_dir("php", tmp_path)).components)
    assert rows(tuple(got.values())) == {
        ("guzzlehttp/guzzle", "7.4.0", 7),
        ("guzzlehttp/psr7", "2.1.0", 16),  # leading v dropped
        ("phpunit/phpunit", "9.5.10", 22),  # names are lower case
    }
    assert got["guzzlehttp/guzzle"].dependencies == ("pkg:composer/guzzlehttp/psr7@2.1.0",)
    assert got["phpunit/phpunit"].scope == "dev"


def test_nuget_packages_lock(tmp_path: Path) -> None:
    got = by_name(scan_dir(fixture_dir("dotnet", tmp_path)).components)
    assert rows(tuple(got.values())) == {
        ("Newtonsoft.Json", "12.0.1", 5),  # listed for two frameworks, reported once
        ("System.Text.Encodings.Web", "4.5.0", 11),
        ("System.Memory", "4.5.4", 19),
    }
    assert got["Newtonsoft.Json"].direct is True
    assert got["System.Text.Encodings.Web"].dependencies == ("pkg:nuget/System.Memory@4.5.4",)
