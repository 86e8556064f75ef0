"""Does a version fall in an OSV ``affected`` entry? The evaluation the OSV
schema specifies:

- a version listed in ``versions`` is affected (compared as versions, so the
  list's "3.2" is the lock file's "3.2.0"), whatever the ranges say;
- ``ECOSYSTEM`` and ``SEMVER`` ranges are evaluated; ``GIT`` ranges (commit
  hashes) and unknown types are skipped and the other ranges still count;
- in a range, events are sorted by version (``introduced: "0"`` first) and
  walked in order: a version at or after ``introduced`` is affected, at or
  after ``fixed`` is not, after ``last_affected`` is not; versions at or after
  a ``limit`` are outside the range.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from shieldwall.analyzers.deps.osv.versions import Comparable, InvalidVersionError

Parse = Callable[[str], Comparable]
_ORDERED_RANGES = ("ECOSYSTEM", "SEMVER")
_KINDS = ("introduced", "fixed", "last_affected", "limit")


@dataclass(frozen=True, slots=True)
class Verdict:
    affected: bool
    # Versions that fix the ranges the version fell in, later than it.
    fixed: tuple[str, ...] = ()


def evaluate(entry: Mapping[str, Any], version: str, parse: Parse) -> Verdict:
    try:
        current = parse(version)
    except InvalidVersionError:
        current = None
    affected = False
    fixes: list[str] = []
    if _listed(entry.get("versions") or (), version, current, parse):
        affected = True
    if current is not None:
        for item in entry.get("ranges") or ():
            if item.get("type") not in _ORDERED_RANGES:
                continue  # GIT: commit hashes are not versions; go on with the others
            hit, fixed = _in_range(item.get("events") or (), current, parse)
            if hit:
                affected = True
                fixes.extend(fixed)
    return Verdict(affected, tuple(dict.fromkeys(fixes)))


def _listed(
    versions: Sequence[str], version: str, current: Comparable | None, parse: Parse
) -> bool:
    if version in versions:
        return True
    if current is None or not versions:
        return False
    if isinstance(current, Hashable) and type(current).__hash__ is not None:
        # PyPI's versions hash as they compare ("3.2" and "3.2.0" alike): one set per list.
        return current in _parsed_set(tuple(versions), parse)
    for listed in versions:
        if listed == version:
            return True
        if current is None:
            continue
        try:
            if parse(listed) == current:
                return True
        except InvalidVersionError:
            continue
    return False


@lru_cache(maxsize=4096)
def _parsed_set(versions: tuple[str, ...], parse: Parse) -> frozenset[Hashable]:
    parsed: set[Hashable] = set()
    for listed in versions:
        try:
            value = parse(listed)
        except InvalidVersionError:
            continue
        if isinstance(value, Hashable):
            parsed.add(value)
    return frozenset(parsed)


def _in_range(
    events: Sequence[Mapping[str, str]], current: Comparable, parse: Parse
) -> tuple[bool, list[str]]:
    """(affected, fixed versions of this range above ``current``)."""
    timeline: list[tuple[int, Comparable | None, str, str]] = []
    for index, event in enumerate(events):
        for kind in _KINDS:
            value = event.get(kind)
            if value is None:
                continue
            if kind == "introduced" and value == "0":
                timeline.append((index, None, kind, value))
                continue
            if kind == "limit" and value == "*":
                continue
            try:
                timeline.append((index, parse(value), kind, value))
            except InvalidVersionError:
                continue  # an event we cannot order says nothing
    for _, point, kind, _ in timeline:
        if kind == "limit" and point is not None and not current < point:
            return False, []
    ordered = sorted(
        (t for t in timeline if t[2] != "limit"),
        key=_SortKey,
    )
    affected = False
    for _, point, kind, _ in ordered:
        if kind == "introduced":
            if point is None or not current < point:
                affected = True
        elif kind == "fixed":
            if point is not None and not current < point:
                affected = False
        elif kind == "last_affected" and point is not None and point < current:
            affected = False
    fixed = [
        value
        for _, point, kind, value in ordered
        if kind == "fixed" and point is not None and current < point
    ]
    return affected, (fixed[:1] if affected else [])


class _SortKey:
    """Orders events by version, "introduced: 0" first, ties in file order."""

    __slots__ = ("event",)

    def __init__(self, event: tuple[int, Comparable | None, str, str]) -> None:
        self.event = event

    def __lt__(self, other: _SortKey) -> bool:
        a, b = self.event[1], other.event[1]
        if a is None or b is None:
            if a is None and b is None:
                return self.event[0] < other.event[0]
            return a is None
        if a < b:
            return True
        if b < a:
            return False
        return self.event[0] < other.event[0]
