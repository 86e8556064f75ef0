"""Uploading scans (a shieldwall report, SARIF or a CycloneDX SBOM), their status,
and the latest service map of a branch."""

from typing import Annotated, Any

import anyio
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from shieldwall.service.ingest import accept
from shieldwall.service.queries import latest_map, list_scans, scan_dict
from shieldwall.service.routes.deps import (
    Caller,
    ProjectName,
    SessionDep,
    json_response,
    project_for,
    service_of,
)
from shieldwall.service.tables import Scan

UPLOAD_TYPES = ["application/json", "application/sarif+json", "application/vnd.cyclonedx+json"]
UPLOAD_THREADS = 4  # per process, out of POOL_CONNECTIONS

router = APIRouter()


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
    service = service_of(request)
    body = await _read_body(request, service.config.max_upload_bytes)

    def store() -> tuple[dict[str, Any], bool]:
        with service.factory() as session:
            done = accept(session, project, body, branch=branch, commit=commit, tool=tool)
            return scan_dict(done.scan, project), done.created

    if not service.uploading:  # made on the event loop, once per process
        service.uploading.append(anyio.CapacityLimiter(UPLOAD_THREADS))
    scan, created = await anyio.to_thread.run_sync(store, limiter=service.uploading[0])
    if created and service.worker is not None:
        service.worker.wake()
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
    return json_response(
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
