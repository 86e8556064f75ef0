"""Log timestamps to epoch seconds, cached: one log repeats the same second many times."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


class TimeCache:
    """Parse a timestamp once per distinct string (the last few kept)."""

    __slots__ = ("_parse", "known")

    def __init__(self, parse: Callable[[str], float]) -> None:
        self.known: dict[str, float] = {}  # always the same dict: cleared, never replaced
        self._parse = parse

    def __call__(self, text: str) -> float:
        value = self.known.get(text)
        if value is None:
            value = self._parse(text)
            if len(self.known) > 4096:
                self.known.clear()
            self.known[text] = value
        return value


def _offset(tz: str) -> int:
    sign = -1 if tz[0] == "-" else 1
    return sign * (int(tz[1:3]) * 3600 + int(tz[3:5]) * 60)


def parse_clf(text: str) -> float:
    """`10/Oct/2000:13:55:36 -0700` (nginx `$time_local`, Apache)."""
    day, month, year = int(text[0:2]), _MONTHS[text[3:6]], int(text[7:11])
    hour, minute, second = int(text[12:14]), int(text[15:17]), int(text[18:20])
    rest = text[20:].strip()
    frac = 0.0
    if rest.startswith("."):  # HAProxy: milliseconds
        digits, _, rest = rest[1:].partition(" ")
        frac = float("0." + digits) if digits.isdigit() else 0.0
        rest = rest.strip()
    epoch = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    return epoch - (_offset(rest) if len(rest) == 5 else 0) + frac


def parse_iso(text: str) -> float:
    """ISO 8601 (`$time_iso8601`, Envoy, Traefik, Kubernetes); naive means UTC."""
    value = dt.datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.timestamp()


def parse_ctime(text: str) -> float:
    """`Thu Dec  3 10:15:02 2026` (ModSecurity), UTC assumed."""
    value = dt.datetime.strptime(" ".join(text.split()), "%a %b %d %H:%M:%S %Y")
    return value.replace(tzinfo=dt.UTC).timestamp()


def iso_z(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
