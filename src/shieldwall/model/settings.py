"""Project settings that analyzers read (from `.shieldwall.yaml`); no I/O here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

# The oldest vulnerability database a scan accepts by default, in days.
DEFAULT_MAX_DB_AGE_DAYS = 7.0
_AGE = re.compile(r"(\d+(?:\.\d+)?)\s*([dhw]?)")
_AGE_UNIT_DAYS = {"": 1.0, "d": 1.0, "h": 1 / 24, "w": 7.0}


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
    # Dependencies: no usable vulnerability database, or one older than
    # max_db_age_days, stops the scan (exit 2) unless require_db is False.
    require_db: bool = True
    max_db_age_days: float = DEFAULT_MAX_DB_AGE_DAYS
    # Deployment units named in `.shieldwall.yaml` (`units:`): a name and the path
    # globs of its files, tried before the units found by layout.
    units: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Config: the Kubernetes version the manifests run on, (major, minor); None is
    # the current release. Some permissions mean more on older clusters.
    kubernetes_version: tuple[int, int] | None = None
    # Config: "default", or "strict" to also report the opt-in rules (hardening
    # advice that is noise on most real systems).
    config_profile: str = "default"


CONFIG_PROFILES = ("default", "strict")
_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.\d+)?")


def parse_kubernetes_version(text: str) -> tuple[int, int]:
    """(1, 29) for `1.29`, `v1.29.3`; ValueError otherwise."""
    match = _VERSION.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a Kubernetes version: write it as 1.29")
    return int(match.group(1)), int(match.group(2))


def parse_age(text: str) -> float:
    """Days in an age such as `7d`, `36h`, `2w` or `7` (days); ValueError otherwise."""
    match = _AGE.fullmatch(text.strip().lower())
    days = float(match.group(1)) * _AGE_UNIT_DAYS[match.group(2)] if match else 0.0
    if days <= 0:
        raise ValueError(f"{text!r} is not an age: give days, hours or weeks such as 7d, 36h, 2w")
    return days


def age_text(days: float) -> str:
    """`7d`, `1.5d`: an age in days as the config and `--max-db-age` write it."""
    return f"{days:g}d"
