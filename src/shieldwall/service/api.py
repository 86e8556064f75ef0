"""The REST API under /api/v1 (OpenAPI at /api/v1/openapi.json).

Every route but /health needs `Authorization: Bearer TOKEN`. A project the caller
holds no role on answers 404, as if it did not exist; a role too low answers 403."""

import datetime as dt
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

import anyio
import orjson
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shieldwall import __version__
from shieldwall.service.access import (
    ROLES,
    TOKEN_PREFIX,
    Principal,
    create_token,
    principal_for,
    principal_for_email,
    revoke_token,
    set_member,
)
from shieldwall.service.database import POOL_CONNECTIONS, migrate, open_engine, sessions
from shieldwall.service.errors import BadUpload
from shieldwall.service.ingest import accept, project_named
from shieldwall.service.jobs import Worker, handlers
from shieldwall.service.monitor import webhook_sender
from shieldwall.service.oidc import OidcSettings, Provider, Signer, SignInRefused
from shieldwall.service.queries import (
    control_trend,
    dashboard,
    expire_acceptances,
    finding_detail,
    iso,
    latest_map,
    list_findings,
    list_scans,
    scan_dict,
    search_components,
    trends,
)
from shieldwall.service.tables import AuditEntry, Member, Project, Scan, Token
from shieldwall.service.triage import Decision, clear_triage, exceptions, set_triage
from shieldwall.service.web import web_router

PROJECT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$"
ProjectName = Annotated[str, Path(pattern=PROJECT_PATTERN, description="project name")]
Fingerprint = Annotated[str, Path(min_length=1, max_length=200)]
Email = Annotated[str, Path(pattern=r"^[^@/\s]{1,200}@[^@/\s]{1,200}$")]
SESSION_COOKIE = "shieldwall_session"
SIGNIN_COOKIE = "shieldwall_signin"
SAFE_METHODS = frozenset({"GET", "HEAD"})
UPLOAD_TYPES = ["application/json", "application/sarif+json", "application/vnd.cyclonedx+json"]


@dataclass
class ServiceConfig:
    database: str
    worker: bool = True  # run jobs in this process (off for API-only replicas)
    max_upload_bytes: int = 256 * 1024 * 1024
    migrate: bool = True
    webhook: str | None = None  # SBOM monitoring: where new critical/high advisories go
    oidc: OidcSettings | None = None  # sign-in for people; None: API tokens only
    session_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    monitor_seconds: float = 300.0  # how often to look for a changed vulnerability database


class TriageBody(BaseModel):
    decision: str = Field(description="false-positive | accepted-risk | fixed")
    reason: str = Field(max_length=4000)
    owner: str = Field(default="", max_length=200)
    expires: dt.date | None = Field(default=None, description="required for accepted-risk")


class MemberBody(BaseModel):
    role: str = Field(description="viewer | triager | admin")


class TokenBody(BaseModel):
    role: str = Field(description="viewer | triager | admin")
    name: str = Field(default="", max_length=200)
    expires_in_days: int | None = Field(default=90, ge=1, le=3660)


_bearer = HTTPBearer(auto_error=False)


UPLOAD_THREADS = 4  # per process, out of POOL_CONNECTIONS


def _today() -> dt.date:
    return dt.date.today()


def create_app(config: ServiceConfig) -> FastAPI:
    engine = open_engine(config.database)
    if config.migrate:
        migrate(engine)
    factory = sessions(engine)
    notify = webhook_sender(config.webhook)
    worker = (
        Worker(factory, notify=notify, monitor_seconds=config.monitor_seconds)
        if config.worker
        else None
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> Any:
        # No more request threads than database connections: a thread never waits
        # for a connection while holding one of the pool's threads.
        # Uploads have threads of their own, so that a queue of readers never holds
        # back accepting a scan; together never more than the connections.
        anyio.to_thread.current_default_thread_limiter().total_tokens = (
            POOL_CONNECTIONS - UPLOAD_THREADS
        )
        if worker is not None:
            worker.start()
        yield
        if worker is not None:
            worker.stop()
        engine.dispose()

    # Routes have response_model=None: FastAPI then encodes answers on the event loop.
    # Validating them would take a second pool thread while the request still holds
    # its database connection: with every thread waiting for a connection, nothing
    # would be given back.
    app = FastAPI(
        title="shieldwall findings service",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    provider = Provider(config.oidc) if config.oidc is not None else None
    signer = Signer(config.session_secret)
    app.state.provider = provider
    app.state.signer = signer
    app.state.factory = factory
    app.state.worker = worker
    app.state.handlers = handlers(notify)  # what a worker runs (tests run it in step)
    app.state.config = config
    app.include_router(_router(factory, worker, config, provider, signer), prefix="/api/v1")
    if provider is not None:
        app.include_router(_signin_router(provider, signer), prefix="/auth")
    app.include_router(web_router(factory, signer, signin=provider is not None))

    @app.exception_handler(BadUpload)
    async def bad_upload(_request: Request, exc: BadUpload) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "hint": exc.hint}, status_code=400)

    return app


