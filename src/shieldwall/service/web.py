"""The web interface, rendered on the server (Jinja2): the dashboard per control,
a project's findings with filters, a finding's history and triage, SBOM search.
People sign in with OpenID Connect; a form that changes something carries the
session's CSRF token."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from shieldwall.model import Control, Severity
from shieldwall.service.access import Principal, principal_for_email
from shieldwall.service.errors import BadUpload
from shieldwall.service.ingest import project_named
from shieldwall.service.queries import (
    control_trend,
    dashboard,
    expire_acceptances,
    finding_detail,
    latest_map,
    list_findings,
    search_components,
)
from shieldwall.service.routes.deps import SESSION_COOKIE, service_of
from shieldwall.service.triage import Decision, set_triage

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
SEVERITIES = [s.value for s in Severity]
CONTROLS = [c.value for c in Control]


router = APIRouter(include_in_schema=False)


def person(request: Request, session: Session) -> Principal | None:
    signed_in = service_of(request).signer.load(request.cookies.get(SESSION_COOKIE))
    if signed_in is None:
        return None
    return principal_for_email(session, str(signed_in["email"]), signed_in.get("group_grants"))


def page(request: Request, template: str, who: Principal | None, **context: Any) -> Response:
    user = who.name.removeprefix("user:") if who else ""
    return TEMPLATES.TemplateResponse(
        request, template, {"user": user, "severities": SEVERITIES, **context}
    )


def sign_in_first(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return page(
        request, "signin.html", None, enabled=service_of(request).provider is not None, next=target
    )


def project_of(session: Session, who: Principal, name: str) -> Any:
    found = project_named(session, name) if who.role(name) else None
    if found is None:
        raise HTTPException(404, f"no project {name!r}")
    return found


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    with service_of(request).factory() as session:
        who = person(request, session)
        if who is None:
            return sign_in_first(request)
        board = dashboard(session, list(who.grants))
        trend = control_trend(session, list(who.grants), dt.date.today(), days=14)
    projects = [(n, who.role(n), _sum(board["projects"][n])) for n in sorted(who.grants)]
    shown = sorted({c for day in trend for c in day["by_control"]})
    return page(
        request,
        "dashboard.html",
        who,
        controls=board["controls"],
        projects=projects,
        trend=trend,
        trend_controls=shown,
    )


@router.get("/ui/projects/{project}", response_class=HTMLResponse)
def project_page(
    request: Request,
    project: str,
    status: str = "open",
    severity: str = "",
    control: str = "",
    branch: str = "",
) -> Response:
    with service_of(request).factory() as session:
        who = person(request, session)
        if who is None:
            return sign_in_first(request)
        p = project_of(session, who, project)
        today = dt.date.today()
        expire_acceptances(session, p, today)
        found = list_findings(
            session,
            p,
            today,
            status=[status] if status else [],
            severity=[severity] if severity else [],
            control=[control] if control else [],
            branch=branch or None,
            limit=1000,
        )
    return page(
        request,
        "project.html",
        who,
        project=project,
        findings=found,
        status=status,
        severity=severity,
        control=control,
        branch=branch,
        controls=CONTROLS,
    )


def finding_page(
    request: Request,
    session: Session,
    who: Principal,
    project: str,
    finding_id: int,
    error: str = "",
) -> Response:
    p = project_of(session, who, project)
    found = finding_detail(session, p, finding_id, dt.date.today())
    if found is None:
        raise HTTPException(404, f"no finding {finding_id}")
    return page(
        request,
        "finding.html",
        who,
        project=project,
        f=found,
        can_triage=who.may(project, "triager"),
        csrf=service_of(request).signer.csrf(request.cookies.get(SESSION_COOKIE, "")),
        error=error,
    )


@router.get("/ui/projects/{project}/findings/{finding_id}", response_class=HTMLResponse)
def finding_get(request: Request, project: str, finding_id: int) -> Response:
    with service_of(request).factory() as session:
        who = person(request, session)
        if who is None:
            return sign_in_first(request)
        return finding_page(request, session, who, project, finding_id)


@router.post("/ui/projects/{project}/findings/{finding_id}/triage")
async def triage_post(request: Request, project: str, finding_id: int) -> Response:
    body = await request.body()
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    cookie = request.cookies.get(SESSION_COOKIE, "")
    if not cookie or form.get("csrf") != service_of(request).signer.csrf(cookie):
        raise HTTPException(403, "the form is stale or not from this site: reload the page")
    with service_of(request).factory() as session:
        who = person(request, session)
        if who is None:
            raise HTTPException(401, "sign in first")
        if not who.may(project, "triager"):
            raise HTTPException(403, f"triage needs the triager role on {project!r}")
        p = project_of(session, who, project)
        found = finding_detail(session, p, finding_id, dt.date.today())
        if found is None:
            raise HTTPException(404, f"no finding {finding_id}")
        try:
            expires = dt.date.fromisoformat(form["expires"]) if form.get("expires") else None
            decision = Decision(
                form.get("decision", ""), form.get("reason", ""), form.get("owner", ""), expires
            )
            set_triage(session, p, found["fingerprint"], decision, who.name)
        except (BadUpload, ValueError) as exc:
            session.rollback()
            message = exc.message if isinstance(exc, BadUpload) else str(exc)
            return finding_page(request, session, who, project, finding_id, error=message)
        session.commit()
    target = f"/ui/projects/{quote(project)}/findings/{finding_id}"
    return RedirectResponse(target, status_code=303)


@router.get("/ui/projects/{project}/map", response_class=HTMLResponse)
def map_page(request: Request, project: str, branch: str = "main") -> Response:
    with service_of(request).factory() as session:
        who = person(request, session)
        if who is None:
            return sign_in_first(request)
        found = latest_map(session, project_of(session, who, project), branch)
    shown = found.service_map if found is not None else None
    return page(request, "map.html", who, project=project, branch=branch, map=shown)


@router.get("/ui/sbom", response_class=HTMLResponse)
def sbom(request: Request, name: str = "", version: str = "") -> Response:
    with service_of(request).factory() as session:
        who = person(request, session)
        if who is None:
            return sign_in_first(request)
        hits = (
            search_components(session, list(who.grants), name[:300], version or None, 500)
            if name
            else []
        )
    return page(request, "sbom.html", who, name=name, version=version, components=hits)


def _sum(by_control: dict[str, dict[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for counts in by_control.values():
        for severity, n in counts.items():
            out[severity] = out.get(severity, 0) + n
    return out
