"""OpenID Connect: a provider of the test's own on 127.0.0.1. JWTs with a wrong
issuer, audience, signature or expiry are refused; the authorization code flow
with PKCE signs a member in; a browser session reads but never writes the API."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from shieldwall.service.api import ServiceConfig, create_app
from shieldwall.service.errors import ServiceError
from shieldwall.service.oidc import OidcSettings, parse_group_roles
from tests.service.conftest import Service, auth, finding, report
from tests.service.oidc_provider import CLIENT_ID, Provider, oidc_provider


@pytest.fixture
def signed(database: str, project: str) -> Iterator[tuple[Service, Provider, str]]:
    with oidc_provider() as provider:
        provider.email = f"dev-{project}@example.org"  # the session's database is shared
        settings = OidcSettings(issuer=provider.issuer, client_id=CLIENT_ID)
        app = create_app(ServiceConfig(database=database, worker=False, oidc=settings))
        with TestClient(app) as client:
            service = Service(client)
            admin = service.token({project: "admin"})
            service.upload(admin, project, report([finding(1)]), commit="c")
            url = f"/api/v1/projects/{project}/members/{provider.email}"
            assert client.put(url, json={"role": "triager"}, headers=auth(admin)).is_success
            yield service, provider, project


def test_a_valid_provider_token_gives_the_members_role(signed) -> None:
    service, provider, project = signed
    response = service.get(provider.mint(), f"/api/v1/projects/{project}/findings")
    assert response.status_code == 200
    assert [f["fingerprint"] for f in response.json()["findings"]] == ["fp-1"]


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": "http://127.0.0.1:9/other"},
        {"aud": "another-client"},
        {"exp": int(time.time()) - 3600},
        {"email": None},
        {"email_verified": False},
    ],
    ids=["issuer", "audience", "expired", "no-email", "unverified-email"],
)
def test_provider_tokens_with_wrong_claims_are_refused(signed, claims: dict[str, Any]) -> None:
    service, provider, project = signed
    response = service.get(provider.mint(**claims), f"/api/v1/projects/{project}/findings")
    assert response.status_code == 401


def test_a_token_signed_by_another_key_is_refused(signed) -> None:
    service, provider, project = signed
    forged = provider.mint(key=rsa.generate_private_key(public_exponent=65537, key_size=2048))
    assert service.get(forged, f"/api/v1/projects/{project}/findings").status_code == 401
    tampered = provider.mint()
    head, body, sig = tampered.split(".")
    assert service.get(f"{head}.{body}.{sig[:-4]}AAAA", "/api/v1/projects").status_code == 401


def test_a_non_member_sees_no_project(signed) -> None:
    service, provider, project = signed
    stranger = provider.mint(email="stranger@example.org")
    assert service.get(stranger, f"/api/v1/projects/{project}/findings").status_code == 404
    assert service.get(stranger, "/api/v1/projects").json()["projects"] == []


def _sign_in(service: Service) -> httpx.Response:
    start = service.client.get("/auth/login", params={"next": "/api/v1/projects"},
                               follow_redirects=False)  # fmt: skip
    assert start.status_code == 303
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    assert at_provider.status_code == 302
    back = urlparse(at_provider.headers["location"])
    return service.client.get(f"{back.path}?{back.query}", follow_redirects=False)


def test_the_code_flow_with_pkce_signs_a_member_in(signed) -> None:
    service, provider, project = signed
    done = _sign_in(service)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/api/v1/projects"
    assert provider.refused == []  # the provider checked the PKCE verifier
    projects = service.client.get("/api/v1/projects").json()["projects"]
    assert [(p["name"], p["role"]) for p in projects] == [(project, "triager")]
    # The browser session reads; writing the API needs a token (no cross-site forgery).
    put = service.client.put(
        f"/api/v1/projects/{project}/triage/fp-1",
        json={"decision": "false-positive", "reason": "x"},
    )
    assert put.status_code == 401


def test_a_callback_with_another_state_is_refused(signed) -> None:
    service, _provider, _project = signed
    start = service.client.get("/auth/login", follow_redirects=False)
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    back = urlparse(at_provider.headers["location"])
    forged = back.query.replace("state=", "state=x")
    refused = service.client.get(f"{back.path}?{forged}", follow_redirects=False)
    assert refused.status_code == 401
    assert "shieldwall_session" not in refused.cookies


@pytest.fixture
def grouped(database: str, project: str) -> Iterator[tuple[Service, Provider, str]]:
    """OIDC with `platform` mapped to admin and `devs` to viewer of the project."""
    with oidc_provider() as provider:
        provider.email = f"nobody-{project}@example.org"  # a member of no project
        settings = OidcSettings(
            issuer=provider.issuer,
            client_id=CLIENT_ID,
            group_roles=parse_group_roles([f"platform={project}:admin", f"devs={project}:viewer"]),
        )
        app = create_app(ServiceConfig(database=database, worker=False, oidc=settings))
        with TestClient(app) as client:
            service = Service(client)
            service.upload(service.token({project: "admin"}), project, report([finding(1)]))
            yield service, provider, project


def test_a_provider_group_mapped_to_a_project_gives_its_role(grouped) -> None:
    service, provider, project = grouped
    audit = f"/api/v1/projects/{project}/audit"
    assert service.get(provider.mint(groups=["devs", "platform"]), audit).status_code == 200
    viewer = provider.mint(groups=["devs"])
    assert service.get(viewer, f"/api/v1/projects/{project}/findings").status_code == 200
    assert service.get(viewer, audit).status_code == 403  # viewer: no audit log
    for other in (provider.mint(groups=["sales"]), provider.mint()):
        assert service.get(other, audit).status_code == 404


def test_a_signed_in_persons_groups_give_their_roles_in_the_session(grouped) -> None:
    service, provider, project = grouped
    provider.extra = {"groups": ["devs"]}
    assert _sign_in(service).status_code == 303
    projects = service.client.get("/api/v1/projects").json()["projects"]
    assert [(p["name"], p["role"]) for p in projects] == [(project, "viewer")]


@pytest.mark.parametrize(
    "entry", ["platform", "platform=shop", "platform=shop:owner", "=shop:admin"]
)
def test_a_group_mapping_that_is_not_group_project_role_is_refused(entry: str) -> None:
    with pytest.raises(ServiceError, match="GROUP=PROJECT:ROLE"):
        parse_group_roles([entry])
