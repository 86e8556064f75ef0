"""Leaky buckets, bounded: buckets that have leaked empty are swept, and past
`max_buckets` the oldest go first."""

from __future__ import annotations

from dataclasses import dataclass


class Bucket:
    """Kept small, as there is one per client per scenario: a fresh bucket
    shares its time, key and line reference with the event that made it, and
    holds its first reference without a list."""

    __slots__ = ("count", "distinct", "first", "last", "level", "refs")

    def __init__(self, now: float) -> None:
        self.level: float = 0
        self.last = now
        self.first = now
        self.count = 0
        self.refs: str | list[str] | None = None
        self.distinct: set[str] | None = None


@dataclass(frozen=True, slots=True)
class Overflow:
    key: str
    events: int
    first: float
    last: float
    refs: tuple[str, ...]
    distinct: tuple[str, ...]


class BucketTable:
    """The buckets of one scenario."""

    __slots__ = ("_blackholed", "blackhole", "buckets", "capacity", "evidence", "leak")

    def __init__(self, capacity: int, leak: float, blackhole: float, evidence: int) -> None:
        self.capacity = capacity
        self.leak = leak
        self.blackhole = blackhole
        self.evidence = evidence
        self.buckets: dict[str, Bucket] = {}
        self._blackholed: dict[str, float] = {}

    def pour(self, key: str, now: float, ref: str, value: str | None = None) -> Overflow | None:
        """Add one event (a new `value` only, when the scenario counts distinct ones)."""
        if self._blackholed:
            until = self._blackholed.get(key)
            if until is not None:
                if now < until:
                    return None
                del self._blackholed[key]
        bucket = self.buckets.get(key)
        level: float
        if bucket is None:
            bucket = self.buckets[key] = Bucket(now)
            level = 0
        else:
            level = bucket.level - (now - bucket.last) / self.leak
            if level <= 0:
                level = 0.0
                bucket.first = now
                bucket.count = 0
                bucket.distinct = None
                bucket.refs = None
            if now > bucket.last:
                bucket.last = now
        if value is not None:
            if bucket.distinct is None:
                bucket.distinct = {value}
            elif value in bucket.distinct or len(bucket.distinct) > 4 * self.capacity + 64:
                bucket.level = level
                return None
            else:
                bucket.distinct.add(value)
        bucket.level = level = level + 1
        bucket.count += 1
        if self.evidence > 1:
            refs = bucket.refs
            if refs is None:
                bucket.refs = ref
            elif isinstance(refs, str):
                bucket.refs = [refs, ref]
            elif len(refs) < self.evidence:
                refs.append(ref)
            else:
                refs[-1] = ref
        if level <= self.capacity:
            return None
        del self.buckets[key]
        self._blackholed[key] = now + self.blackhole
        held = bucket.refs
        evidence = (held,) if isinstance(held, str) else tuple(held) if held else (ref,)
        return Overflow(
            key, bucket.count, bucket.first, now, evidence, tuple(sorted(bucket.distinct or ()))
        )

    def sweep(self, now: float, keep: int | None = None) -> int:
        """Forget empty buckets and ended blackholes, then the oldest past `keep`."""
        leak = self.leak
        empty = [k for k, b in self.buckets.items() if b.level - (now - b.last) / leak <= 0]
        for key in empty:
            del self.buckets[key]
        ended = [k for k, until in self._blackholed.items() if until <= now]
        for key in ended:
            del self._blackholed[key]
        extra = len(self.buckets) - keep if keep is not None else 0
        if extra > 0:
            for key in list(self.buckets)[:extra]:
                del self.buckets[key]
        return len(empty) + max(extra, 0)

    def __len__(self) -> int:
        return len(self.buckets)
