"""The decisions store: what is active, what was added or deleted since a time
(what a bouncer pulling the decisions API needs), escalation counts.

One interface, two backends chosen by `watch.database` (or `--database`): a
path (or `sqlite:///PATH`, or `:memory:`) is an SQLite file, the single-machine
default; `postgresql://USER@HOST:PORT/NAME` is PostgreSQL, shared by the
workers of a cluster and every decisions API replica."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from shieldwall.runtime.decisions import Decision
from shieldwall.runtime.store_sqlite import SqliteDecisions

SQL_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


class Backend(Protocol):
    def close(self) -> None: ...
    def add(self, decision: Decision) -> Decision: ...
    def active(self, now: float, value: str | None = None) -> list[Decision]: ...
    def all(self, limit: int = 1000) -> list[Decision]: ...
    def count_for(self, value: str, scenario: str | None = None) -> int: ...
    def delete(self, now: float, *, id: int | None = None, value: str | None = None) -> int: ...
    def new_since(self, since: float, now: float) -> list[Decision]: ...
    def gone_since(self, since: float, now: float) -> list[Decision]: ...
    def active_networks(self, now: float) -> list[Decision]: ...
    def last_seq(self) -> int: ...
    def changes_after(self, seq: int, limit: int = 100_000) -> list[tuple[int, Decision]]: ...
    def expired_between(self, since: float, now: float) -> list[Decision]: ...


def is_shared(location: str) -> bool:
    """A database several machines can share (PostgreSQL), not an SQLite file."""
    return location.startswith(SQL_SCHEMES)


def open_backend(location: str) -> Backend:
    if is_shared(location):
        from shieldwall.runtime.store_sql import SqlDecisions

        return SqlDecisions(location)
    if location.startswith("sqlite:///"):
        location = location[len("sqlite:///") :] or ":memory:"
    return SqliteDecisions(location)


class DecisionStore:
    """A decision is never removed by a delete: it gets `deleted_at`, so pullers
    learn of it; expired ones are `until` in the past. Every add and every delete
    takes the next number of the store's change sequence (`seq`, in commit
    order), so a puller asks for what changed after the last number it saw. Adding a decision whose
    value, scenario and creation time are those of a stored one returns the
    stored one (a worker replaying its window after a restart adds nothing)."""

    def __init__(self, location: str | Path = ":memory:") -> None:
        self.path = str(location)
        self.shared = is_shared(self.path)
        self._backend = open_backend(self.path)

    def close(self) -> None:
        self._backend.close()

    def add(self, decision: Decision) -> Decision:
        return self._backend.add(decision)

    def active(self, now: float, value: str | None = None) -> list[Decision]:
        return self._backend.active(now, value)

    def all(self, limit: int = 1000) -> list[Decision]:
        return self._backend.all(limit)

    def count_for(self, value: str, scenario: str | None = None) -> int:
        """Decisions ever made on a value (for escalation), deleted ones included."""
        return self._backend.count_for(value, scenario)

    def delete(self, now: float, *, id: int | None = None, value: str | None = None) -> int:
        """Mark active decisions deleted (by id or by value); how many were."""
        return self._backend.delete(now, id=id, value=value)

    def new_since(self, since: float, now: float) -> list[Decision]:
        """Active decisions created after `since` (a bouncer's `new` list)."""
        return self._backend.new_since(since, now)

    def gone_since(self, since: float, now: float) -> list[Decision]:
        """Decisions deleted or expired after `since` (a bouncer's `deleted` list)."""
        return self._backend.gone_since(since, now)

    def active_networks(self, now: float) -> list[Decision]:
        """Active decisions on a network (a range, or an IPv6 client's /64)."""
        return self._backend.active_networks(now)

    def last_seq(self) -> int:
        """The change sequence now (0 for an empty store)."""
        return self._backend.last_seq()

    def changes_after(self, seq: int, limit: int = 100_000) -> list[tuple[int, Decision]]:
        """(seq, decision) added or deleted after `seq`, oldest first, at most `limit`:
        a decision with `deleted_at` was deleted, one without was added."""
        return self._backend.changes_after(seq, limit)

    def expired_between(self, since: float, now: float) -> list[Decision]:
        """Decisions not deleted whose time ran out after `since`, by `now`."""
        return self._backend.expired_between(since, now)
