"""SBOM monitoring: the components of each project's latest SBOM (per branch and
service) matched again against the vulnerability database after it changes.
An advisory that was not there when the SBOM was uploaded opens a finding
(tool `sbom-monitor`) naming the projects and services affected, and each new
critical or high one is announced on the webhook."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from shieldwall.engine.advisories import Match, database_updated, match_purls
from shieldwall.formats.json_report import finding_to_dict
from shieldwall.service.counts import refresh_counts
from shieldwall.service.tables import Component, Finding, FindingEvent, Job, Project, Scan, utcnow

TOOL = "sbom-monitor"
LOG = logging.getLogger("shieldwall.serve")
Notify = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Opened:
    project: str
    branch: str
    services: tuple[str, ...]
    purl: str
    advisory: str
    severity: str
    message: str


def _fingerprint(purl: str, advisory: str) -> str:
    return hashlib.sha256(f"sbom|{purl}|{advisory}".encode()).hexdigest()[:32]


def _latest_sboms(session: Session, scan_id: int | None) -> list[Scan]:
    if scan_id is not None:
        one = session.get(Scan, scan_id)
        return [one] if one is not None else []
    latest = (
        select(func.max(Scan.id))
        .where(Scan.kind == "cyclonedx", Scan.status == "done")
        .group_by(Scan.project_id, Scan.branch, Scan.tool)
    )
    return list(session.scalars(select(Scan).where(Scan.id.in_(latest))))


def rematch(
    session: Session, notify: Notify | None = None, scan_id: int | None = None
) -> list[Opened]:
    """Match the latest SBOMs (or the one of `scan_id`); open a finding per new
    (component, advisory) and notify each critical/high one. Returns what opened."""
    scans = _latest_sboms(session, scan_id)
    if not scans:
        return []
    rows = session.execute(
        select(Component.scan_id, Component.purl, Component.service).where(
            Component.scan_id.in_([s.id for s in scans]), Component.purl != ""
        )
    ).all()
    by_purl: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for scan, purl, service in rows:
        by_purl[purl].append((scan, service))
    matches = list(match_purls(list(by_purl)))
    opened = _open(session, {s.id: s for s in scans}, by_purl, matches)
    if opened:
        refresh_counts(session, [s.project_id for s in scans])
    session.commit()
    if notify is not None:
        for item in opened:
            if item.severity in ("critical", "high"):
                notify(payload(item))
    return opened


def _open(
    session: Session,
    scans: dict[int, Scan],
    by_purl: dict[str, list[tuple[int, str]]],
    matches: list[Match],
) -> list[Opened]:
    names = {pid: name for pid, name in session.execute(select(Project.id, Project.name))}
    now = utcnow()
    opened = []
    for match in matches:
        places: dict[tuple[int, str], set[str]] = defaultdict(set)
        scan_of: dict[tuple[int, str], int] = {}
        for scan_id, service in by_purl[match.purl]:
            scan = scans[scan_id]
            places[(scan.project_id, scan.branch)].add(service)
            scan_of[(scan.project_id, scan.branch)] = scan_id
        fingerprint = _fingerprint(match.purl, match.advisory)
        data = {**finding_to_dict(match.finding), "fingerprint": fingerprint}
        for (project_id, branch), services in places.items():
            exists = session.scalar(
                select(Finding.id).where(
                    Finding.project_id == project_id,
                    Finding.branch == branch,
                    Finding.tool == TOOL,
                    Finding.fingerprint == fingerprint,
                )
            )
            if exists is not None:
                continue
            shown = tuple(sorted(s for s in services if s))
            made = session.execute(
                insert(Finding).returning(Finding.id),
                [
                    {
                        "project_id": project_id,
                        "branch": branch,
                        "tool": TOOL,
                        "fingerprint": fingerprint,
                        "rule": data["rule"],
                        "control": data["control"],
                        "severity": data["severity"],
                        "status": "new",
                        "data": {**data, "services": list(shown)},
                        "first_seen": now,
                        "last_seen": now,
                        "first_scan_id": scan_of[(project_id, branch)],
                        "last_scan_id": scan_of[(project_id, branch)],
                    }
                ],
            ).scalar_one()
            session.execute(
                insert(FindingEvent),
                [{"finding_id": made, "status": "new:advisory", "at": now}],
            )
            opened.append(
                Opened(
                    project=names[project_id],
                    branch=branch,
                    services=shown,
                    purl=match.purl,
                    advisory=match.advisory,
                    severity=data["severity"],
                    message=data["message"],
                )
            )
    return opened


def payload(item: Opened) -> dict[str, Any]:
    """Generic webhook JSON whose `text` a Slack incoming webhook shows as is."""
    where = ", ".join(item.services) or "(service not named in the SBOM)"
    return {
        "text": f":rotating_light: {item.severity} {item.advisory} in {item.project} "
        f"({item.branch}): {where}. {item.message}",
        "event": "shieldwall.advisory",
        "project": item.project,
        "branch": item.branch,
        "services": list(item.services),
        "component": item.purl,
        "advisory": item.advisory,
        "severity": item.severity,
    }


def schedule(session: Session) -> bool:
    """Queue a re-match when the vulnerability database changed since the last one."""
    updated = database_updated()
    if updated is None:
        return False
    stamp = updated.isoformat().encode()
    last = session.scalar(
        select(Job.payload).where(Job.kind == "rematch").order_by(Job.id.desc()).limit(1)
    )
    if last == stamp:
        return False
    session.add(Job(kind="rematch", payload=stamp, state="queued", attempts=0, error=""))
    session.commit()
    return True


def webhook_sender(url: str | None) -> Notify | None:
    if not url:
        return None

    def send(body: dict[str, Any]) -> None:
        import httpx

        for attempt in range(3):
            try:
                response = httpx.post(url, json=body, timeout=10)
                if response.status_code < 500:
                    return
            except httpx.HTTPError as exc:
                LOG.warning("webhook %s failed (attempt %s): %s", url, attempt + 1, exc)
        LOG.warning("webhook %s: giving up on %s", url, body.get("advisory"))

    return send
