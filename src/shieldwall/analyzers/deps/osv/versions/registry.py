"""Which version ordering each OSV ecosystem uses (an explicit table)."""

from __future__ import annotations

from collections.abc import Callable

from shieldwall.analyzers.deps.osv.versions import (
    alpine,
    debian,
    maven,
    nuget,
    packagist,
    pypi,
    rubygems,
    semver,
)
from shieldwall.analyzers.deps.osv.versions.base import Comparable, InvalidVersionError

Parser = Callable[[str], Comparable]

# Keyed by OSV ecosystem name. Distribution ecosystems carry a release suffix
# ("Debian:12", "Alpine:v3.20"); only the part before ":" picks the ordering.
ORDERINGS: dict[str, Parser] = {
    "PyPI": pypi.parse,
    "npm": semver.parse,
    "crates.io": semver.parse,
    "Go": semver.parse,
    "Hex": semver.parse,
    "Maven": maven.parse,
    "RubyGems": rubygems.parse,
    "Packagist": packagist.parse,
    "NuGet": nuget.parse,
    "Debian": debian.parse,
    "Ubuntu": debian.parse,
    "Alpine": alpine.parse,
}


def comparator_for(ecosystem: str) -> Parser | None:
    """The version parser for an OSV ecosystem, or None when we cannot order its versions."""
    return ORDERINGS.get(ecosystem.split(":", 1)[0])


def parse_version(ecosystem: str, text: str) -> Comparable:
    parser = comparator_for(ecosystem)
    if parser is None:
        raise InvalidVersionError(f"no version ordering for ecosystem {ecosystem!r}")
    try:
        return parser(text)
    except InvalidVersionError:
        raise
    except (ValueError, TypeError) as exc:
        raise InvalidVersionError(f"{ecosystem} version {text!r}: {exc}") from exc
