"""A project's API tokens: list, create (the text is shown once), revoke."""

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select

from shieldwall.service.access import ROLES, create_token, revoke_token
from shieldwall.service.queries import iso
from shieldwall.service.routes.deps import Caller, ProjectName, SessionDep, project_for
from shieldwall.service.tables import Token

router = APIRouter()


class TokenBody(BaseModel):
    role: str = Field(description="viewer | triager | admin")
    name: str = Field(default="", max_length=200)
    expires_in_days: int | None = Field(default=90, ge=1, le=3660)


@router.get("/projects/{project}/tokens", response_model=None, tags=["access"])
def tokens(session: SessionDep, caller: Caller, project: ProjectName) -> dict[str, Any]:
    project_for(session, caller, project, "admin")
    rows = session.scalars(select(Token).order_by(Token.id))
    return {"tokens": [_token_dict(t) for t in rows if project in t.grants]}


@router.post("/projects/{project}/tokens", response_model=None, tags=["access"], status_code=201)
def token_post(
    session: SessionDep, caller: Caller, project: ProjectName, body: TokenBody
) -> dict[str, Any]:
    p = project_for(session, caller, project, "admin")
    if body.role not in ROLES:
        raise HTTPException(422, f"role must be one of {', '.join(ROLES)}")
    days = body.expires_in_days
    text, row = create_token(
        session,
        {p.name: body.role},
        caller.name,
        name=body.name,
        expires_in=dt.timedelta(days=days) if days else None,
    )
    session.commit()
    return {"token": text, **_token_dict(row)}


@router.delete("/projects/{project}/tokens/{token_id}", response_model=None, tags=["access"])
def token_delete(
    session: SessionDep, caller: Caller, project: ProjectName, token_id: int
) -> dict[str, Any]:
    project_for(session, caller, project, "admin")
    row = session.get(Token, token_id)
    if row is None or project not in row.grants:
        raise HTTPException(404, f"no token {token_id} on {project!r}")
    if not all(caller.may(name, "admin") for name in row.grants):
        raise HTTPException(403, "the token also holds projects you do not administer")
    revoke_token(session, row, caller.name)
    session.commit()
    return _token_dict(row)


def _token_dict(t: Token) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": t.name,
        "grants": t.grants,
        "created_at": iso(t.created_at),
        "expires_at": iso(t.expires_at),
        "revoked_at": iso(t.revoked_at),
    }
