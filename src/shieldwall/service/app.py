"""The ASGI application as `uvicorn` workers build it, from the environment."""

from __future__ import annotations

import os
import secrets

from fastapi import FastAPI

from shieldwall.service.api import ServiceConfig, create_app
from shieldwall.service.database import default_url
from shieldwall.service.oidc import OidcSettings


def _oidc() -> OidcSettings | None:
    issuer = os.environ.get("SHIELDWALL_OIDC_ISSUER")
    client = os.environ.get("SHIELDWALL_OIDC_CLIENT_ID")
    if not issuer or not client:
        return None
    return OidcSettings(
        issuer=issuer,
        client_id=client,
        client_secret=os.environ.get("SHIELDWALL_OIDC_CLIENT_SECRET", ""),
        audience=os.environ.get("SHIELDWALL_OIDC_AUDIENCE", ""),
    )


def app_from_env() -> FastAPI:
    """`SHIELDWALL_DATABASE` (URL), `SHIELDWALL_WORKER` (0: API only) and
    `SHIELDWALL_WEBHOOK` (where new critical/high advisories are announced),
    `SHIELDWALL_OIDC_ISSUER` / `_CLIENT_ID` / `_CLIENT_SECRET` / `_AUDIENCE` (sign-in),
    `SHIELDWALL_SESSION_SECRET` (signs sessions: the same on every replica)."""
    secret = os.environ.get("SHIELDWALL_SESSION_SECRET", "")
    return create_app(
        ServiceConfig(
            oidc=_oidc(),
            session_secret=secret.encode() if secret else secrets.token_bytes(32),
            database=os.environ.get("SHIELDWALL_DATABASE") or default_url(),
            worker=os.environ.get("SHIELDWALL_WORKER", "1") != "0",
            migrate=False,
            webhook=os.environ.get("SHIELDWALL_WEBHOOK") or None,
        )
    )
