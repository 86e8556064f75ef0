"""Who holds a role on a project (members by e-mail), and what was done there
(the audit log)."""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from shieldwall.service.access import ROLES, set_member
from shieldwall.service.queries import iso
from shieldwall.service.routes.deps import Caller, Email, ProjectName, SessionDep, project_for
from shieldwall.service.tables import AuditEntry, Member

router = APIRouter()


class MemberBody(BaseModel):
    role: str = Field(description="viewer | triager | admin")


@router.get("/projects/{project}/members", response_model=None, tags=["access"])
def members(session: SessionDep, caller: Caller, project: ProjectName) -> dict[str, Any]:
    p = project_for(session, caller, project, "admin")
    rows = session.scalars(select(Member).where(Member.project_id == p.id).order_by(Member.email))
    return {"members": [{"email": m.email, "role": m.role} for m in rows]}


@router.put("/projects/{project}/members/{email}", response_model=None, tags=["access"])
def member_put(
    session: SessionDep, caller: Caller, project: ProjectName, email: Email, body: MemberBody
) -> dict[str, Any]:
    project_for(session, caller, project, "admin")
    if body.role not in ROLES:
        raise HTTPException(422, f"role must be one of {', '.join(ROLES)}")
    set_member(session, project, email, body.role, caller.name)
    session.commit()
    return {"email": email.lower(), "role": body.role}


@router.delete("/projects/{project}/members/{email}", response_model=None, tags=["access"])
def member_delete(
    session: SessionDep, caller: Caller, project: ProjectName, email: Email
) -> dict[str, Any]:
    project_for(session, caller, project, "admin")
    if not set_member(session, project, email, None, caller.name):
        raise HTTPException(404, f"{email} is no member of {project!r}")
    session.commit()
    return {"email": email.lower(), "role": None}


@router.get("/projects/{project}/audit", response_model=None, tags=["access"])
def audit_get(
    session: SessionDep,
    caller: Caller,
    project: ProjectName,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> dict[str, Any]:
    p = project_for(session, caller, project, "admin")
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.project_id == p.id).order_by(AuditEntry.id).limit(limit)
    )
    return {
        "audit": [
            {"id": a.id, "at": iso(a.at), "actor": a.actor, "action": a.action, **a.detail}
            for a in rows
        ]
    }
