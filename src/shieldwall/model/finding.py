"""A finding, where it stands, and why it may be suppressed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from shieldwall.model.rule import Rule


@dataclass(frozen=True, slots=True)
class Location:
    path: str
    start_line: int
    end_line: int

    @classmethod
    def at(cls, path: str, line: int) -> Location:
        return cls(path, line, line)


@dataclass(frozen=True, slots=True)
class Suppression:
    """Why a finding does not count against the gate."""

    kind: str  # "inline" | "exception" | "baseline"
    reason: str


@dataclass(frozen=True, slots=True)
class Finding:
    rule: Rule
    message: str
    location: Location
    resource: str
    # A stable locator inside the resource (field path, container name,
    # redacted-value hash...). Never a line number: fingerprints must survive edits.
    key: str = ""
    suppression: Suppression | None = None
    # Findings about a resource that no single file defines (a namespace known only
    # from its workloads) are identified without a path: set this to False.
    path_in_fingerprint: bool = True
    # For a data-flow finding, where the data went from the source to the sink
    # (the last step is `location`); empty for the others. Not in the fingerprint.
    flow: tuple[Location, ...] = ()
    # The deployment unit the finding holds in ("kustomization:deploy/base"); "" for
    # findings about no deployed resource. Not in the fingerprint.
    unit: str = ""
    # Other places an inline ignore of this finding may be written: the settings
    # that cause it, when it stands elsewhere (a datastore's published ports). Not
    # in the fingerprint.
    ignorable_at: tuple[Location, ...] = ()
    fingerprint: str = field(init=False)

    def __post_init__(self) -> None:
        path = self.location.path if self.path_in_fingerprint else ""
        material = "\x1f".join((self.rule.id, path, self.resource, self.key))
        # surrogateescape: a file name that is not UTF-8 keeps its own bytes.
        digest = hashlib.sha256(material.encode("utf-8", "surrogateescape")).hexdigest()[:32]
        object.__setattr__(self, "fingerprint", digest)

    @property
    def suppressed(self) -> bool:
        return self.suppression is not None

    def suppress(self, kind: str, reason: str) -> Finding:
        return self._same_fingerprint(replace(self, suppression=Suppression(kind, reason)))

    def redacted(
        self, message: str, resource: str, key: str, suppression: Suppression | None
    ) -> Finding:
        """The same finding, with the same fingerprint, showing other text: what
        the redaction pass leaves of a message, resource or key that quoted a secret."""
        return self._same_fingerprint(
            replace(self, message=message, resource=resource, key=key, suppression=suppression)
        )

    def _same_fingerprint(self, other: Finding) -> Finding:
        object.__setattr__(other, "fingerprint", self.fingerprint)
        return other


@dataclass(frozen=True, slots=True)
class Skipped:
    """Input that was not scanned, with the reason. Nothing is dropped silently."""

    path: str
    reason: str
