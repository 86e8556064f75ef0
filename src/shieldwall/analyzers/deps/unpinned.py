"""DEPS-UNPINNED, the dependency rule that needs no vulnerability database, and
its check: a requirement that does not pin one version."""

from __future__ import annotations

from shieldwall.analyzers.deps.parsers.base import Unpinned
from shieldwall.analyzers.deps.purl import purl_for
from shieldwall.analyzers.hits import Hit, rule
from shieldwall.model import Control, Severity

ANALYZER = "deps"

DEPS_UNPINNED = rule(
    id="DEPS-UNPINNED",
    analyzer=ANALYZER,
    control=Control.SUPPLY_CHAIN,
    severity=Severity.LOW,
    title="Requirement not pinned to one version",
    description=(
        "A requirements file entry that does not pin exactly one version (`name==1.2.3`) "
        "installs whatever the index serves on the day: a version range, a bare name, a URL, "
        "a VCS branch or an editable checkout. Builds stop being reproducible, a compromised "
        "or broken release is picked up without review, and vulnerability matching cannot "
        "tell which version runs."
    ),
    remediation=(
        "Pin every requirement to one version, preferably with hashes "
        "(`pip-compile --generate-hashes`, `uv pip compile --generate-hashes`), or install from "
        "a lock file. For VCS entries pin a commit hash and prefer a released package."
    ),
    applies_to=("requirements",),
    cwe=("CWE-1357", "CWE-829"),
    references=(
        "https://pip.pypa.io/en/stable/topics/repeatable-installs/",
        "https://pip.pypa.io/en/stable/topics/secure-installs/",
    ),
)

_REASONS = {
    "range": "allows a range of versions",
    "unpinned": "names no version",
    "url": "installs from a URL",
    "vcs": "installs from a version-control checkout",
    "editable": "is an editable install",
    "path": "installs from a local path",
}


def unpinned_message(name: str, requirement: str, reason: str) -> str:
    why = _REASONS.get(reason, "is not pinned")
    return f"Requirement {name!r} {why} (`{requirement}`): pin it to one version."


def unpinned_resource(u: Unpinned) -> str:
    return purl_for(u.ecosystem, u.name)


def unpinned_hit(u: Unpinned) -> Hit:
    return Hit(
        DEPS_UNPINNED,
        u.path,
        u.line,
        unpinned_resource(u),
        unpinned_message(u.name, u.requirement, u.reason),
        u.reason,
    )
