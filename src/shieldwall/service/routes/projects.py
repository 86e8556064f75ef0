"""The projects the caller holds a role on."""

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select

from shieldwall.service.queries import iso
from shieldwall.service.routes.deps import Caller, ProjectName, SessionDep, project_for
from shieldwall.service.tables import Project

router = APIRouter()


@router.get("/projects", response_model=None, tags=["projects"])
def projects(session: SessionDep, caller: Caller) -> dict[str, Any]:
    rows = session.scalars(select(Project).where(Project.name.in_(list(caller.grants))))
    return {
        "projects": [
            {"name": p.name, "role": caller.role(p.name), "created_at": iso(p.created_at)}
            for p in rows
        ]
    }


@router.get("/projects/{project}", response_model=None, tags=["projects"])
def project_get(session: SessionDep, caller: Caller, project: ProjectName) -> dict[str, Any]:
    p = project_for(session, caller, project, "viewer")
    return {"name": p.name, "role": caller.role(p.name), "created_at": iso(p.created_at)}
