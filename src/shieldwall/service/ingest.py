"""Uploads: accepted at once (stored with a job), processed by a worker into the
findings of a project and branch, deduplicated by fingerprint.

A finding is `new` in the scan that first shows it, then `open`; `fixed` when a
later full scan of the same tool on that branch no longer has it; `reopened`
when it comes back (then `open` again)."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, delete, insert, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shieldwall.service.bulk import insert_rows, update_rows
from shieldwall.service.counts import refresh_counts
from shieldwall.service.tables import (
    Component,
    Finding,
    FindingEvent,
    Job,
    Project,
    Scan,
    Triage,
    utcnow,
)
from shieldwall.service.uploads import Head, contents, head

NAME_MAX = 200


@dataclass(frozen=True)
class Accepted:
    scan: Scan
    created: bool  # False: the same (project, commit, tool) was uploaded before


def project_named(session: Session, name: str, create: bool = False) -> Project | None:
    project = session.scalar(select(Project).where(Project.name == name))
    if project is None and create:
        project = Project(name=name, created_at=utcnow())
        session.add(project)
        try:
            session.flush()
        except IntegrityError:  # made by a concurrent upload
            session.rollback()
            project = session.scalar(select(Project).where(Project.name == name))
    return project


def accept(
    session: Session,
    project_name: str,
    body: bytes,
    branch: str = "",
    commit: str = "",
    tool: str = "",
) -> Accepted:
    """Store the upload and queue its processing; the same (project, commit, tool)
    again returns the scan already there. Raises BadUpload on a document that is
    not a report, SARIF or SBOM."""
    upload: Head = head(body)
    tool = (tool or upload.tool)[:NAME_MAX]
    commit = (commit or "sha256:" + hashlib.sha256(body).hexdigest())[:NAME_MAX]
    project = project_named(session, project_name, create=True)
    assert project is not None
    found = _scan_of(session, project.id, commit, tool)
    if found is not None:
        return Accepted(found, created=False)
    scan = Scan(
        project_id=project.id,
        branch=(branch or "main")[:NAME_MAX],
        commit=commit,
        tool=tool,
        kind=upload.kind,
        status="queued",
        error="",
        full=True,
        findings=0,
        summary={},
        received_at=utcnow(),
    )
    session.add(scan)
    try:
        session.flush()
    except IntegrityError:  # the same scan uploaded at the same moment
        session.rollback()
        again = _scan_of(session, project.id, commit, tool)
        assert again is not None
        return Accepted(again, created=False)
    session.add(
        Job(kind="ingest", scan_id=scan.id, payload=body, state="queued", attempts=0, error="")
    )
    session.commit()
    return Accepted(scan, created=True)


def _scan_of(session: Session, project_id: int, commit: str, tool: str) -> Scan | None:
    return session.scalar(
        select(Scan).where(Scan.project_id == project_id, Scan.commit == commit, Scan.tool == tool)
    )


def process(session: Session, scan: Scan, body: bytes) -> None:
    """Turn a stored upload into findings (or SBOM components). Runs in a worker."""
    upload = head(body)
    found = contents(upload)
    now = utcnow()
    if upload.kind == "cyclonedx":
        _store_components(session, scan, found.components, found.service)
        counts: dict[str, Any] = {"components": len(found.components)}
    elif upload.kind == "map":
        scan.service_map = found.service_map
        shown = found.service_map or {}
        counts = {"nodes": len(shown.get("nodes", [])), "edges": len(shown.get("edges", []))}
    else:
        counts = _apply_findings(session, scan, found.findings, found.full, now)
        refresh_counts(session, [scan.project_id])
    scan.full = found.full
    scan.findings = len(found.findings)
    scan.summary = counts
    scan.status = "done"
    scan.processed_at = now


def _store_components(session: Session, scan: Scan, components: list[Any], service: str) -> None:
    if not components:
        return
    session.execute(
        insert(Component),
        [
            {
                "project_id": scan.project_id,
                "scan_id": scan.id,
                "name": c.name,
                "version": c.version,
                "ecosystem": c.ecosystem,
                "purl": c.purl,
                "service": service,
            }
            for c in components
        ],
    )


def _apply_findings(
    session: Session,
    scan: Scan,
    findings: list[dict[str, Any]],
    full: bool,
    now: Any,
) -> dict[str, Any]:
    incoming: dict[str, dict[str, Any]] = {}
    for f in findings:
        incoming.setdefault(f["fingerprint"], f)
    rows = session.execute(
        select(Finding.id, Finding.fingerprint, Finding.status).where(
            Finding.project_id == scan.project_id,
            Finding.branch == scan.branch,
            Finding.tool == scan.tool,
        )
    ).all()
    existing = {r.fingerprint: (r.id, r.status) for r in rows}
    fixed_by_triage = _clear_fixed_triage(session, scan.project_id, incoming, existing)
    inserts, updates, events = [], [], []
    for fingerprint, f in incoming.items():
        if fingerprint not in existing:
            inserts.append(_new_finding(scan, fingerprint, f, now))
            continue
        finding_id, status = existing[fingerprint]
        back = status == "fixed" or fingerprint in fixed_by_triage
        updates.append(
            {
                "id": finding_id,
                "status": "reopened" if back else "open",
                "data": f,
                "severity": f["severity"],
                "last_seen": now,
                "last_scan_id": scan.id,
            }
        )
        if back:
            events.append({"finding_id": finding_id, "scan_id": scan.id, "status": "reopened"})
    table = cast(Table, Finding.__table__)
    insert_rows(session, table, inserts)
    update_rows(session, table, updates)
    gone = [
        finding_id
        for fingerprint, (finding_id, status) in existing.items()
        if full and status != "fixed" and fingerprint not in incoming
    ]
    update_rows(
        session,
        table,
        [{"id": i, "status": "fixed", "last_scan_id": scan.id} for i in gone],
    )
    events.extend({"finding_id": i, "scan_id": scan.id, "status": "fixed"} for i in gone)
    _record_events(session, scan, events, bool(inserts), now)
    by_control = Counter(f["control"] for f in incoming.values() if not f["suppressed"])
    by_severity = Counter(f["severity"] for f in incoming.values() if not f["suppressed"])
    return {
        "new": len(inserts),
        "reopened": sum(1 for e in events if e["status"] == "reopened"),  # before "new" ones
        "fixed": len(gone),
        "by_control": dict(by_control),
        "by_severity": dict(by_severity),
    }


def _new_finding(scan: Scan, fingerprint: str, f: dict[str, Any], now: Any) -> dict[str, Any]:
    """The row of a finding this project, branch and tool never had."""
    return {
        "project_id": scan.project_id,
        "branch": scan.branch,
        "tool": scan.tool,
        "fingerprint": fingerprint,
        "rule": f["rule"],
        "control": f["control"],
        "severity": f["severity"],
        "status": "new",
        "data": f,
        "first_seen": now,
        "last_seen": now,
        "first_scan_id": scan.id,
        "last_scan_id": scan.id,
    }


def _record_events(
    session: Session, scan: Scan, events: list[dict[str, Any]], any_new: bool, now: Any
) -> None:
    """The scan's reopened and fixed events, and the first event of each new finding."""
    if events:
        events_table = cast(Table, FindingEvent.__table__)
        insert_rows(session, events_table, [{**e, "at": now} for e in events])
    if any_new:  # each new finding's first event, made in the database
        session.execute(
            insert(FindingEvent).from_select(
                ["finding_id", "scan_id", "status", "at"],
                select(Finding.id, literal(scan.id), literal("new"), literal(now)).where(
                    Finding.project_id == scan.project_id,
                    Finding.branch == scan.branch,
                    Finding.tool == scan.tool,
                    Finding.first_scan_id == scan.id,
                ),
            )
        )


def _clear_fixed_triage(
    session: Session,
    project_id: int,
    incoming: dict[str, dict[str, Any]],
    existing: dict[str, tuple[int, str]],
) -> set[str]:
    """Findings a person marked fixed that a scan still shows: reopened, and the
    "fixed" decision is spent."""
    marked = set(
        session.scalars(
            select(Triage.fingerprint).where(
                Triage.project_id == project_id, Triage.decision == "fixed"
            )
        )
    )
    back = {fp for fp in marked if fp in incoming and fp in existing}
    if back:
        session.execute(
            delete(Triage).where(
                Triage.project_id == project_id,
                Triage.decision == "fixed",
                Triage.fingerprint.in_(back),
            )
        )
    return back
