"""Reading the service's state: findings with their effective status and triage,
scans, trends, the dashboard, SBOM components."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from shieldwall.service.access import audit
from shieldwall.service.counts import OPEN, refresh_counts
from shieldwall.service.tables import (
    Component,
    Finding,
    FindingEvent,
    Project,
    ProjectCount,
    Scan,
    Triage,
    utcnow,
)
from shieldwall.service.triage import live, triage_dict


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def expire_acceptances(session: Session, project: Project, today: dt.date) -> int:
    """Accepted risks past their expiry stop holding: the decision is removed (the
    audit log keeps it) and the findings it covered read `reopened`."""
    expired = list(
        session.scalars(
            select(Triage).where(
                Triage.project_id == project.id,
                Triage.decision == "accepted-risk",
                Triage.expires < today,
            )
        )
    )
    now = utcnow()
    for row in expired:
        ids = list(
            session.scalars(
                select(Finding.id).where(
                    Finding.project_id == project.id,
                    Finding.fingerprint == row.fingerprint,
                    Finding.status != "fixed",
                )
            )
        )
        if ids:
            session.execute(update(Finding).where(Finding.id.in_(ids)).values(status="reopened"))
            session.execute(
                insert(FindingEvent),
                [
                    {"finding_id": i, "status": "reopened:acceptance-expired", "at": now}
                    for i in ids
                ],
            )
        audit(
            session,
            project.name,
            "system",
            "triage.expired",
            {"fingerprint": row.fingerprint, "expires": row.expires.isoformat()}
            if row.expires
            else {"fingerprint": row.fingerprint},
        )
        session.delete(row)
    if expired:
        refresh_counts(session, [project.id])
        session.commit()
    return len(expired)


def finding_dict(f: Finding, triage: Triage | None, today: dt.date) -> dict[str, Any]:
    return {
        **f.data,
        "id": f.id,
        "branch": f.branch,
        "tool": f.tool,
        "status": f.status,
        "first_seen": iso(f.first_seen),
        "last_seen": iso(f.last_seen),
        "triage": triage_dict(triage, today),
        "suppressed_by_triage": live(triage, today),
    }


def list_findings(
    session: Session,
    project: Project,
    today: dt.date,
    status: Sequence[str] = (),
    severity: Sequence[str] = (),
    control: Sequence[str] = (),
    branch: str | None = None,
    tool: str | None = None,
    rule: str | None = None,
    triaged: bool | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> list[dict[str, Any]]:
    q = select(Finding, Triage).outerjoin(
        Triage,
        (Triage.project_id == Finding.project_id) & (Triage.fingerprint == Finding.fingerprint),
    )
    q = q.where(Finding.project_id == project.id)
    wanted = set(status)
    if "open" in wanted:  # "open" asks for everything not fixed
        wanted.update(OPEN)
    if wanted:
        q = q.where(Finding.status.in_(wanted))
    if severity:
        q = q.where(Finding.severity.in_(severity))
    if control:
        q = q.where(Finding.control.in_(control))
    if branch is not None:
        q = q.where(Finding.branch == branch)
    if tool is not None:
        q = q.where(Finding.tool == tool)
    if rule is not None:
        q = q.where(Finding.rule == rule)
    if triaged is True:
        q = q.where(Triage.id.is_not(None))
    elif triaged is False:
        q = q.where(Triage.id.is_(None))
    q = q.order_by(Finding.id).limit(limit).offset(offset)
    return [finding_dict(f, t, today) for f, t in session.execute(q).all()]


def finding_detail(
    session: Session, project: Project, finding_id: int, today: dt.date
) -> dict[str, Any] | None:
    f = session.get(Finding, finding_id)
    if f is None or f.project_id != project.id:
        return None
    triage = session.scalar(
        select(Triage).where(Triage.project_id == project.id, Triage.fingerprint == f.fingerprint)
    )
    events = session.scalars(
        select(FindingEvent).where(FindingEvent.finding_id == f.id).order_by(FindingEvent.id)
    )
    return {
        **finding_dict(f, triage, today),
        "history": [{"status": e.status, "scan": e.scan_id, "at": iso(e.at)} for e in events],
    }


def scan_dict(scan: Scan, project: str) -> dict[str, Any]:
    return {
        "id": scan.id,
        "project": project,
        "branch": scan.branch,
        "commit": scan.commit,
        "tool": scan.tool,
        "kind": scan.kind,
        "status": scan.status,
        "error": scan.error,
        "full": scan.full,
        "findings": scan.findings,
        "summary": scan.summary,
        "received_at": iso(scan.received_at),
        "processed_at": iso(scan.processed_at),
    }


def list_scans(session: Session, project: Project, limit: int, offset: int) -> list[Scan]:
    return list(
        session.scalars(
            select(Scan)
            .where(Scan.project_id == project.id)
            .order_by(Scan.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def trends(session: Session, project: Project) -> list[dict[str, Any]]:
    """Per processed scan, in order: active findings by control and severity."""
    rows = session.scalars(
        select(Scan)
        .where(
            Scan.project_id == project.id,
            Scan.status == "done",
            Scan.kind.in_(["shieldwall", "sarif"]),
        )
        .order_by(Scan.id)
    )
    return [
        {
            "scan": s.id,
            "branch": s.branch,
            "tool": s.tool,
            "at": iso(s.received_at),
            "by_control": s.summary.get("by_control", {}),
            "by_severity": s.summary.get("by_severity", {}),
        }
        for s in rows
    ]


def dashboard(session: Session, names: Sequence[str]) -> dict[str, Any]:
    """Open, untriaged findings by control and severity, per project and in all
    (from the counts kept at each change: a few rows per project)."""
    rows = session.execute(
        select(Project.name, ProjectCount.control, ProjectCount.severity, ProjectCount.count)
        .join(ProjectCount, ProjectCount.project_id == Project.id)
        .where(Project.name.in_(names))
    ).all()
    projects: dict[str, dict[str, dict[str, int]]] = {n: {} for n in names}
    controls: dict[str, dict[str, int]] = {}
    for name, control, severity, count in rows:
        projects[name].setdefault(control, {})[severity] = count
        by = controls.setdefault(control, {})
        by[severity] = by.get(severity, 0) + count
    return {"controls": controls, "projects": projects}


TREND_DAYS = 30


def control_trend(
    session: Session, names: Sequence[str], today: dt.date, days: int = TREND_DAYS
) -> list[dict[str, Any]]:
    """Per day of the last `days` (oldest first): the findings, by control, that
    the latest full scan of each project, branch and tool up to that day reported
    (suppressed ones left out; server-side triage is not subtracted)."""
    start = today - dt.timedelta(days=days - 1)
    start_at = dt.datetime.combine(start, dt.time())
    scans = (Scan.status == "done", Scan.full.is_(True), Scan.kind.in_(["shieldwall", "sarif"]))
    mine = Scan.project_id.in_(select(Project.id).where(Project.name.in_(names)))
    before = (
        select(func.max(Scan.id))
        .where(mine, *scans, Scan.received_at < start_at)
        .group_by(Scan.project_id, Scan.branch, Scan.tool)
    )
    rows = session.execute(
        select(Scan.project_id, Scan.branch, Scan.tool, Scan.received_at, Scan.summary)
        .where(mine, *scans, or_(Scan.received_at >= start_at, Scan.id.in_(before)))
        .order_by(Scan.id)
    ).all()
    by_day: dict[dt.date, list[Any]] = {}
    for row in rows:
        by_day.setdefault(max(row.received_at.date(), start), []).append(row)
    latest: dict[tuple[int, str, str], dict[str, int]] = {}
    out = []
    for n in range(days):
        day = start + dt.timedelta(days=n)
        for row in by_day.get(day, []):
            latest[(row.project_id, row.branch, row.tool)] = row.summary.get("by_control", {})
        total: dict[str, int] = {}
        for counts in latest.values():
            for control, count in counts.items():
                total[control] = total.get(control, 0) + int(count)
        out.append({"day": day.isoformat(), "by_control": total})
    return out


def search_components(
    session: Session, names: Sequence[str], name: str, version: str | None, limit: int
) -> list[dict[str, Any]]:
    """Components of each project's latest SBOM per service matching `name`
    (substring, any case) and `version` (exact)."""
    q = (
        select(Component, Project.name, Scan.commit, Scan.branch)
        .join(Project, Project.id == Component.project_id)
        .join(Scan, Scan.id == Component.scan_id)
        .where(Project.name.in_(names), func.lower(Component.name).contains(name.lower()))
    )
    if version:
        q = q.where(Component.version == version)
    q = q.order_by(Project.name, Component.name, Component.id).limit(limit)
    return [
        {
            "project": project,
            "service": c.service,
            "branch": branch,
            "commit": commit,
            "scan": c.scan_id,
            "name": c.name,
            "version": c.version,
            "ecosystem": c.ecosystem,
            "purl": c.purl,
        }
        for c, project, commit, branch in session.execute(q).all()
    ]


def latest_map(session: Session, project: Project, branch: str) -> Scan | None:
    return session.scalar(
        select(Scan)
        .where(
            Scan.project_id == project.id,
            Scan.branch == branch,
            Scan.kind == "map",
            Scan.status == "done",
        )
        .order_by(Scan.id.desc())
        .limit(1)
    )
