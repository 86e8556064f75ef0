"""Triage decisions on a finding's fingerprint, and the live exceptions that
`scan --server` applies."""

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from shieldwall.service.queries import expire_acceptances
from shieldwall.service.routes.deps import (
    Caller,
    Fingerprint,
    ProjectName,
    SessionDep,
    project_for,
    today,
)
from shieldwall.service.triage import Decision, clear_triage, exceptions, set_triage

router = APIRouter()


class TriageBody(BaseModel):
    decision: str = Field(description="false-positive | accepted-risk | fixed")
    reason: str = Field(max_length=4000)
    owner: str = Field(default="", max_length=200)
    expires: dt.date | None = Field(default=None, description="required for accepted-risk")


@router.put("/projects/{project}/triage/{fingerprint}", response_model=None, tags=["triage"])
def triage_put(
    session: SessionDep,
    caller: Caller,
    project: ProjectName,
    fingerprint: Fingerprint,
    body: TriageBody,
) -> dict[str, Any]:
    p = project_for(session, caller, project, "triager")
    decision = Decision(body.decision, body.reason, body.owner, body.expires)
    row = set_triage(session, p, fingerprint, decision, caller.name)
    session.commit()
    return {"fingerprint": row.fingerprint, "decision": row.decision}


@router.delete("/projects/{project}/triage/{fingerprint}", response_model=None, tags=["triage"])
def triage_delete(
    session: SessionDep, caller: Caller, project: ProjectName, fingerprint: Fingerprint
) -> dict[str, Any]:
    p = project_for(session, caller, project, "triager")
    if not clear_triage(session, p, fingerprint, caller.name):
        raise HTTPException(404, f"no decision on {fingerprint!r}")
    session.commit()
    return {"fingerprint": fingerprint, "decision": None}


@router.get("/projects/{project}/exceptions", response_model=None, tags=["triage"])
def exceptions_get(session: SessionDep, caller: Caller, project: ProjectName) -> dict[str, Any]:
    """The live false positives and accepted risks: what `scan --server` applies."""
    p = project_for(session, caller, project, "viewer")
    day = today()
    expire_acceptances(session, p, day)
    return {
        "schema": "shieldwall/exceptions/v1",
        "project": p.name,
        "exceptions": exceptions(session, p, day),
    }
