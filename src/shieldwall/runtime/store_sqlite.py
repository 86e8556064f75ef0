"""Decisions in SQLite, the single-machine store: what is active, what was
added or deleted since a time (what a bouncer pulling the decisions API needs),
escalation counts."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import orjson

from shieldwall.errors import SourceError
from shieldwall.runtime.decisions import Decision

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  value TEXT NOT NULL,
  scope TEXT NOT NULL,
  type TEXT NOT NULL,
  duration REAL NOT NULL,
  scenario TEXT NOT NULL,
  reason TEXT NOT NULL,
  origin TEXT NOT NULL,
  created_at REAL NOT NULL,
  until REAL NOT NULL,
  deleted_at REAL,
  events INTEGER NOT NULL,
  evidence TEXT NOT NULL,
  simulated INTEGER NOT NULL,
  seq INTEGER NOT NULL DEFAULT 0
);
"""
# After the table exists (and, in a file made before `seq`, once the column is added).
# A decision is found by (value, scenario, created_at) before it is added: with only
# single-column indexes SQLite may walk every decision made in the same second (a burst
# of bans), which made adding n of them at once quadratic. The key also serves lookups
# by value alone.
_INDEXES = """
DROP INDEX IF EXISTS decisions_value;
CREATE INDEX IF NOT EXISTS decisions_key ON decisions(value, scenario, created_at);
CREATE INDEX IF NOT EXISTS decisions_until ON decisions(until);
CREATE INDEX IF NOT EXISTS decisions_created ON decisions(created_at);
CREATE INDEX IF NOT EXISTS decisions_deleted ON decisions(deleted_at);
CREATE INDEX IF NOT EXISTS decisions_seq ON decisions(seq);
CREATE INDEX IF NOT EXISTS decisions_networks ON decisions(until)
  WHERE deleted_at IS NULL AND instr(value, '/') > 0;
"""
_SELECT = (
    "SELECT id, value, scope, type, duration, scenario, reason, origin, created_at, "
    "deleted_at, events, evidence, simulated FROM decisions"
)
_SELECT_SEQ = _SELECT.replace("SELECT id,", "SELECT seq, id,")


def _migrate(db: sqlite3.Connection, now: float) -> None:
    """Give a file made before the change sequence its `seq` column: each row
    its id, except deleted decisions that would still be active, which come
    after every id (a bouncer whose last pull was before learns of them once).
    Runs inside the caller's immediate transaction."""
    columns = [row[1] for row in db.execute("PRAGMA table_info(decisions)")]
    if "seq" in columns:
        return
    db.execute("ALTER TABLE decisions ADD COLUMN seq INTEGER NOT NULL DEFAULT 0")
    top = int(db.execute("SELECT COALESCE(MAX(id), 0) FROM decisions").fetchone()[0])
    db.execute(
        "UPDATE decisions SET seq = CASE WHEN deleted_at IS NOT NULL AND until > ? "
        "THEN id + ? ELSE id END",
        (now, top),
    )


_BUSY_SECONDS = 15.0


def _prepare(db: sqlite3.Connection, *, on_disk: bool) -> None:
    """WAL mode, the table, its migration and indexes, safe when several processes
    open a new file at once (a watch, a decisions API, a CLI call). Switching to WAL
    needs the file to itself and SQLite reports "locked" at once, without waiting,
    when two connections race for it; the schema is made in one immediate
    transaction, which waits its turn."""
    deadline = time.monotonic() + _BUSY_SECONDS
    while on_disk:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                break
            db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute(_SCHEMA)
        _migrate(db, time.time())
        for statement in filter(None, (part.strip() for part in _INDEXES.split(";"))):
            db.execute(statement)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _row(row: tuple[object, ...]) -> Decision:
    (id_, value, scope, type_, duration, scenario, reason, origin, created, deleted, events,
     evidence, simulated) = row  # fmt: skip
    return Decision(
        value=str(value),
        scope=str(scope),
        type=str(type_),
        duration=float(duration),  # type: ignore[arg-type]
        scenario=str(scenario),
        reason=str(reason),
        created_at=float(created),  # type: ignore[arg-type]
        events=int(events),  # type: ignore[call-overload]
        evidence=tuple(orjson.loads(str(evidence))),
        simulated=bool(simulated),
        origin=str(origin),
        id=int(id_),  # type: ignore[call-overload]
        deleted_at=None if deleted is None else float(deleted),  # type: ignore[arg-type]
    )


