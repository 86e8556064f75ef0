"""The REST API under /api/v1 (OpenAPI at /api/v1/openapi.json), assembled from
the routers of `service.routes`, one per resource.

Every route but /health needs `Authorization: Bearer TOKEN`. A project the caller
holds no role on answers 404, as if it did not exist; a role too low answers 403."""

from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shieldwall import __version__
from shieldwall.service import web
from shieldwall.service.config import ServiceConfig as ServiceConfig
from shieldwall.service.database import POOL_CONNECTIONS, migrate, open_engine, sessions
from shieldwall.service.errors import BadUpload
from shieldwall.service.jobs import Worker, handlers
from shieldwall.service.monitor import webhook_sender
from shieldwall.service.oidc import Provider, Signer
from shieldwall.service.routes import (
    findings,
    health,
    members,
    projects,
    sboms,
    scans,
    signin,
    tokens,
    triage,
)
from shieldwall.service.routes.deps import ServiceState
from shieldwall.service.routes.scans import UPLOAD_THREADS

# In this order in the OpenAPI document.
API_ROUTERS = (health, projects, scans, findings, triage, sboms, tokens, members)


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
    app.state.service = ServiceState(factory, worker, config, provider, signer)
    app.state.provider = provider
    app.state.signer = signer
    app.state.factory = factory
    app.state.worker = worker
    app.state.handlers = handlers(notify)  # what a worker runs (tests run it in step)
    app.state.config = config
    for module in API_ROUTERS:
        app.include_router(module.router, prefix="/api/v1")
    if provider is not None:
        app.include_router(signin.router, prefix="/auth")
    app.include_router(web.router)

    @app.exception_handler(BadUpload)
    async def bad_upload(_request: Request, exc: BadUpload) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "hint": exc.hint}, status_code=400)

    return app