def _router(
    factory: sessionmaker[Session],
    worker: Worker | None,
    config: ServiceConfig,
    provider: Provider | None,
    signer: Signer,
) -> APIRouter:
    router = APIRouter()
    uploading: list[anyio.CapacityLimiter] = []

    async def session_dep() -> AsyncIterator[Session]:
        # Async, so that closing the session (giving its connection back) needs no
        # thread of the pool: with every thread waiting for a connection, a sync
        # dependency's exit could never run, and nothing would give one back.
        session = factory()
        try:
            yield session
        finally:
            session.close()

    SessionDep = Annotated[Session, Depends(session_dep)]

    def principal_dep(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        found = None
        with factory() as session:  # its own short session: an upload holds none meanwhile
            if credentials is not None:
                found = _from_bearer(session, credentials.credentials, provider)
            elif request.method in SAFE_METHODS:  # a browser's session reads, never writes
                signed_in = signer.load(request.cookies.get(SESSION_COOKIE))
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

    @router.get("/health", response_model=None, tags=["service"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

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

    @router.post(
        "/projects/{project}/scans",
        response_model=None,
        tags=["scans"],
        status_code=202,
        openapi_extra={
            "requestBody": {
                "required": True,
                "description": "a shieldwall JSON report, a SARIF 2.1.0 log or a CycloneDX SBOM",
                "content": {t: {"schema": {"type": "object"}} for t in UPLOAD_TYPES},
            }
        },
        responses={200: {"description": "this (project, commit, tool) was uploaded before"}},
    )
    async def upload(
        request: Request,
        caller: Caller,
        project: ProjectName,
        branch: Annotated[str, Query(max_length=200)] = "main",
        commit: Annotated[str, Query(max_length=200)] = "",
        tool: Annotated[str, Query(max_length=200)] = "",
    ) -> JSONResponse:
        if caller.role(project) is None:
            raise HTTPException(404, f"no project {project!r}")
        if not caller.may(project, "triager"):
            raise HTTPException(403, f"uploading needs the triager role on {project!r}")
        body = await _read_body(request, config.max_upload_bytes)

        def store() -> tuple[dict[str, Any], bool]:
            with factory() as session:
                done = accept(session, project, body, branch=branch, commit=commit, tool=tool)
                return scan_dict(done.scan, project), done.created

        if not uploading:  # made on the event loop, once per process
            uploading.append(anyio.CapacityLimiter(UPLOAD_THREADS))
        scan, created = await anyio.to_thread.run_sync(store, limiter=uploading[0])
        if created and worker is not None:
            worker.wake()
        return JSONResponse({"scan": scan}, status_code=202 if created else 200)

    @router.get("/projects/{project}/scans", response_model=None, tags=["scans"])
    def scans(
        session: SessionDep,
        caller: Caller,
        project: ProjectName,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> Response:
        p = project_for(session, caller, project, "viewer")
        return _json(
            {"scans": [scan_dict(s, p.name) for s in list_scans(session, p, limit, offset)]}
        )

    @router.get("/projects/{project}/scans/{scan_id}", response_model=None, tags=["scans"])
    def scan_get(
        session: SessionDep, caller: Caller, project: ProjectName, scan_id: int
    ) -> dict[str, Any]:
        p = project_for(session, caller, project, "viewer")
        s = session.get(Scan, scan_id)
        if s is None or s.project_id != p.id:
            raise HTTPException(404, f"no scan {scan_id} in {project!r}")
        return {"scan": scan_dict(s, p.name)}

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
        today = _today()
        expire_acceptances(session, p, today)
        found = list_findings(
            session,
            p,
            today,
            status=_split(status),
            severity=_split(severity),
            control=_split(control),
            branch=branch,
            tool=tool,
            rule=rule,
            triaged=triaged,
            limit=limit,
            offset=offset,
        )
        return _json({"findings": found})

    @router.get("/projects/{project}/findings/{finding_id}", response_model=None, tags=["findings"])
    def finding_get(
        session: SessionDep, caller: Caller, project: ProjectName, finding_id: int
    ) -> dict[str, Any]:
        p = project_for(session, caller, project, "viewer")
        found = finding_detail(session, p, finding_id, _today())
        if found is None:
            raise HTTPException(404, f"no finding {finding_id} in {project!r}")
        return {"finding": found}

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
        today = _today()
        expire_acceptances(session, p, today)
        return {
            "schema": "shieldwall/exceptions/v1",
            "project": p.name,
            "exceptions": exceptions(session, p, today),
        }

    @router.get("/projects/{project}/trends", response_model=None, tags=["findings"])
    def trends_get(session: SessionDep, caller: Caller, project: ProjectName) -> dict[str, Any]:
        p = project_for(session, caller, project, "viewer")
        return {"trends": trends(session, p)}

    @router.get("/projects/{project}/map", response_model=None, tags=["scans"])
    def service_map(
        session: SessionDep, caller: Caller, project: ProjectName, branch: str = "main"
    ) -> dict[str, Any]:
        """The service map (`shieldwall/map/v1`) of the branch's latest uploaded map."""
        p = project_for(session, caller, project, "viewer")
        found = latest_map(session, p, branch)
        if found is None:
            raise HTTPException(404, f"no service map uploaded for {project!r} on {branch!r}")
        return {"scan": scan_dict(found, p.name), "map": found.service_map}

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

    @router.get("/dashboard", response_model=None, tags=["findings"])
    def dashboard_get(session: SessionDep, caller: Caller) -> Response:
        """Open, untriaged findings by control and severity across the caller's projects,
        and per day of the last 30 the findings by control their latest scans reported."""
        names = list(caller.grants)
        return _json(
            {**dashboard(session, names), "trend": control_trend(session, names, _today())}
        )

    @router.get("/projects/{project}/tokens", response_model=None, tags=["access"])
    def tokens(session: SessionDep, caller: Caller, project: ProjectName) -> dict[str, Any]:
        project_for(session, caller, project, "admin")
        rows = session.scalars(select(Token).order_by(Token.id))
        return {"tokens": [_token_dict(t) for t in rows if project in t.grants]}

    @router.post(
        "/projects/{project}/tokens", response_model=None, tags=["access"], status_code=201
    )
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

    @router.get("/projects/{project}/members", response_model=None, tags=["access"])
    def members(session: SessionDep, caller: Caller, project: ProjectName) -> dict[str, Any]:
        p = project_for(session, caller, project, "admin")
        rows = session.scalars(
            select(Member).where(Member.project_id == p.id).order_by(Member.email)
        )
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
            select(AuditEntry)
            .where(AuditEntry.project_id == p.id)
            .order_by(AuditEntry.id)
            .limit(limit)
        )
        return {
            "audit": [
                {"id": a.id, "at": iso(a.at), "actor": a.actor, "action": a.action, **a.detail}
                for a in rows
            ]
        }

    return router


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


def _signin_router(provider: Provider, signer: Signer) -> APIRouter:
    router = APIRouter(tags=["sign-in"])

    def callback_url(request: Request) -> str:
        return str(request.url_for("signin_callback"))

    @router.get("/login", response_model=None)
    def login(request: Request, next: str = "/") -> RedirectResponse:
        url, pending = provider.begin(callback_url(request))
        safe_next = next if next.startswith("/") and not next.startswith("//") else "/"
        # The provider's own authorization endpoint, from its discovery document.
        response = RedirectResponse(url, status_code=303)  # shieldwall: ignore[PY-OPEN-REDIRECT]
        response.set_cookie(
            SIGNIN_COOKIE,
            signer.dump({**pending, "next": safe_next}, seconds=600),
            httponly=True,
            samesite="lax",
            max_age=600,
            secure=request.url.scheme == "https",
        )
        return response

    @router.get("/callback", response_model=None, name="signin_callback")
    def callback(request: Request, code: str = "", state: str = "") -> RedirectResponse:
        pending = signer.load(request.cookies.get(SIGNIN_COOKIE))
        if pending is None or not code or not secrets.compare_digest(state, pending["state"]):
            raise HTTPException(401, "sign-in refused: start again from /auth/login")
        try:
            claims = provider.finish(code, pending, callback_url(request))
        except SignInRefused as exc:
            raise HTTPException(401, exc.message) from None
        email = claims.get("email")
        if not isinstance(email, str) or claims.get("email_verified") is False:
            raise HTTPException(401, "sign-in refused: the provider vouches for no e-mail")
        # `next` is a path on this site, checked at /login and kept in a cookie we signed.
        response = RedirectResponse(
            pending.get("next", "/"), status_code=303
        )  # shieldwall: ignore[PY-OPEN-REDIRECT]
        response.delete_cookie(SIGNIN_COOKIE)
        response.set_cookie(
            SESSION_COOKIE,
            # The roles its groups give, fixed at sign-in (for the session's 8 hours).
            signer.dump(
                {"email": email.lower(), "group_grants": provider.settings.grants_of(claims)}
            ),
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
        return response

    @router.get("/logout", response_model=None)
    def logout() -> RedirectResponse:
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    return router


def _json(body: dict[str, Any]) -> Response:
    """An answer encoded by orjson at once: FastAPI's own encoder walks every value
    in Python first, which costs more than the query behind a list of findings."""
    return Response(orjson.dumps(body), media_type="application/json")


def _split(values: list[str]) -> list[str]:
    """`?status=open,fixed` and `?status=open&status=fixed` alike."""
    return [v for value in values for v in value.split(",") if v]


def _token_dict(t: Token) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": t.name,
        "grants": t.grants,
        "created_at": iso(t.created_at),
        "expires_at": iso(t.expires_at),
        "revoked_at": iso(t.revoked_at),
    }


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the upload is over {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the upload is over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
