"""The web pages without a browser: sign-in first, CSRF on triage, roles."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shieldwall.service.api import ServiceConfig, create_app
from shieldwall.service.oidc import Signer
from tests.service.conftest import Service, auth, finding, report


def _signed_in(client: TestClient, email: str) -> str:
    signer: Signer = client.app.state.signer  # type: ignore[attr-defined]
    cookie = signer.dump({"email": email})
    client.cookies.set("shieldwall_session", cookie)
    return cookie


def test_pages_ask_to_sign_in_first(database: str) -> None:
    with TestClient(create_app(ServiceConfig(database=database, worker=False))) as client:
        for url in ("/", "/ui/projects/x", "/ui/sbom?name=log4j"):
            page = client.get(url)
            assert page.status_code == 200
            assert "Sign in" in page.text


def test_triage_from_the_page_needs_the_csrf_token_and_the_role(
    database: str, project: str
) -> None:
    with TestClient(create_app(ServiceConfig(database=database, worker=False))) as client:
        service = Service(client)
        admin = service.token({project: "admin"})
        service.upload(admin, project, report([finding(1, message="<script>x</script>")]),
                       commit="c")  # fmt: skip
        for email, role in (("t@example.org", "triager"), ("v@example.org", "viewer")):
            url = f"/api/v1/projects/{project}/members/{email}"
            client.put(url, json={"role": role}, headers=auth(admin))
        fid = service.get(admin, f"/api/v1/projects/{project}/findings").json()["findings"][0]["id"]
        page_url = f"/ui/projects/{project}/findings/{fid}"
        form = {"decision": "false-positive", "reason": "fixture"}

        cookie = _signed_in(client, "t@example.org")
        listing = client.get(f"/ui/projects/{project}")
        assert "&lt;script&gt;" in listing.text and "<script>x" not in listing.text
        assert client.post(f"{page_url}/triage", data=form).status_code == 403  # no token
        signer: Signer = client.app.state.signer  # type: ignore[attr-defined]
        done = client.post(f"{page_url}/triage", data={**form, "csrf": signer.csrf(cookie)},
                           follow_redirects=False)  # fmt: skip
        assert done.status_code == 303
        assert "false-positive" in client.get(page_url).text

        viewer = _signed_in(client, "v@example.org")
        assert 'id="triage"' not in client.get(page_url).text
        refused = client.post(f"{page_url}/triage", data={**form, "csrf": signer.csrf(viewer)})
        assert refused.status_code == 403

        _signed_in(client, "stranger@example.org")
        assert client.get(page_url).status_code == 404
