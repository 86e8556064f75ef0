"""Package URLs and name normalisation per ecosystem."""

from __future__ import annotations

import pytest
from packageurl import PackageURL

from shieldwall.analyzers.deps import ecosystems as eco
from shieldwall.analyzers.deps.purl import purl_for


@pytest.mark.parametrize(
    ("ecosystem", "name", "version", "expected"),
    [
        (eco.PYPI, "Zope.Interface", "5.0", "pkg:pypi/zope-interface@5.0"),
        (eco.NPM, "@babel/core", "7.0.0", "pkg:npm/%40babel/core@7.0.0"),
        (eco.NPM, "lodash", "4.17.20", "pkg:npm/lodash@4.17.20"),
        (eco.GO, "github.com/a/b", "v1.2.3", "pkg:golang/github.com/a/b@v1.2.3"),
        (eco.CRATES_IO, "serde", "1.0.0", "pkg:cargo/serde@1.0.0"),
        (eco.MAVEN, "org.apache:log4j", "2.14.1", "pkg:maven/org.apache/log4j@2.14.1"),
        (eco.RUBYGEMS, "rack", "2.2.3", "pkg:gem/rack@2.2.3"),
        (eco.PACKAGIST, "vendor/pkg", "1.0.0", "pkg:composer/vendor/pkg@1.0.0"),
        (eco.NUGET, "Newtonsoft.Json", "12.0.1", "pkg:nuget/Newtonsoft.Json@12.0.1"),
        (eco.PYPI, "requests", "", "pkg:pypi/requests"),
    ],
)
def test_purls(ecosystem: str, name: str, version: str, expected: str) -> None:
    purl = purl_for(ecosystem, name, version)
    assert purl == expected
    assert PackageURL.from_string(purl).to_string() == expected


@pytest.mark.parametrize(
    ("ecosystem", "name", "expected"),
    [
        (eco.PYPI, "Foo__Bar.baz", "foo-bar-baz"),
        (eco.PACKAGIST, "Vendor/Pkg", "vendor/pkg"),
        (eco.NPM, "Left-Pad", "Left-Pad"),
        (eco.GO, "github.com/Azure/go", "github.com/Azure/go"),
    ],
)
def test_normalise_name(ecosystem: str, name: str, expected: str) -> None:
    assert eco.normalise_name(ecosystem, name) == expected


def test_unknown_ecosystem_is_refused() -> None:
    with pytest.raises(ValueError, match="no purl type"):
        purl_for("Hackage", "x", "1")
