"""The dashboard's counts: open, untriaged findings of a project by control and
severity, rewritten in the same transaction as whatever changed them (an ingest,
a triage, an expired acceptance, an SBOM re-match). The dashboard then reads a
few rows per project instead of counting every finding on each request."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from shieldwall.service.tables import Finding, ProjectCount, Triage

OPEN = ("new", "open", "reopened")
LOCK_CLASS = 0x5357  # the advisory-lock namespace of these rewrites


def refresh_counts(session: Session, project_ids: Iterable[int]) -> None:
    """Count again the projects' open, untriaged findings. On PostgreSQL a
    transaction-scoped advisory lock per project orders concurrent rewrites, so
    each one counts after the previous committed (none is lost)."""
    ids = sorted(set(project_ids))
    if not ids:
        return
    if session.get_bind().dialect.name == "postgresql":
        for project_id in ids:
            session.execute(
                text("SELECT pg_advisory_xact_lock(:c, :p)"), {"c": LOCK_CLASS, "p": project_id}
            )
    session.execute(delete(ProjectCount).where(ProjectCount.project_id.in_(ids)))
    counted = (
        select(Finding.project_id, Finding.control, Finding.severity, func.count())
        .outerjoin(
            Triage,
            (Triage.project_id == Finding.project_id) & (Triage.fingerprint == Finding.fingerprint),
        )
        .where(Finding.project_id.in_(ids), Finding.status.in_(OPEN), Triage.id.is_(None))
        .group_by(Finding.project_id, Finding.control, Finding.severity)
    )
    session.execute(
        insert(ProjectCount).from_select(["project_id", "control", "severity", "count"], counted)
    )
