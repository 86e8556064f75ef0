"""Project settings that analyzers read (from `.shieldwall.yaml`); no I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class GatewaySettings:
    """What counts as the API gateway.

    ``workloads`` holds resource ids or glob patterns (``Deployment/edge/gateway``,
    ``compose/shop/gateway``, ``*/edge/*``). Empty means: detect it.
    """

    workloads: tuple[str, ...] = ()
    services: tuple[str, ...] = ()


class FingerprintKey(Protocol):
    """The key of the keyed hash (HMAC-SHA256) that stands for a secret value in
    fingerprints and reports. The key itself is never shown anywhere."""

    def load(self) -> bytes:
        """The key (loading may create it: on first use)."""
        ...

    def notes(self) -> tuple[str, ...]:
        """What the user should know about where the key comes from (never the key)."""
        ...


@dataclass(frozen=True, slots=True)
class Settings:
    gateway: GatewaySettings = GatewaySettings()
    max_file_bytes: int = 5 * 1024 * 1024
    # Secrets: also scan the lines added by every commit (``--history``), or only
    # by the commits after ``since`` (a git ref); check found credentials live.
    history: bool = False
    since: str | None = None
    verify: bool = False
    # Secrets: the key of their fingerprints (None: a key of this process only, so
    # fingerprints match nothing made by another process).
    fingerprint_key: FingerprintKey | None = field(default=None, repr=False, compare=False)
    # Dependencies: never touch the network (use the local vulnerability database).
    offline: bool = False
