"""What the decisions API keeps in memory between reads of the store: the
recent changes (by the store's change sequence), the recent expiries, and the
active decisions on networks. One reader refreshes it from the store's change
feed (`changes_after(seq)`, `expired_between(t, now)`: indexed reads of what
is new, nothing when nothing changed) at most once a `max_age`; every lookup
and every key's stream pull takes its part from it."""

from __future__ import annotations

import bisect
import ipaddress
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from shieldwall.runtime.decisions import Decision
from shieldwall.runtime.store import DecisionStore

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def network_of(value: str) -> Network | None:
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Changes:
    """A key's part of the feed: what was added and what went since its position,
    and the position to remember for its next pull."""

    new: list[Decision]
    gone: list[Decision]
    seq: int
    at: float


@dataclass(slots=True)
class _State:
    seq: int  # changes up to this seq are read
    at: float  # expiries up to this time are read
    start_seq: int  # every change after start_seq is in `changes`
    expired_from: float  # every expiry after expired_from is in `expired`
    changes: list[tuple[int, Decision]] = field(default_factory=list)
    expired: list[Decision] = field(default_factory=list)  # by `until`
    networks: dict[int, tuple[Network, Decision]] = field(default_factory=dict)


class ChangeFeed:
    """Thread-safe; reads go to `reader` (a connection of its own)."""

    KEEP_CHANGES = 50_000  # a key further behind reads the store for itself
    KEEP_SECONDS = 600.0  # expiries kept this long

    def __init__(self, reader: DecisionStore, max_age: float = 0.25) -> None:
        self._reader = reader
        self._max_age = max_age
        self._state: _State | None = None
        self._lock = threading.Lock()

    def _first(self, now: float) -> _State:
        seq = self._reader.last_seq()  # before the networks: a change in between is read twice
        state = _State(seq=seq, at=now, start_seq=seq, expired_from=now)
        self._add_networks(state, ((0, d) for d in self._reader.active_networks(now)))
        return state

    @staticmethod
    def _add_networks(state: _State, changes: Iterable[tuple[int, Decision]]) -> None:
        for _, d in changes:
            if "/" not in d.value:
                continue
            if d.deleted_at is not None:
                state.networks.pop(d.id, None)
                continue
            net = network_of(d.value)
            if net is not None:
                state.networks[d.id] = (net, d)

    def _refresh(self, state: _State, now: float) -> None:
        changes = self._reader.changes_after(state.seq)
        expired = self._reader.expired_between(state.at, now)
        state.changes.extend(changes)
        if changes:
            state.seq = changes[-1][0]
        state.expired.extend(sorted(expired, key=lambda d: d.until))
        state.at = now
        self._add_networks(state, changes)
        if len(state.changes) > self.KEEP_CHANGES:
            drop = len(state.changes) - self.KEEP_CHANGES
            state.start_seq = state.changes[drop - 1][0]
            del state.changes[:drop]
        cutoff = now - self.KEEP_SECONDS
        if state.expired and state.expired[0].until <= cutoff:
            keep = bisect.bisect_right([d.until for d in state.expired], cutoff)
            del state.expired[:keep]
            state.expired_from = max(state.expired_from, cutoff)
        for key, (_, d) in list(state.networks.items()):
            if d.until <= now:
                del state.networks[key]

    def state(self, now: float) -> _State:
        """The feed at most `max_age` old: the first read waits; later, while one
        thread reads, the others use what is there."""
        state = self._state
        if state is not None and now - state.at < self._max_age:
            return state
        if state is None:
            with self._lock:
                if self._state is None:
                    self._state = self._first(now)
                return self._state
        if self._lock.acquire(blocking=False):
            try:
                self._refresh(state, now)
            finally:
                self._lock.release()
        return state

    def networks(self, now: float) -> list[tuple[Network, Decision]]:
        """Active decisions on networks (a range, or an IPv6 client's /64)."""
        return [(n, d) for n, d in list(self.state(now).networks.values()) if d.until > now]

    def since(self, seq: int, at: float, now: float) -> Changes:
        """What was added (and is active) or deleted after `seq`, and what expired
        after `at`, with the position to remember."""
        with self._lock:  # a consistent view: no refresh in between
            state = self._state if self._state is not None else self._first(now)
            self._state = state
            if seq >= state.start_seq:
                start = bisect.bisect_right(state.changes, seq, key=lambda c: c[0])
                changes, upto = state.changes[start:], state.seq
            else:  # further behind than the feed keeps
                changes = self._reader.changes_after(seq, limit=10_000_000)
                upto = max([state.seq, *(s for s, _ in changes[-1:])])
            if at >= state.expired_from:
                start = bisect.bisect_right(state.expired, at, key=lambda d: d.until)
                expired = state.expired[start:]
            else:
                expired = self._reader.expired_between(at, state.at)
            read_at = max(state.at, at)  # a position never goes back: a pull
            # read at startup (at its own `now`) may be newer than the feed's last refresh
        new = [d for _, d in changes if d.deleted_at is None and d.until > now]
        gone = {d.id: d for _, d in changes if d.deleted_at is not None}
        for d in expired:
            gone.setdefault(d.id, d)
        return Changes(new, sorted(gone.values(), key=lambda d: d.id), upto, read_at)
