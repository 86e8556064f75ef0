"""A software component found in a lock file or manifest: what SBOMs list and
what vulnerability matching is done on."""

from __future__ import annotations

from dataclasses import dataclass


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

    @property
    def pinned(self) -> bool:
        return bool(self.version)
