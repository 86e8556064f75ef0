"""Decisions in PostgreSQL (SQLAlchemy Core, psycopg 3): the store that several
`watch` workers write and every decisions API replica reads. The same table and
the same answers as the SQLite store; a decision's value, scenario and creation
time are its key, so a worker that replays its window stores nothing twice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import orjson
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    Double,
    Index,
    Integer,
    MetaData,
    Select,
    Table,
    Text,
    and_,
    create_engine,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from shieldwall.errors import SourceError
from shieldwall.runtime.decisions import Decision

_META = MetaData()
DECISIONS = Table(
    "shieldwall_decisions",
    _META,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("value", Text, nullable=False),
    Column("scope", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("duration", Double, nullable=False),
    Column("scenario", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("origin", Text, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("until", Double, nullable=False),
    Column("deleted_at", Double, nullable=True),
    Column("events", Integer, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("simulated", Boolean, nullable=False),
    Column("seq", BigInteger, nullable=False, server_default="0"),
    Index("shieldwall_decisions_key", "value", "scenario", "created_at", unique=True),
    Index("shieldwall_decisions_until", "until"),
    Index("shieldwall_decisions_created", "created_at"),
    Index("shieldwall_decisions_deleted", "deleted_at"),
    Index("shieldwall_decisions_seq", "seq"),
    Index(  # what `active_networks` reads: decisions on networks only
        "shieldwall_decisions_networks",
        "until",
        postgresql_where=text("deleted_at IS NULL AND strpos(value, '/') > 0"),
    ),
)
_C = DECISIONS.c
_SCHEMA_LOCK = 0x5357_4443  # an advisory lock id held while the table is made
_SEQ_LOCK = 0x5357_5351  # held from taking the next seq to commit: seqs commit in order
# A table made before the change sequence gets it in place (see store_sqlite._migrate).
_MIGRATE = (
    "ALTER TABLE shieldwall_decisions ADD COLUMN IF NOT EXISTS seq BIGINT NOT NULL DEFAULT 0",
    "UPDATE shieldwall_decisions SET seq = CASE WHEN deleted_at IS NOT NULL AND until > "
    "extract(epoch FROM now()) THEN id + (SELECT COALESCE(MAX(id), 0) FROM shieldwall_decisions)"
    " ELSE id END",
)
_HAS_SEQ = (
    "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() "
    "AND table_name = 'shieldwall_decisions' AND column_name = 'seq'"
)
_NEXT_SEQ = "(SELECT COALESCE(MAX(seq), 0) + 1 FROM shieldwall_decisions)"
_HINT = "check watch.database (or --database): postgresql://USER@HOST:5432/NAME, and that it runs"


def sql_url(url: str) -> str:
    """`postgresql://` and `postgres://` mean psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _decision(row: Any) -> Decision:
    return Decision(
        value=row.value,
        scope=row.scope,
        type=row.type,
        duration=float(row.duration),
        scenario=row.scenario,
        reason=row.reason,
        created_at=float(row.created_at),
        events=int(row.events),
        evidence=tuple(orjson.loads(row.evidence)),
        simulated=bool(row.simulated),
        origin=row.origin,
        id=int(row.id),
        deleted_at=None if row.deleted_at is None else float(row.deleted_at),
    )


