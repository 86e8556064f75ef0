"""A software component found in a lock file or manifest: what SBOMs list and
what vulnerability matching is done on."""

from __future__ import annotations

from dataclasses import dataclass

# Algorithms a Hash may name, as CycloneDX spells them, with their hex lengths.
HEX_LENGTHS = {"MD5": 32, "SHA-1": 40, "SHA-256": 64, "SHA-384": 96, "SHA-512": 128}
GO_H1 = "go-h1"  # go.sum's h1: SHA-256 of the module's file tree (dirhash), base64 as written


@dataclass(frozen=True, slots=True)
class Hash:
    """A digest the lock file records for the package (of its archive, or for
    ``go-h1`` of its module tree)."""

    algorithm: str  # a key of HEX_LENGTHS, or GO_H1
    value: str  # lowercase hex; for GO_H1 the value as go.sum writes it


@dataclass(frozen=True, slots=True)
class Component:
    ecosystem: str  # OSV ecosystem name: PyPI, npm, Go, crates.io, Maven, RubyGems, ...
    name: str  # as the ecosystem spells it (normalised where the ecosystem says so)
    version: str  # the exact resolved version; "" when the file does not pin one
    path: str  # the lock file, relative to the scanned root
    line: int  # 1-based line of the entry in that file
    purl: str = ""  # package URL (pkg:pypi/requests@2.31.0)
    direct: bool | None = None  # a direct dependency? None when the file cannot tell
    dependencies: tuple[str, ...] = ()  # purls of what this component depends on
    scope: str = ""  # "dev", "optional", ... when the file says so
    licenses: tuple[str, ...] = ()  # as the lock file states them (an SPDX expression or a name)
    hashes: tuple[Hash, ...] = ()
    marker: str = ""  # PEP 508 environment marker the package is installed under ("" = always)
    # (dependency purl, marker) for the dependencies installed only under a marker
    dependency_markers: tuple[tuple[str, str], ...] = ()

    @property
    def pinned(self) -> bool:
        return bool(self.version)
