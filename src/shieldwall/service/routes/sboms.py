"""A project's uploaded SBOMs, and which projects ship a component."""

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import select

from shieldwall.service.queries import scan_dict, search_components
from shieldwall.service.routes.deps import Caller, ProjectName, SessionDep, project_for
from shieldwall.service.tables import Scan

router = APIRouter()


@router.get("/projects/{project}/sboms", response_model=None, tags=["sboms"])
def sboms(session: SessionDep, caller: Caller, project: ProjectName) -> dict[str, Any]:
    p = project_for(session, caller, project, "viewer")
    rows = session.scalars(
        select(Scan).where(Scan.project_id == p.id, Scan.kind == "cyclonedx").order_by(Scan.id)
    )
    return {"sboms": [scan_dict(s, p.name) for s in rows]}


@router.get("/components", response_model=None, tags=["sboms"])
def components(
    session: SessionDep,
    caller: Caller,
    name: Annotated[str, Query(min_length=1, max_length=300)],
    version: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
) -> dict[str, Any]:
    """Which projects and services ship a component (name contains, exact version)."""
    return {"components": search_components(session, list(caller.grants), name, version, limit)}
