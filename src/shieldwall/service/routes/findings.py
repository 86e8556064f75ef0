"""Findings: a project's list with filters, one finding, its trends, and the
dashboard across the caller's projects."""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from shieldwall.service.queries import (
    control_trend,
    dashboard,
    expire_acceptances,
    finding_detail,
    list_findings,
    trends,
)
from shieldwall.service.routes.deps import (
    Caller,
    ProjectName,
    SessionDep,
    json_response,
    project_for,
    split,
    today,
)

router = APIRouter()


@router.get("/projects/{project}/findings", response_model=None, tags=["findings"])
def findings(
    session: SessionDep,
    caller: Caller,
    project: ProjectName,
    status: Annotated[list[str], Query()] = [],  # noqa: B006
    severity: Annotated[list[str], Query()] = [],  # noqa: B006
    control: Annotated[list[str], Query()] = [],  # noqa: B006
    branch: str | None = None,
    tool: str | None = None,
    rule: str | None = None,
    triaged: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    p = project_for(session, caller, project, "viewer")
    day = today()
    expire_acceptances(session, p, day)
    found = list_findings(
        session,
        p,
        day,
        status=split(status),
        severity=split(severity),
        control=split(control),
        branch=branch,
        tool=tool,
        rule=rule,
        triaged=triaged,
        limit=limit,
        offset=offset,
    )
    return json_response({"findings": found})


@router.get("/projects/{project}/findings/{finding_id}", response_model=None, tags=["findings"])
def finding_get(
    session: SessionDep, caller: Caller, project: ProjectName, finding_id: int
) -> dict[str, Any]:
    p = project_for(session, caller, project, "viewer")
    found = finding_detail(session, p, finding_id, today())
    if found is None:
        raise HTTPException(404, f"no finding {finding_id} in {project!r}")
    return {"finding": found}


@router.get("/projects/{project}/trends", response_model=None, tags=["findings"])
def trends_get(session: SessionDep, caller: Caller, project: ProjectName) -> dict[str, Any]:
    p = project_for(session, caller, project, "viewer")
    return {"trends": trends(session, p)}


@router.get("/dashboard", response_model=None, tags=["findings"])
def dashboard_get(session: SessionDep, caller: Caller) -> Response:
    """Open, untriaged findings by control and severity across the caller's projects,
    and per day of the last 30 the findings by control their latest scans reported."""
    names = list(caller.grants)
    return json_response(
        {**dashboard(session, names), "trend": control_trend(session, names, today())}
    )
