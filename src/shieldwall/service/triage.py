"""Triage: a person's decision on a finding, kept per project and fingerprint so
it holds on every branch and every later scan, and flows back to CI as exceptions.

- `false-positive`: suppressed until someone clears it (a reason is required);
- `accepted-risk`: suppressed until its expiry; reason, owner and expiry required;
  once expired it suppresses nothing and the finding reads `reopened`;
- `fixed`: the finding is closed now; if a later scan still shows it, it is reopened."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from shieldwall.service.access import audit
from shieldwall.service.counts import refresh_counts
from shieldwall.service.errors import BadUpload
from shieldwall.service.tables import Finding, FindingEvent, Project, Triage, utcnow

DECISIONS = ("false-positive", "accepted-risk", "fixed")
SUPPRESSING = ("false-positive", "accepted-risk")
MAX_ACCEPTANCE = dt.timedelta(days=366)


@dataclass(frozen=True)
class Decision:
    decision: str
    reason: str = ""
    owner: str = ""
    expires: dt.date | None = None

    def check(self, today: dt.date) -> None:
        if self.decision not in DECISIONS:
            raise BadUpload(
                f"unknown decision {self.decision!r}", f"use one of {', '.join(DECISIONS)}"
            )
        if not self.reason.strip():
            raise BadUpload("a reason is required", "say why, for whoever reads it next")
        if self.decision == "accepted-risk":
            if not self.owner.strip():
                raise BadUpload("an accepted risk needs an owner", "name who answers for it")
            if self.expires is None:
                raise BadUpload("an accepted risk needs an expiry date", "give expires: DATE")
            if self.expires < today:
                raise BadUpload("the expiry date is in the past", "give a date from today")
            if self.expires > today + MAX_ACCEPTANCE:
                raise BadUpload("an accepted risk expires within a year", "review it yearly")


def live(triage: Triage | None, today: dt.date) -> bool:
    """Whether a decision still suppresses: never for fixed, nor past its expiry."""
    if triage is None or triage.decision not in SUPPRESSING:
        return False
    return triage.expires is None or triage.expires >= today


def triage_dict(triage: Triage | None, today: dt.date) -> dict[str, Any] | None:
    if triage is None:
        return None
    return {
        "decision": triage.decision,
        "reason": triage.reason,
        "owner": triage.owner,
        "expires": triage.expires.isoformat() if triage.expires else None,
        "expired": triage.expires is not None and triage.expires < today,
        "by": triage.by,
        "at": triage.at.isoformat() + "Z",
    }


def set_triage(
    session: Session, project: Project, fingerprint: str, decision: Decision, actor: str
) -> Triage:
    today = dt.date.today()
    decision.check(today)
    row = session.scalar(
        select(Triage).where(Triage.project_id == project.id, Triage.fingerprint == fingerprint)
    )
    now = utcnow()
    if row is None:
        row = Triage(project_id=project.id, fingerprint=fingerprint)
        session.add(row)
    row.decision = decision.decision
    row.reason = decision.reason[:4000]
    row.owner = decision.owner[:200]
    row.expires = decision.expires
    row.by = actor[:200]
    row.at = now
    ids = list(
        session.scalars(
            select(Finding.id).where(
                Finding.project_id == project.id, Finding.fingerprint == fingerprint
            )
        )
    )
    if decision.decision == "fixed" and ids:
        session.execute(update(Finding).where(Finding.id.in_(ids)).values(status="fixed"))
    if ids:
        session.execute(
            insert(FindingEvent),
            [{"finding_id": i, "status": f"triage:{decision.decision}", "at": now} for i in ids],
        )
    audit(
        session,
        project.name,
        actor,
        "triage.set",
        {
            "fingerprint": fingerprint,
            "decision": decision.decision,
            "reason": row.reason,
            "owner": row.owner,
            "expires": decision.expires.isoformat() if decision.expires else None,
        },
    )
    session.flush()
    refresh_counts(session, [project.id])
    return row


def clear_triage(session: Session, project: Project, fingerprint: str, actor: str) -> bool:
    row = session.scalar(
        select(Triage).where(Triage.project_id == project.id, Triage.fingerprint == fingerprint)
    )
    if row is None:
        return False
    session.delete(row)
    audit(session, project.name, actor, "triage.clear", {"fingerprint": fingerprint})
    session.flush()
    refresh_counts(session, [project.id])
    return True


def exceptions(session: Session, project: Project, today: dt.date) -> list[dict[str, Any]]:
    """The live suppressing decisions of a project: what `scan --server` applies
    (by fingerprint) and `admission` (by the rule and resource of the finding
    decided on, since an object under review has no file path)."""
    rows = [
        t
        for t in session.scalars(
            select(Triage)
            .where(Triage.project_id == project.id, Triage.decision.in_(SUPPRESSING))
            .order_by(Triage.fingerprint)
        )
        if live(t, today)
    ]
    seen: dict[str, tuple[str, str]] = {}
    if rows:
        found = session.execute(
            select(Finding.fingerprint, Finding.rule, Finding.data)
            .where(
                Finding.project_id == project.id,
                Finding.fingerprint.in_([t.fingerprint for t in rows]),
            )
            .order_by(Finding.id.desc())
        )
        for fingerprint, rule, data in found:
            seen.setdefault(fingerprint, (rule, str(data.get("resource") or "")))
    return [
        {
            "fingerprint": t.fingerprint,
            "decision": t.decision,
            "reason": t.reason,
            "owner": t.owner,
            "expires": t.expires.isoformat() if t.expires else None,
            **(
                {"rule": seen[t.fingerprint][0], "resource": seen[t.fingerprint][1]}
                if t.fingerprint in seen
                else {}
            ),
        }
        for t in rows
    ]
