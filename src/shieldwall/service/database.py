"""Opening the service's database and bringing its schema up to date.

An SQLite file by default (one command starts the service), PostgreSQL for
teams: `postgresql://user@host/db` (psycopg 3). Migrations ship in the package."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from shieldwall.service.errors import ServiceError

MIGRATIONS = Path(__file__).parent / "migrations"
POOL_SIZE, POOL_OVERFLOW = 10, 10
POOL_CONNECTIONS = POOL_SIZE + POOL_OVERFLOW  # per process


def default_url() -> str:
    """`$SHIELDWALL_DATABASE`, else an SQLite file under the user's data directory."""
    env = os.environ.get("SHIELDWALL_DATABASE")
    if env:
        return env
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'shieldwall' / 'serve.db'}"


def normalize(url: str) -> str:
    """A plain postgresql:// URL means psycopg 3; a bare path means an SQLite file."""
    if "://" not in url:
        return f"sqlite:///{url}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def open_engine(url: str) -> Engine:
    try:
        parsed = make_url(normalize(url))
    except ArgumentError:
        raise ServiceError(
            f"database URL {url!r} is not valid",
            "give an SQLite file path or postgresql://user@host:5432/name",
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise ServiceError(
            f"database {parsed.get_backend_name()!r} is not supported",
            "use an SQLite file or PostgreSQL",
        )
    # Requests beyond the pool wait for a connection (up to pool_timeout) rather than fail.
    return create_engine(
        parsed,
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        pool_timeout=300,
        pool_pre_ping=True,
    )


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to `revision` (from empty, or from any earlier revision)."""
    from alembic import command

    try:
        command.upgrade(alembic_config(engine), revision)
    except OperationalError as exc:
        raise ServiceError(
            f"cannot reach or upgrade the database: {exc.orig}",
            "check the database URL and that the server is running",
        ) from None


def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def database_session(url: str | None) -> Iterator[Session]:
    """One session on the database at `url` (default: `default_url()`), its schema
    brought up to date first: what a one-off command (`serve token create`) needs."""
    engine = open_engine(url or default_url())
    try:
        migrate(engine)
        with sessions(engine)() as session:
            yield session
    finally:
        engine.dispose()
