"""Durations as scenarios and decisions write them: `10s`, `5m`, `4h`, `7d`, `1h30m`."""

from __future__ import annotations

import re

_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}


def parse_duration(text: object) -> float:
    """Seconds in a duration; ValueError when it is not one or not positive."""
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not a duration")
    if isinstance(text, int | float):
        seconds = float(text)
    else:
        value = str(text).strip().lower()
        pos, seconds = 0, 0.0
        for match in _PART.finditer(value):
            if match.start() != pos:
                break
            seconds += float(match.group(1)) * _UNITS[match.group(2)]
            pos = match.end()
        if not value or pos != len(value):
            raise ValueError(f"{text!r} is not a duration: write 30s, 5m, 4h or 7d")
    if not seconds > 0 or seconds > 10 * 365 * 86400:
        raise ValueError(f"{text!r} is not a positive duration of at most 10 years")
    return seconds


def format_duration(seconds: float) -> str:
    """The shortest exact form: 14400 -> `4h`, 5400 -> `1h30m`, 1.5 -> `1.5s`."""
    if seconds < 60 or seconds != int(seconds):
        return f"{seconds:g}s" if seconds < 60 else f"{int(seconds)}s"
    whole = int(seconds)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, whole = divmod(whole, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
