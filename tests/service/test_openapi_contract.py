"""The REST API's contract: every operation keeps its method, path, operation id and
tag whichever module declares its route (clients are generated from the ids)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from shieldwall.service.api import ServiceConfig, create_app
from shieldwall.service.oidc import OidcSettings

NOT_WORD = re.compile(r"\W")
# (method, path, the name its operation id starts with, tag)
OPERATIONS = [
    ("GET", "/api/v1/health", "health", "service"),
    ("GET", "/api/v1/projects", "projects", "projects"),
    ("GET", "/api/v1/projects/{project}", "project_get", "projects"),
    ("POST", "/api/v1/projects/{project}/scans", "upload", "scans"),
    ("GET", "/api/v1/projects/{project}/scans", "scans", "scans"),
    ("GET", "/api/v1/projects/{project}/scans/{scan_id}", "scan_get", "scans"),
    ("GET", "/api/v1/projects/{project}/findings", "findings", "findings"),
    ("GET", "/api/v1/projects/{project}/findings/{finding_id}", "finding_get", "findings"),
    ("PUT", "/api/v1/projects/{project}/triage/{fingerprint}", "triage_put", "triage"),
    ("DELETE", "/api/v1/projects/{project}/triage/{fingerprint}", "triage_delete", "triage"),
    ("GET", "/api/v1/projects/{project}/exceptions", "exceptions_get", "triage"),
    ("GET", "/api/v1/projects/{project}/trends", "trends_get", "findings"),
    ("GET", "/api/v1/projects/{project}/map", "service_map", "scans"),
    ("GET", "/api/v1/projects/{project}/sboms", "sboms", "sboms"),
    ("GET", "/api/v1/components", "components", "sboms"),
    ("GET", "/api/v1/dashboard", "dashboard_get", "findings"),
    ("GET", "/api/v1/projects/{project}/tokens", "tokens", "access"),
    ("POST", "/api/v1/projects/{project}/tokens", "token_post", "access"),
    ("DELETE", "/api/v1/projects/{project}/tokens/{token_id}", "token_delete", "access"),
    ("GET", "/api/v1/projects/{project}/members", "members", "access"),
    ("PUT", "/api/v1/projects/{project}/members/{email}", "member_put", "access"),
    ("DELETE", "/api/v1/projects/{project}/members/{email}", "member_delete", "access"),
    ("GET", "/api/v1/projects/{project}/audit", "audit_get", "access"),
    ("GET", "/auth/login", "login", "sign-in"),
    ("GET", "/auth/callback", "signin_callback", "sign-in"),
    ("GET", "/auth/logout", "logout", "sign-in"),
]


def _operations(document: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    return {
        (method.upper(), path, op["operationId"], op["tags"][0])
        for path, ops in document["paths"].items()
        for method, op in ops.items()
    }


def _expected(rows: list[tuple[str, str, str, str]]) -> set[tuple[str, str, str, str]]:
    """FastAPI's operation id: the route's name, its path and its method."""
    return {
        (method, path, name + NOT_WORD.sub("_", path) + "_" + method.lower(), tag)
        for method, path, name, tag in rows
    }


def test_every_operation_keeps_its_method_path_operation_id_and_tag(tmp_path: Path) -> None:
    oidc = OidcSettings(issuer="https://idp.example", client_id="shieldwall")
    config = ServiceConfig(database=f"sqlite:///{tmp_path / 'api.db'}", worker=False, oidc=oidc)
    document = create_app(config).openapi()
    assert _operations(document) == _expected(OPERATIONS)
    assert {"MemberBody", "TokenBody", "TriageBody"} <= set(document["components"]["schemas"])


def test_without_sign_in_the_auth_routes_are_absent(tmp_path: Path) -> None:
    config = ServiceConfig(database=f"sqlite:///{tmp_path / 'api.db'}", worker=False)
    api_only = [row for row in OPERATIONS if not row[1].startswith("/auth/")]
    assert _operations(create_app(config).openapi()) == _expected(api_only)
