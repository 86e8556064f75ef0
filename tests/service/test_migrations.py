"""Migrations: from an empty database and from the previous revision, on SQLite and
PostgreSQL; the tables the code declares are the ones the migrations make."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from shieldwall.service.database import migrate, open_engine
from shieldwall.service.tables import Base

TABLES = {
    "projects",
    "scans",
    "findings",
    "finding_events",
    "triage",
    "tokens",
    "audit_log",
    "jobs",
    "components",
    "members",
}


def _revision(engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_upgrade_from_empty_makes_every_table_at_head(empty_database: str) -> None:
    engine = open_engine(empty_database)
    migrate(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert _revision(engine) == "0004"
    migrate(engine)  # again: nothing to do, nothing breaks
    assert _revision(engine) == "0004"
    engine.dispose()


@pytest.mark.parametrize("previous", ["0001", "0002", "0003"])
def test_upgrade_from_previous_revision_keeps_the_data(empty_database: str, previous: str) -> None:
    engine = open_engine(empty_database)
    migrate(engine, previous)
    indexes = {i["name"] for i in inspect(engine).get_indexes("findings")}
    assert "ix_findings_dashboard" not in indexes
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO projects (name, created_at) VALUES ('kept', CURRENT_TIMESTAMP)")
        )
    migrate(engine)
    assert _revision(engine) == "0004"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM projects")).scalar_one() == "kept"
    assert {"components", "members"} <= set(inspect(engine).get_table_names())
    assert "ix_findings_dashboard" in {i["name"] for i in inspect(engine).get_indexes("findings")}
    engine.dispose()


def test_declared_tables_match_the_migrations(empty_database: str) -> None:
    engine = open_engine(empty_database)
    migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    engine.dispose()


def test_audit_log_refuses_update_and_delete(empty_database: str) -> None:
    engine = open_engine(empty_database)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (actor, action, detail, at) "
                "VALUES ('a', 'triage.set', '{}', CURRENT_TIMESTAMP)"
            )
        )
    for statement in ("UPDATE audit_log SET actor = 'b'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT actor FROM audit_log")).scalar_one() == "a"
    engine.dispose()
