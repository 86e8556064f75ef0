"""The service's tables (SQLAlchemy 2). The schema changes only by an Alembic
migration in `migrations/versions/`; a test checks the two agree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Scan(Base):
    """One upload: a shieldwall report, a SARIF log or an SBOM. (project, commit,
    tool) is unique, so uploading the same scan again changes nothing."""

    __tablename__ = "scans"
    __table_args__ = (UniqueConstraint("project_id", "commit", "tool", name="uq_scan_identity"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    branch: Mapped[str] = mapped_column(String(200))
    commit: Mapped[str] = mapped_column(String(200))
    tool: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # shieldwall | sarif | cyclonedx
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued|done|failed
    error: Mapped[str] = mapped_column(Text, default="")
    full: Mapped[bool] = mapped_column(Boolean, default=True)  # absent findings are fixed
    findings: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    service_map: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    processed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class Finding(Base):
    """A finding of one project and branch, the same across scans by fingerprint."""

    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("project_id", "branch", "tool", "fingerprint", name="uq_finding"),
        Index("ix_findings_project_status", "project_id", "status"),
        Index("ix_findings_dashboard", "project_id", "status", "control", "severity"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    branch: Mapped[str] = mapped_column(String(200))
    tool: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(200))
    rule: Mapped[str] = mapped_column(String(300))
    control: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))  # new | open | fixed | reopened
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # the report's finding object
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime)
    first_scan_id: Mapped[int] = mapped_column(Integer)
    last_scan_id: Mapped[int] = mapped_column(Integer)


class FindingEvent(Base):
    """A finding's history: each change of status, and each triage."""

    __tablename__ = "finding_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), index=True
    )
    scan_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(40))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Triage(Base):
    """A decision on a fingerprint of a project, for every branch: false-positive,
    accepted-risk (reason, owner and expiry required) or fixed."""

    __tablename__ = "triage"
    __table_args__ = (UniqueConstraint("project_id", "fingerprint", name="uq_triage"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(200))
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    expires: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    by: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Token(Base):
    """An API token: only its SHA-256 is kept; `grants` name projects and roles."""

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    grants: Mapped[dict[str, Any]] = mapped_column(JSON)  # {project name: role}
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class AuditEntry(Base):
    """Append-only: triage and permission changes. Nothing updates or deletes a row."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Job(Base):
    """Long work (processing an upload, re-matching SBOMs) on a queue in the database:
    any replica's worker takes a job (SKIP LOCKED on PostgreSQL), retried on failure."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state", "state", "run_after"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    scan_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    payload: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    state: Mapped[str] = mapped_column(String(10), default="queued")  # queued|running|done|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    run_after: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Revision 5: the lease of a running job; past it, the worker is taken for dead.
    locked_by: Mapped[str] = mapped_column(String(64), default="")
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class ProjectCount(Base):
    """Revision 5: open, untriaged findings of a project by control and severity,
    rewritten whenever its findings or triage change: what the dashboard reads."""

    __tablename__ = "project_counts"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    control: Mapped[str] = mapped_column(String(40), primary_key=True)
    severity: Mapped[str] = mapped_column(String(10), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class Component(Base):
    """A component of an uploaded SBOM (revision 2): what SBOM monitoring matches."""

    __tablename__ = "components"
    __table_args__ = (Index("ix_components_name", "name", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    version: Mapped[str] = mapped_column(String(100))
    ecosystem: Mapped[str] = mapped_column(String(40))
    purl: Mapped[str] = mapped_column(String(500))
    service: Mapped[str] = mapped_column(String(300), default="")


class Member(Base):
    """A person (by the e-mail their identity provider vouches for) and a role on a project."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("project_id", "email", name="uq_member"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320), index=True)
    role: Mapped[str] = mapped_column(String(10))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
