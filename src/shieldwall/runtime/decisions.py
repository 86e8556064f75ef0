"""Decisions (`shieldwall/decisions/v1`) and detections, as the engine makes them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shieldwall.runtime.durations import format_duration
from shieldwall.runtime.sources.timefmt import iso_z

SCHEMA = "shieldwall/decisions/v1"
MAX_DURATION = 7 * 86400.0


@dataclass(frozen=True, slots=True)
class Detection:
    line: str  # "access.log:1040"
    source: str  # the client (or the route, for a route-level alert)
    kind: str
    rule: str
    request: str
    time: float

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "source": self.source,
            "kind": self.kind,
            "rule": self.rule,
            "request": self.request[:2048],
            "time": iso_z(self.time),
        }


@dataclass(frozen=True, slots=True)
class Decision:
    value: str
    scope: str  # "ip" | "range"
    type: str  # "ban" | "captcha" | "throttle"
    duration: float  # seconds
    scenario: str
    reason: str
    created_at: float
    events: int
    evidence: tuple[str, ...]
    simulated: bool = False
    origin: str = "shieldwall"
    id: int = 0
    deleted_at: float | None = None

    @property
    def until(self) -> float:
        return self.created_at + self.duration

    def active(self, now: float) -> bool:
        return self.deleted_at is None and now < self.until

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "scope": self.scope,
            "type": self.type,
            "duration": format_duration(self.duration),
            "scenario": self.scenario,
            "reason": self.reason,
            "created_at": iso_z(self.created_at),
            "events": self.events,
            "evidence": list(self.evidence),
            "simulated": self.simulated,
        }


def escalated(duration: float, earlier: int) -> float:
    """Repeat offenders get twice as long per earlier decision, at most 7 days."""
    factor = float(1 << min(earlier, 16))
    return min(duration * factor, max(MAX_DURATION, duration))
