"""What a lock-file parser is given and what it returns."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from shieldwall.analyzers.deps.ecosystems import normalise_name
from shieldwall.analyzers.deps.purl import purl_for
from shieldwall.errors import SourceError
from shieldwall.model import Component, Skipped


@dataclass(frozen=True, slots=True)
class LockFile:
    """One file to parse. ``read_related`` reads another file of the scanned tree
    by its path relative to the root (for includes and parent POMs); it raises
    SourceError when the file is missing, outside the tree or unreadable."""

    path: str  # POSIX, relative to the scanned root
    text: str
    read_related: Callable[[str], str] = field(default=lambda rel: _no_related(rel))


def _no_related(rel: str) -> str:
    raise SourceError(f"{rel} is not available", "scan the directory that holds it")


@dataclass(frozen=True, slots=True)
class Unpinned:
    """A requirement that does not name exactly one version."""

    ecosystem: str
    name: str
    requirement: str  # the entry as written (hashes left out)
    reason: str  # "range" | "unpinned" | "url" | "vcs" | "editable" | "path"
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class Parsed:
    components: tuple[Component, ...] = ()
    unpinned: tuple[Unpinned, ...] = ()
    # Related inputs (an included requirements file...) that could not be read.
    skipped: tuple[Skipped, ...] = ()


Parser = Callable[[LockFile], Parsed]


def broken(path_kind: str, detail: str, line: int | None = None) -> SourceError:
    """The SourceError for a file that cannot be parsed, with its line when known."""
    where = f" at line {line}" if line else ""
    return SourceError(
        f"invalid {path_kind}{where}: {detail}",
        "fix or regenerate the file; the rest of the tree was scanned",
        line=line,
    )


def component(
    ecosystem: str,
    name: str,
    version: str,
    path: str,
    line: int,
    *,
    direct: bool | None = None,
    scope: str = "",
    dependencies: Iterable[str] = (),
) -> Component:
    """A Component with its name normalised and its purl filled in."""
    norm = normalise_name(ecosystem, name)
    return Component(
        ecosystem=ecosystem,
        name=norm,
        version=version,
        path=path,
        line=line,
        purl=purl_for(ecosystem, norm, version),
        direct=direct,
        dependencies=tuple(dict.fromkeys(dependencies)),
        scope=scope,
    )


@dataclass(slots=True)
class Entry:
    """A package while a parser is still resolving its dependencies."""

    name: str
    version: str
    line: int
    direct: bool | None = None
    scope: str = ""
    deps: list[str] = field(default_factory=list)  # dependency keys, parser-specific


def build(
    ecosystem: str,
    path: str,
    entries: Iterable[Entry],
    resolve: Callable[[str], Iterable[tuple[str, str]]] | None = None,
) -> tuple[Component, ...]:
    """Components from entries; ``resolve`` turns a dependency key into the
    (name, version) pairs it stands for (none when the lock file lacks it)."""
    out: list[Component] = []
    for e in entries:
        dep_purls: list[str] = []
        if resolve is not None:
            for key in e.deps:
                for name, version in resolve(key):
                    dep_purls.append(purl_for(ecosystem, normalise_name(ecosystem, name), version))
        out.append(
            component(
                ecosystem,
                e.name,
                e.version,
                path,
                e.line,
                direct=e.direct,
                scope=e.scope,
                dependencies=dep_purls,
            )
        )
    return tuple(out)
