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

HEAD = "0005"
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
    "project_counts",
}


def _revision(engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_upgrade_from_empty_makes_every_table_at_head(empty_database: str) -> None:
    engine = open_engine(empty_database)
    migrate(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert _revision(engine) == HEAD
    migrate(engine)  # again: nothing to do, nothing breaks
    assert _revision(engine) == HEAD
    engine.dispose()


@pytest.mark.parametrize("previous", ["0001", "0002", "0003", "0004"])
def test_upgrade_from_previous_revision_keeps_the_data(empty_database: str, previous: str) -> None:
    engine = open_engine(empty_database)
    migrate(engine, previous)
    assert "project_counts" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO projects (name, created_at) VALUES ('kept', CURRENT_TIMESTAMP)")
        )
    migrate(engine)
    assert _revision(engine) == HEAD
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM projects")).scalar_one() == "kept"
    assert {"components", "members"} <= set(inspect(engine).get_table_names())
    assert "ix_findings_dashboard" in {i["name"] for i in inspect(engine).get_indexes("findings")}
    engine.dispose()


def test_upgrade_to_0005_counts_the_findings_already_stored(empty_database: str) -> None:
    engine = open_engine(empty_database)
    migrate(engine, "0004")
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO projects (name, created_at) VALUES ('p', CURRENT_TIMESTAMP)")
        )
        for n, status in enumerate(["new", "open", "fixed", "reopened", "open"]):
            conn.execute(
                text(
                    "INSERT INTO findings (project_id, branch, tool, fingerprint, rule, control, "
                    "severity, status, data, first_seen, last_seen, first_scan_id, last_scan_id) "
                    "VALUES (1, 'main', 't', :fp, 'R', 'secrets', 'high', :status, '{}', "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, 1)"
                ),
                {"fp": f"fp{n}", "status": status},
            )
        conn.execute(
            text(
                "INSERT INTO triage (project_id, fingerprint, decision, reason, owner, by, at) "
                "VALUES (1, 'fp4', 'false-positive', 'r', '', 'x', CURRENT_TIMESTAMP)"
            )
        )
    migrate(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT control, severity, count FROM project_counts")).all()
    assert [tuple(r) for r in rows] == [("secrets", "high", 3)]  # fixed and triaged left out
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
