"""Decision stores of each kind for tests: an SQLite file, and a new PostgreSQL
database on 127.0.0.1:5432 (skipped, saying so, when none is reachable)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _pg_admin() -> Any:
    psycopg = pytest.importorskip("psycopg")
    try:
        return psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable on 127.0.0.1:5432: {exc}")


def new_pg_database() -> str:
    name = f"sw_scaleout_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_pg_database(name: str) -> None:
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a new, empty decisions store of each kind lives."""
    if request.param == "sqlite":
        yield str(tmp_path / "decisions.db")
        return
    name = new_pg_database()
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    drop_pg_database(name)
