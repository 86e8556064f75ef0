"""Ecosystem names (as OSV spells them) and how each normalises package names."""

from __future__ import annotations

import re

PYPI = "PyPI"
NPM = "npm"
GO = "Go"
CRATES_IO = "crates.io"
MAVEN = "Maven"
RUBYGEMS = "RubyGems"
PACKAGIST = "Packagist"
NUGET = "NuGet"

ALL = (PYPI, NPM, GO, CRATES_IO, MAVEN, RUBYGEMS, PACKAGIST, NUGET)

_PEP503 = re.compile(r"[-_.]+")


def pep503(name: str) -> str:
    """PyPI's normalised project name: lower case, runs of ``-_.`` as one ``-``."""
    return _PEP503.sub("-", name).lower()


def normalise_name(ecosystem: str, name: str) -> str:
    """The name as the ecosystem's index (and OSV) identifies the package.

    PyPI folds case and separators (PEP 503); Packagist names are lower case by
    rule. npm, Go, crates.io, Maven, RubyGems and NuGet keep the name as written
    (NuGet and RubyGems match case-insensitively, which the matcher handles)."""
    name = name.strip()
    if ecosystem == PYPI:
        return pep503(name)
    if ecosystem == PACKAGIST:
        return name.lower()
    return name
