"""Project settings that analyzers read (from `.shieldwall.yaml`); no I/O here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GatewaySettings:
    """What counts as the API gateway.

    ``workloads`` holds resource ids or glob patterns (``Deployment/edge/gateway``,
    ``compose/shop/gateway``, ``*/edge/*``). Empty means: detect it.
    """

    workloads: tuple[str, ...] = ()
    services: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Settings:
    gateway: GatewaySettings = GatewaySettings()
    max_file_bytes: int = 5 * 1024 * 1024
    # Secrets: also scan the lines added by every commit (``--history``), or only
    # by the commits after ``since`` (a git ref); check found credentials live.
    history: bool = False
    since: str | None = None
    verify: bool = False
    # Dependencies: never touch the network (use the local vulnerability database).
    offline: bool = False
