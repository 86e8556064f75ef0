"""Package URLs (https://github.com/package-url/purl-spec) for components."""

from __future__ import annotations

from functools import lru_cache

from packageurl import PackageURL

from shieldwall.analyzers.deps import ecosystems as eco

# OSV ecosystem -> purl type
PURL_TYPES: dict[str, str] = {
    eco.PYPI: "pypi",
    eco.NPM: "npm",
    eco.GO: "golang",
    eco.CRATES_IO: "cargo",
    eco.MAVEN: "maven",
    eco.RUBYGEMS: "gem",
    eco.PACKAGIST: "composer",
    eco.NUGET: "nuget",
}


def _split(ecosystem: str, name: str) -> tuple[str | None, str]:
    """(namespace, name) as the purl type wants them."""
    if ecosystem == eco.MAVEN:
        group, sep, artifact = name.partition(":")
        return (group, artifact) if sep else (None, name)
    if ecosystem == eco.NPM:
        if name.startswith("@") and "/" in name:
            scope, _, rest = name.partition("/")
            return scope, rest
        return None, name
    if ecosystem in (eco.GO, eco.PACKAGIST):
        namespace, sep, last = name.rpartition("/")
        return (namespace, last) if sep else (None, name)
    if ecosystem == eco.PYPI:
        return None, eco.pep503(name)
    return None, name


@lru_cache(maxsize=65536)
def purl_for(ecosystem: str, name: str, version: str = "") -> str:
    """The purl of a package (without version when ``version`` is empty)."""
    purl_type = PURL_TYPES.get(ecosystem)
    if purl_type is None:
        raise ValueError(f"no purl type for ecosystem {ecosystem!r}")
    namespace, short = _split(ecosystem, name)
    return PackageURL(
        type=purl_type, namespace=namespace, name=short, version=version or None
    ).to_string()