class SqliteDecisions:
    """One SQLite database (a file, or `:memory:` for replay). A decision is never
    removed by a delete: it gets `deleted_at`, so pullers learn of it; expired
    ones are `until` in the past."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=_BUSY_SECONDS
            )
            _prepare(self._db, on_disk=self.path != ":memory:")
        except (sqlite3.Error, OSError) as exc:
            raise SourceError(
                f"decisions database {self.path}: {exc}",
                "check the path in watch.database (or --database) and its permissions",
            ) from None

    def close(self) -> None:
        self._db.close()

    def _query(self, sql: str, args: tuple[object, ...] = ()) -> Iterator[Decision]:
        with closing(self._db.execute(sql, args)) as cursor:
            for row in cursor:
                yield _row(row)

    def add(self, decision: Decision) -> Decision:
        """Stored once: a decision with the same value, scenario and creation time
        as a stored one is that one (a worker replaying its window makes it again)."""
        with closing(
            self._db.execute(
                _SELECT + " WHERE value = ? AND scenario = ? AND created_at = ? LIMIT 1",
                (decision.value, decision.scenario, decision.created_at),
            )
        ) as found:
            row = found.fetchone()
        if row is not None:
            return _row(row)
        cursor = self._db.execute(
            "INSERT INTO decisions (value, scope, type, duration, scenario, reason, origin, "
            "created_at, until, deleted_at, events, evidence, simulated, seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, "
            "(SELECT COALESCE(MAX(seq), 0) + 1 FROM decisions))",
            (
                decision.value, decision.scope, decision.type, decision.duration,
                decision.scenario, decision.reason, decision.origin, decision.created_at,
                decision.until, decision.events, orjson.dumps(list(decision.evidence)).decode(),
                int(decision.simulated),
            ),
        )  # fmt: skip
        return replace(decision, id=int(cursor.lastrowid or 0))

    def active(self, now: float, value: str | None = None) -> list[Decision]:
        if value is not None:  # the key: SQLite would otherwise walk every active row
            return list(
                self._query(
                    _SELECT + " INDEXED BY decisions_key WHERE value = ? "
                    "AND deleted_at IS NULL AND until > ? ORDER BY id",
                    (value, now),
                )
            )
        return list(
            self._query(_SELECT + " WHERE deleted_at IS NULL AND until > ? ORDER BY id", (now,))
        )

    def all(self, limit: int = 1000) -> list[Decision]:
        return list(self._query(_SELECT + " ORDER BY id DESC LIMIT ?", (limit,)))

    def count_for(self, value: str, scenario: str | None = None) -> int:
        """Decisions ever made on a value (for escalation), deleted ones included."""
        if scenario is None:
            row = self._db.execute("SELECT COUNT(*) FROM decisions WHERE value = ?", (value,))
        else:
            row = self._db.execute(
                "SELECT COUNT(*) FROM decisions WHERE value = ? AND scenario = ?", (value, scenario)
            )
        return int(row.fetchone()[0])

    def delete(self, now: float, *, id: int | None = None, value: str | None = None) -> int:
        """Mark active decisions deleted (by id or by value); how many were."""
        if id is not None:
            cursor = self._db.execute(
                "UPDATE decisions SET deleted_at = ?, "
                "seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM decisions) "
                "WHERE id = ? AND deleted_at IS NULL",
                (now, id),
            )
        else:
            cursor = self._db.execute(
                "UPDATE decisions SET deleted_at = ?, "
                "seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM decisions) "
                "WHERE value = ? AND +deleted_at IS NULL AND until > ?",
                (now, value, now),
            )
        return cursor.rowcount

    def new_since(self, since: float, now: float) -> list[Decision]:
        """Active decisions created after `since` (a bouncer's `new` list)."""
        return list(
            self._query(
                _SELECT + " WHERE created_at > ? AND +deleted_at IS NULL AND until > ? ORDER BY id",
                (since, now),
            )
        )

    def gone_since(self, since: float, now: float) -> list[Decision]:
        """Decisions deleted or expired after `since` (a bouncer's `deleted` list)."""
        return list(
            self._query(
                _SELECT + " WHERE (deleted_at > ?) "
                "OR (+deleted_at IS NULL AND until > ? AND until <= ?) ORDER BY id",
                (since, since, now),
            )
        )

    def active_networks(self, now: float) -> list[Decision]:
        """Active decisions on a network (a range, or an IPv6 client's /64), read
        through a partial index that holds only those."""
        return list(
            self._query(
                _SELECT + " INDEXED BY decisions_networks WHERE deleted_at IS NULL "
                "AND instr(value, '/') > 0 AND until > ? ORDER BY id",
                (now,),
            )
        )

    def last_seq(self) -> int:
        """The store's change sequence now: every add and delete takes the next one."""
        return int(self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM decisions").fetchone()[0])

    def changes_after(self, seq: int, limit: int = 100_000) -> list[tuple[int, Decision]]:
        """(seq, decision) for what was added or deleted after `seq`, in order."""
        with closing(
            self._db.execute(_SELECT_SEQ + " WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit))
        ) as cursor:
            return [(int(row[0]), _row(row[1:])) for row in cursor]

    def expired_between(self, since: float, now: float) -> list[Decision]:
        """Decisions not deleted whose time ran out in (since, now]."""
        return list(
            self._query(
                _SELECT + " WHERE until > ? AND until <= ? AND +deleted_at IS NULL ORDER BY id",
                (since, now),
            )
        )
