"""The ASGI application as `uvicorn` workers build it, from the environment."""

from __future__ import annotations

import os
import secrets

from fastapi import FastAPI

from shieldwall.service.api import ServiceConfig, create_app
from shieldwall.service.database import default_url
from shieldwall.service.oidc import OidcSettings, parse_group_roles


def env_or_file(name: str) -> str:
    """`$NAME`, else the content of the file `$NAME_FILE` names (a mounted Secret)."""
    value = os.environ.get(name, "")
    path = os.environ.get(f"{name}_FILE", "")
    if not value and path:
        with open(path, encoding="utf-8") as handle:
            value = handle.read().strip()
    return value


def _oidc() -> OidcSettings | None:
    issuer = os.environ.get("SHIELDWALL_OIDC_ISSUER")
    client = os.environ.get("SHIELDWALL_OIDC_CLIENT_ID")
    if not issuer or not client:
        return None
    return OidcSettings(
        issuer=issuer,
        client_id=client,
        client_secret=env_or_file("SHIELDWALL_OIDC_CLIENT_SECRET"),
        audience=os.environ.get("SHIELDWALL_OIDC_AUDIENCE", ""),
        group_roles=parse_group_roles(os.environ.get("SHIELDWALL_OIDC_GROUPS", "").split()),
        groups_claim=os.environ.get("SHIELDWALL_OIDC_GROUPS_CLAIM", "groups"),
    )


def app_from_env() -> FastAPI:
    """`SHIELDWALL_DATABASE` (URL), `SHIELDWALL_WORKER` (0: API only) and
    `SHIELDWALL_WEBHOOK` (where new critical/high advisories are announced),
    `SHIELDWALL_OIDC_ISSUER` / `_CLIENT_ID` / `_CLIENT_SECRET` / `_AUDIENCE` (sign-in),
    `SHIELDWALL_OIDC_GROUPS` (`GROUP=PROJECT:ROLE` ..., space-separated) and
    `SHIELDWALL_OIDC_GROUPS_CLAIM` (the claim naming them, `groups` by default),
    `SHIELDWALL_SESSION_SECRET` (signs sessions: the same on every replica); each
    may instead name a file in `NAME_FILE`."""
    secret = env_or_file("SHIELDWALL_SESSION_SECRET")
    return create_app(
        ServiceConfig(
            oidc=_oidc(),
            session_secret=secret.encode() if secret else secrets.token_bytes(32),
            database=env_or_file("SHIELDWALL_DATABASE") or default_url(),
            worker=os.environ.get("SHIELDWALL_WORKER", "1") != "0",
            migrate=False,
            webhook=env_or_file("SHIELDWALL_WEBHOOK") or None,
        )
    )
