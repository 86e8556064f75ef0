"""What a lock-file parser is given and what it returns."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from shieldwall.analyzers.deps.ecosystems import normalise_name
from shieldwall.analyzers.deps.purl import purl_for
from shieldwall.errors import SourceError
from shieldwall.model import Component, Hash, Skipped
from shieldwall.model.component import HEX_LENGTHS


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
    licenses: Iterable[str] = (),
    hashes: Iterable[Hash | None] = (),
    marker: str = "",
    dependency_markers: Iterable[tuple[str, str]] = (),
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
        licenses=tuple(dict.fromkeys(x.strip() for x in licenses if x.strip())),
        hashes=tuple(dict.fromkeys(h for h in hashes if h is not None)),
        marker=marker.strip(),
        dependency_markers=tuple(dependency_markers),
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
    licenses: list[str] = field(default_factory=list)
    hashes: list[Hash | None] = field(default_factory=list)
    marker: str = ""  # the package's own environment marker
    dep_markers: dict[str, str] = field(default_factory=dict)  # dependency key -> marker


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
        markers: dict[str, list[str]] = {}
        if resolve is not None:
            for key in e.deps:
                for name, version in resolve(key):
                    purl = purl_for(ecosystem, normalise_name(ecosystem, name), version)
                    dep_purls.append(purl)
                    markers.setdefault(purl, []).append(e.dep_markers.get(key, ""))
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
                licenses=e.licenses,
                hashes=e.hashes,
                marker=e.marker,
                dependency_markers=_edge_markers(markers),
            )
        )
    return tuple(out)


def _edge_markers(markers: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(purl, marker) of the dependencies required only under a marker: one
    unconditional requirement makes the dependency unconditional."""
    out: list[tuple[str, str]] = []
    for purl, found in markers.items():
        if all(found):
            unique = list(dict.fromkeys(found))
            joined = unique[0] if len(unique) == 1 else " or ".join(f"({m})" for m in unique)
            out.append((purl, joined))
    return out


_ALGORITHMS = {
    "md5": "MD5",
    "sha1": "SHA-1",
    "sha256": "SHA-256",
    "sha384": "SHA-384",
    "sha512": "SHA-512",
}
_HEX = re.compile(r"^[0-9a-fA-F]+$")


def hex_hash(algorithm: str, value: str) -> Hash | None:
    """A Hash from an algorithm name (``sha256``, ``SHA-256``...) and a hex
    digest; None when either is unknown or malformed (a placeholder digest)."""
    name = _ALGORITHMS.get(algorithm.lower().replace("-", ""))
    if name is None or len(value) != HEX_LENGTHS[name] or not _HEX.match(value):
        return None
    return Hash(name, value.lower())


def prefixed_hash(text: str) -> Hash | None:
    """``sha256:<hex>`` (or ``sha256=<hex>``) as pip, poetry, uv and pdm write them."""
    algorithm, sep, value = text.strip().replace("=", ":", 1).partition(":")
    return hex_hash(algorithm, value) if sep else None


def sri_hashes(integrity: str) -> list[Hash | None]:
    """The digests of a Subresource Integrity string (npm's ``integrity``:
    ``sha512-<base64>``, several separated by spaces), as hex."""
    out: list[Hash | None] = []
    for part in integrity.split():
        algorithm, sep, encoded = part.partition("-")
        if not sep:
            continue
        try:
            raw = base64.b64decode(encoded.split("?", 1)[0], validate=True)
        except (binascii.Error, ValueError):
            continue
        out.append(hex_hash(algorithm, raw.hex()))
    return out
