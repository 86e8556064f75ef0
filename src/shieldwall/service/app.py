"""The ASGI application as `uvicorn` workers build it, from the environment."""

from __future__ import annotations

import os

from fastapi import FastAPI

from shieldwall.service.api import ServiceConfig, create_app
from shieldwall.service.database import default_url


def app_from_env() -> FastAPI:
    """`SHIELDWALL_DATABASE` (URL), `SHIELDWALL_WORKER` (0: API only) and
    `SHIELDWALL_WEBHOOK` (where new critical/high advisories are announced)."""
    return create_app(
        ServiceConfig(
            database=os.environ.get("SHIELDWALL_DATABASE") or default_url(),
            worker=os.environ.get("SHIELDWALL_WORKER", "1") != "0",
            migrate=False,
            webhook=os.environ.get("SHIELDWALL_WEBHOOK") or None,
        )
    )
