"""What every API route depends on: the service's state, a database session, the
caller (a bearer token, an OIDC JWT or a browser's signed-in session) and the
project it names, checked against the caller's role."""

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated, Any, cast

import anyio
import orjson
from fastapi import Depends, HTTPException, Path, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from shieldwall.service.access import (
    TOKEN_PREFIX,
    Principal,
    principal_for,
    principal_for_email,
)
from shieldwall.service.config import ServiceConfig
from shieldwall.service.ingest import project_named
from shieldwall.service.jobs import Worker
from shieldwall.service.oidc import Provider, Signer, SignInRefused
from shieldwall.service.tables import Project

PROJECT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$"
ProjectName = Annotated[str, Path(pattern=PROJECT_PATTERN, description="project name")]
Fingerprint = Annotated[str, Path(min_length=1, max_length=200)]
Email = Annotated[str, Path(pattern=r"^[^@/\s]{1,200}@[^@/\s]{1,200}$")]
SESSION_COOKIE = "shieldwall_session"
SIGNIN_COOKIE = "shieldwall_signin"
SAFE_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class ServiceState:
    """One app's service: what its routes reach through `request.app.state.service`."""

    factory: sessionmaker[Session]
    worker: Worker | None
    config: ServiceConfig
    provider: Provider | None
    signer: Signer
    # The uploads' thread limiter, made on the event loop at the first upload.
    uploading: list[anyio.CapacityLimiter] = field(default_factory=list)


def service_of(request: Request) -> ServiceState:
    return cast(ServiceState, request.app.state.service)


_bearer = HTTPBearer(auto_error=False)


async def session_dep(request: Request) -> AsyncIterator[Session]:
    # Async, so that closing the session (giving its connection back) needs no
    # thread of the pool: with every thread waiting for a connection, a sync
    # dependency's exit could never run, and nothing would give one back.
    session = service_of(request).factory()
    try:
        yield session
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(session_dep)]


def principal_dep(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    service = service_of(request)
    found = None
    with service.factory() as session:  # its own short session: an upload holds none meanwhile
        if credentials is not None:
            found = _from_bearer(session, credentials.credentials, service.provider)
        elif request.method in SAFE_METHODS:  # a browser's session reads, never writes
            signed_in = service.signer.load(request.cookies.get(SESSION_COOKIE))
            if signed_in is not None:
                found = principal_for_email(
                    session, str(signed_in["email"]), signed_in.get("group_grants")
                )
    if found is None:
        raise HTTPException(
            401,
            "a valid, unexpired, unrevoked token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return found


Caller = Annotated[Principal, Depends(principal_dep)]


def project_for(session: Session, caller: Principal, name: str, role: str) -> Project:
    if caller.role(name) is None:
        raise HTTPException(404, f"no project {name!r}")
    if not caller.may(name, role):
        raise HTTPException(403, f"this needs the {role} role on {name!r}")
    project = project_named(session, name)
    if project is None:
        raise HTTPException(404, f"no project {name!r}")
    return project


def _from_bearer(session: Session, text: str, provider: Provider | None) -> Principal | None:
    """Our API token, or (with OIDC on) a JWT of the provider for this service."""
    if text.startswith(TOKEN_PREFIX) or provider is None:
        return principal_for(session, text)
    try:
        claims = provider.verify(text)
    except SignInRefused:
        return None
    email = claims.get("email")
    if not isinstance(email, str) or claims.get("email_verified") is False:
        return None
    return principal_for_email(session, email, provider.settings.grants_of(claims))


def today() -> dt.date:
    return dt.date.today()


def json_response(body: dict[str, Any]) -> Response:
    """An answer encoded by orjson at once: FastAPI's own encoder walks every value
    in Python first, which costs more than the query behind a list of findings."""
    return Response(orjson.dumps(body), media_type="application/json")


def split(values: list[str]) -> list[str]:
    """`?status=open,fixed` and `?status=open&status=fixed` alike."""
    return [v for value in values for v in value.split(",") if v]
