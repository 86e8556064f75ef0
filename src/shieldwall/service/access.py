"""Who may do what: API tokens (only their SHA-256 kept; scoped to projects,
each with a role; expiring; revocable) and the roles.

viewer reads; triager also uploads scans and triages; admin also manages the
project's tokens and reads its audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from shieldwall.service.errors import BadUpload
from shieldwall.service.tables import AuditEntry, Token, utcnow

ROLES = {"viewer": 1, "triager": 2, "admin": 3}
TOKEN_PREFIX = "swt_"  # noqa: S105 - a prefix that tells a token at a glance


@dataclass(frozen=True)
class Principal:
    """A caller: a token or a signed-in person, with a role per project name."""

    name: str
    grants: dict[str, str] = field(default_factory=dict)

    def role(self, project: str) -> str | None:
        return self.grants.get(project)

    def may(self, project: str, role: str) -> bool:
        held = self.grants.get(project)
        return held is not None and ROLES[held] >= ROLES[role]


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def check_role(role: str) -> str:
    if role not in ROLES:
        raise BadUpload(f"unknown role {role!r}", f"use one of {', '.join(ROLES)}")
    return role


def create_token(
    session: Session,
    grants: dict[str, str],
    actor: str,
    name: str = "",
    expires_in: dt.timedelta | None = None,
) -> tuple[str, Token]:
    """A new token (the text is returned once, never stored) and its row."""
    for role in grants.values():
        check_role(role)
    text = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    row = Token(
        digest=digest(text),
        name=name[:200],
        grants=dict(grants),
        created_at=now,
        expires_at=now + expires_in if expires_in is not None else None,
    )
    session.add(row)
    session.flush()
    for project in grants:
        audit(
            session,
            project,
            actor,
            "token.create",
            {"token": row.id, "name": row.name, "grants": row.grants},
        )
    return text, row


def revoke_token(session: Session, row: Token, actor: str) -> None:
    row.revoked_at = utcnow()
    for project in row.grants:
        audit(session, project, actor, "token.revoke", {"token": row.id, "name": row.name})


def principal_for(session: Session, token: str) -> Principal | None:
    """The principal of a live token; None for an unknown, expired or revoked one."""
    row = session.scalar(select(Token).where(Token.digest == digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= utcnow():
        return None
    return Principal(name=f"token:{row.id}:{row.name}", grants=dict(row.grants))


def audit(
    session: Session, project: str | None, actor: str, action: str, detail: dict[str, object]
) -> None:
    """Append to the audit log (the service never updates or deletes an entry)."""
    from shieldwall.service.ingest import project_named

    found = project_named(session, project, create=True) if project else None
    session.add(
        AuditEntry(
            project_id=found.id if found else None,
            actor=actor[:200],
            action=action,
            detail=detail,
            at=utcnow(),
        )
    )


def principal_for_email(
    session: Session, email: str, from_groups: dict[str, str] | None = None
) -> Principal:
    """A signed-in person: their roles are their memberships and those their
    provider's groups give (`from_groups`); the higher one where both hold."""
    from shieldwall.service.tables import Member, Project

    rows = session.execute(
        select(Project.name, Member.role)
        .join(Member, Member.project_id == Project.id)
        .where(Member.email == email.lower())
    ).all()
    grants = dict(from_groups or {})
    for name, role in rows:
        if ROLES[role] > ROLES.get(grants.get(name, ""), -1):
            grants[name] = role
    return Principal(name=f"user:{email.lower()}", grants=grants)


def set_member(session: Session, project: str, email: str, role: str | None, actor: str) -> bool:
    """Give `email` a role on `project` (None: remove it); audited. False: nothing to remove."""
    from shieldwall.service.ingest import project_named
    from shieldwall.service.tables import Member

    found = project_named(session, project, create=True)
    assert found is not None
    email = email.lower()
    row = session.scalar(select(Member).where(Member.project_id == found.id, Member.email == email))
    if role is None:
        if row is None:
            return False
        session.delete(row)
        audit(session, project, actor, "member.remove", {"email": email})
        return True
    check_role(role)
    if row is None:
        session.add(Member(project_id=found.id, email=email, role=role, added_at=utcnow()))
    else:
        row.role = role
    audit(session, project, actor, "member.set", {"email": email, "role": role})
    return True