class SqlDecisions:
    def __init__(self, url: str) -> None:
        self.url = url
        try:
            parsed = make_url(sql_url(url))
        except ArgumentError:
            raise SourceError(f"decisions database URL {url!r} is not valid", _HINT) from None
        if parsed.get_backend_name() != "postgresql":
            raise SourceError(
                f"decisions database {parsed.get_backend_name()!r} is not supported",
                "use an SQLite file path or postgresql://USER@HOST:5432/NAME",
            )
        try:
            self._engine = create_engine(parsed, pool_pre_ping=True, pool_size=2)
            with self._engine.begin() as conn:  # workers starting at once make it once
                conn.execute(select(func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
                _META.create_all(conn)
                columns = conn.execute(text(_HAS_SEQ)).scalar()
                for statement in _MIGRATE if not columns else ():
                    conn.execute(text(statement))
                for index in DECISIONS.indexes:  # those of a table made before them
                    index.create(conn, checkfirst=True)
        except SQLAlchemyError as exc:
            raise SourceError(
                f"decisions database {parsed.render_as_string(hide_password=True)}: "
                f"{str(exc).splitlines()[0]}",
                _HINT,
            ) from None

    def close(self) -> None:
        self._engine.dispose()

    def _all(self, query: Select[Any]) -> list[Decision]:
        with self._engine.connect() as conn:
            return [_decision(row) for row in conn.execute(query)]

    def add(self, decision: Decision) -> Decision:
        values = {
            "value": decision.value, "scope": decision.scope, "type": decision.type,
            "duration": decision.duration, "scenario": decision.scenario,
            "reason": decision.reason, "origin": decision.origin,
            "created_at": decision.created_at, "until": decision.until, "deleted_at": None,
            "events": decision.events, "evidence": orjson.dumps(list(decision.evidence)).decode(),
            "simulated": decision.simulated, "seq": text(_NEXT_SEQ),
        }  # fmt: skip
        statement = (
            insert(DECISIONS)
            .values(values)
            .on_conflict_do_nothing(index_elements=["value", "scenario", "created_at"])
            .returning(_C.id)
        )
        with self._engine.begin() as conn:
            conn.execute(select(func.pg_advisory_xact_lock(_SEQ_LOCK)))
            made = conn.execute(statement).scalar()
            if made is not None:
                return replace(decision, id=int(made))
            row = conn.execute(
                select(DECISIONS).where(
                    _C.value == decision.value,
                    _C.scenario == decision.scenario,
                    _C.created_at == decision.created_at,
                )
            ).one()
        return _decision(row)

    @staticmethod
    def _live(now: float) -> ColumnElement[bool]:
        return and_(_C.deleted_at.is_(None), _C.until > now)

    def active(self, now: float, value: str | None = None) -> list[Decision]:
        where: Sequence[ColumnElement[bool]] = (self._live(now),)
        if value is not None:
            where = (*where, _C.value == value)
        return self._all(select(DECISIONS).where(*where).order_by(_C.id))

    def all(self, limit: int = 1000) -> list[Decision]:
        return self._all(select(DECISIONS).order_by(_C.id.desc()).limit(limit))

    def count_for(self, value: str, scenario: str | None = None) -> int:
        query = select(func.count()).select_from(DECISIONS).where(_C.value == value)
        if scenario is not None:
            query = query.where(_C.scenario == scenario)
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def delete(self, now: float, *, id: int | None = None, value: str | None = None) -> int:
        if id is not None:
            where = and_(_C.id == id, _C.deleted_at.is_(None))
        else:
            where = and_(_C.value == value, self._live(now))
        with self._engine.begin() as conn:
            conn.execute(select(func.pg_advisory_xact_lock(_SEQ_LOCK)))
            changed = update(DECISIONS).where(where).values(deleted_at=now, seq=text(_NEXT_SEQ))
            return conn.execute(changed).rowcount

    def new_since(self, since: float, now: float) -> list[Decision]:
        query = select(DECISIONS).where(_C.created_at > since, self._live(now))
        return self._all(query.order_by(_C.id))

    def gone_since(self, since: float, now: float) -> list[Decision]:
        expired = and_(_C.deleted_at.is_(None), _C.until > since, _C.until <= now)
        query = select(DECISIONS).where(or_(_C.deleted_at > since, expired))
        return self._all(query.order_by(_C.id))

    def active_networks(self, now: float) -> list[Decision]:
        """Through the partial index that holds only decisions on networks."""
        networks = and_(_C.deleted_at.is_(None), func.strpos(_C.value, "/") > 0)
        return self._all(select(DECISIONS).where(networks, _C.until > now).order_by(_C.id))

    def last_seq(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(select(func.coalesce(func.max(_C.seq), 0))).scalar() or 0)

    def changes_after(self, seq: int, limit: int = 100_000) -> list[tuple[int, Decision]]:
        query = select(DECISIONS).where(_C.seq > seq).order_by(_C.seq).limit(limit)
        with self._engine.connect() as conn:
            return [(int(row.seq), _decision(row)) for row in conn.execute(query)]

    def expired_between(self, since: float, now: float) -> list[Decision]:
        expired = and_(_C.deleted_at.is_(None), _C.until > since, _C.until <= now)
        return self._all(select(DECISIONS).where(expired).order_by(_C.id))
