"""API keys of the decisions API, in the decisions database (SQLAlchemy Core, so
the same code runs on the SQLite file and on PostgreSQL).

A key is shown once when it is made and stored only as its SHA-256 (a key is
256 random bits: a fast hash loses nothing to guessing). A `bouncer` key reads
decisions; an `admin` key also adds and deletes them. Each key remembers, for
the stream, when it last pulled and the store's change sequence number it was
given up to (column `last_id`)."""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from shieldwall.errors import SourceError, UsageError

ROLES = ("bouncer", "admin")
KEY_PREFIX = "swk_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")

_META = MetaData()
_KEYS = Table(
    "bouncer_keys",
    _META,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("key_sha256", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("last_pull", Float, nullable=True),
    Column("last_id", Integer, nullable=False, default=0),
    Column("last_address", String(64), nullable=False, default=""),
    Column("user_agent", String(256), nullable=False, default=""),
)


@dataclass(frozen=True, slots=True)
class Bouncer:
    id: int
    name: str
    role: str
    created_at: float
    last_pull: float | None
    last_id: int
    last_address: str
    user_agent: str

    @property
    def admin(self) -> bool:
        return self.role == "admin"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def database_url(database: str | Path) -> str:
    """A SQLAlchemy URL for the decisions database: a URL as given, a path as SQLite."""
    text = str(database)
    if "://" in text:
        return text
    if text == ":memory:":
        return "sqlite://"
    return f"sqlite:///{Path(text).resolve()}"


def _engine(url: str) -> Engine:
    if url == "sqlite://":  # one in-memory database for every thread (tests)
        return create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    if url.startswith("sqlite"):
        return create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    return create_engine(url, pool_pre_ping=True)


def _bouncer(row: object) -> Bouncer:
    m = row._mapping  # type: ignore[attr-defined]
    return Bouncer(
        id=int(m["id"]),
        name=str(m["name"]),
        role=str(m["role"]),
        created_at=float(m["created_at"]),
        last_pull=None if m["last_pull"] is None else float(m["last_pull"]),
        last_id=int(m["last_id"] or 0),
        last_address=str(m["last_address"] or ""),
        user_agent=str(m["user_agent"] or ""),
    )


class BouncerKeys:
    """The keys table of one decisions database (a file path or a database URL)."""

    CACHE_SECONDS = 1.0  # a deleted key is refused within this time
    WRITE_SECONDS = 1.0  # a key's pulls are written at most this often

    def __init__(self, database: str | Path = ":memory:", cache_seconds: float = CACHE_SECONDS):
        self.url = database_url(database)
        self._cache: dict[str, tuple[float, Bouncer]] = {}
        self._cache_seconds = cache_seconds
        try:
            if self.url.startswith("sqlite:///"):
                Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            self._engine = _engine(self.url)
            _META.create_all(self._engine)
        except (SQLAlchemyError, OSError) as exc:
            raise SourceError(
                f"decisions database {database}: {type(exc).__name__}: {exc}".splitlines()[0],
                "check the path in watch.database (or --database) and its permissions",
            ) from None
        self._lock = threading.Lock()
        self._pending: dict[int, dict[str, object]] = {}
        self._written: dict[int, float] = {}

    def close(self) -> None:
        self.flush()
        self._engine.dispose()

    def add(self, name: str, role: str = "bouncer", now: float | None = None) -> str:
        """Make a key for NAME and return it: the only time it is seen."""
        if not _NAME.match(name):
            raise UsageError(
                f"bouncer name {name!r}: letters, digits and ._@- only, at most 64",
                "for example firewall-gw1",
            )
        if role not in ROLES:
            raise UsageError(f"role {role!r}", f"one of {', '.join(ROLES)}")
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        row = {
            "name": name,
            "key_sha256": _digest(key),
            "role": role,
            "created_at": time.time() if now is None else now,
            "last_pull": None,
            "last_id": 0,
            "last_address": "",
            "user_agent": "",
        }
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(_KEYS).values(**row))
        except IntegrityError:
            raise UsageError(
                f"a bouncer named {name!r} exists already",
                f"pick another name, or `shieldwall bouncers delete {name}` first",
            ) from None
        return key

    def list(self) -> list[Bouncer]:
        self.flush()
        with self._engine.connect() as conn:
            return [_bouncer(r) for r in conn.execute(select(_KEYS).order_by(_KEYS.c.id))]

    def delete(self, name: str) -> bool:
        self._cache.clear()
        with self._engine.begin() as conn:
            return bool(conn.execute(delete(_KEYS).where(_KEYS.c.name == name)).rowcount)

    def find(self, key: str | None, fresh: bool = False) -> Bouncer | None:
        """The bouncer holding `key`, or None (no key, unknown or deleted). A known
        key is remembered for `cache_seconds` unless `fresh` (the stream needs its
        last pull as it is now)."""
        if not key:
            return None
        digest = _digest(key)
        now = time.monotonic()
        cached = self._cache.get(digest)
        if cached is not None and not fresh and now - cached[0] < self._cache_seconds:
            return cached[1]
        with self._engine.connect() as conn:
            row = conn.execute(select(_KEYS).where(_KEYS.c.key_sha256 == digest)).first()
        if row is None:
            self._cache.pop(digest, None)
            return None
        found = _bouncer(row)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[digest] = (now, found)
        return found

    def pulled(
        self, bouncer: Bouncer, now: float, last_id: int, address: str, user_agent: str
    ) -> None:
        """Remember a stream pull: when, the store's change seq given up to (kept
        in `last_id`), from where. Written at most once a `WRITE_SECONDS` per key
        (the latest pull is kept until then, and written by `flush` or `close`):
        a stream poll costs no database write. A pull not yet written makes the
        next process resend what it gave, never miss it."""
        values = {
            "last_pull": now,
            "last_id": last_id,
            "last_address": address[:64],
            "user_agent": user_agent[:256],
        }
        clock = time.monotonic()
        with self._lock:
            self._pending[bouncer.id] = values
            if clock - self._written.get(bouncer.id, float("-inf")) < self.WRITE_SECONDS:
                return
            self._written[bouncer.id] = clock
        self._write(bouncer.id)

    def _write(self, key_id: int) -> None:
        with self._lock:
            values = self._pending.pop(key_id, None)
        if values is None:
            return
        with self._engine.begin() as conn:
            conn.execute(update(_KEYS).where(_KEYS.c.id == key_id).values(**values))

    def flush(self) -> None:
        """Write the pulls not yet written."""
        for key_id in list(self._pending):
            self._write(key_id)
