"""The explicit list of lock-file formats: which file names each parser reads.

A format joins by being listed here. ``superseded_by`` names sibling files that
say the same thing better (go.sum is read only where no go.mod is beside it)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from fnmatch import fnmatchcase

from shieldwall.analyzers.deps import ecosystems as eco
from shieldwall.analyzers.deps.parsers import (
    cargo,
    composer,
    gemfile,
    gomod,
    gosum,
    gradle,
    maven,
    npm_lock,
    nuget,
    pdm,
    pipfile,
    pnpm,
    poetry,
    pylock,
    requirements,
    uv,
    yarn,
)
from shieldwall.analyzers.deps.parsers.base import Parser


@dataclass(frozen=True, slots=True)
class LockFormat:
    name: str
    ecosystem: str
    parse: Parser
    file_names: tuple[str, ...]  # glob patterns on the file name (case-sensitive)
    dir_patterns: tuple[str, ...] = ()  # glob patterns on "<parent dir>/<file name>"
    superseded_by: tuple[str, ...] = ()


FORMATS: tuple[LockFormat, ...] = (
    LockFormat(
        "requirements.txt",
        eco.PYPI,
        requirements.parse,
        ("requirements*.txt", "*-requirements.txt", "*_requirements.txt"),
        dir_patterns=("requirements/*.txt",),
    ),
    LockFormat("poetry.lock", eco.PYPI, poetry.parse, ("poetry.lock",)),
    LockFormat("Pipfile.lock", eco.PYPI, pipfile.parse, ("Pipfile.lock",)),
    LockFormat("uv.lock", eco.PYPI, uv.parse, ("uv.lock",)),
    LockFormat("pdm.lock", eco.PYPI, pdm.parse, ("pdm.lock",)),
    LockFormat("pylock.toml", eco.PYPI, pylock.parse, ("pylock.toml", "pylock.*.toml")),
    LockFormat(
        "package-lock.json", eco.NPM, npm_lock.parse, ("package-lock.json", "npm-shrinkwrap.json")
    ),
    LockFormat("yarn.lock", eco.NPM, yarn.parse, ("yarn.lock",)),
    LockFormat("pnpm-lock.yaml", eco.NPM, pnpm.parse, ("pnpm-lock.yaml",)),
    LockFormat("go.mod", eco.GO, gomod.parse, ("go.mod",)),
    LockFormat("go.sum", eco.GO, gosum.parse, ("go.sum",), superseded_by=("go.mod",)),
    LockFormat("Cargo.lock", eco.CRATES_IO, cargo.parse, ("Cargo.lock",)),
    LockFormat("pom.xml", eco.MAVEN, maven.parse, ("pom.xml",)),
    LockFormat(
        "gradle.lockfile",
        eco.MAVEN,
        gradle.parse,
        ("gradle.lockfile", "*gradle.lockfile"),
        dir_patterns=("dependency-locks/*.lockfile",),
    ),
    LockFormat("Gemfile.lock", eco.RUBYGEMS, gemfile.parse, ("Gemfile.lock", "gems.locked")),
    LockFormat("composer.lock", eco.PACKAGIST, composer.parse, ("composer.lock",)),
    LockFormat("packages.lock.json", eco.NUGET, nuget.parse, ("packages.lock.json",)),
)


def format_of(rel: str) -> LockFormat | None:
    """The format of the file at ``rel`` (a POSIX path), if it is a lock file."""
    directory, name = posixpath.split(rel)
    for fmt in FORMATS:
        if any(fnmatchcase(name, pattern) for pattern in fmt.file_names):
            return fmt
    if fmt_dir := posixpath.basename(directory):
        tail = f"{fmt_dir}/{name}"
        for fmt in FORMATS:
            if any(fnmatchcase(tail, pattern) for pattern in fmt.dir_patterns):
                return fmt
    return None
