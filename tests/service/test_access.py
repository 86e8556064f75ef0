"""Access: a token of project A reads, writes and triages nothing of project B, on
every route of the OpenAPI description (so a new route cannot be forgotten); expired
and revoked tokens are refused; roles; tokens hashed at rest; the audit log."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from sqlalchemy import select

from shieldwall.service.tables import Token
from tests.service.conftest import Service, auth, finding, report

PUBLIC = {("get", "/api/v1/health")}
# A route naming a row by its id: under A's own project, B's id must not be found.
_ID_OF_ROW = re.compile(r"\{\w+_id\}")


def _example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """A valid value for a request body schema: the tests must be refused for who
    they are, not for what they send."""
    if "$ref" in schema:
        return _example(components[schema["$ref"].rsplit("/", 1)[1]], components)
    if "anyOf" in schema:
        return _example(schema["anyOf"][0], components)
    known = {"decision": "accepted-risk", "role": "admin", "expires": "2099-01-01"}
    if schema.get("type") == "object":
        props = schema.get("properties", {})
        out = {name: _example(s, components) for name, s in props.items()}
        for name in out:
            if name in known:
                out[name] = known[name]
        if "expires" in out:  # within a year
            out["expires"] = (dt.date.today() + dt.timedelta(days=30)).isoformat()
        return out
    return {"string": "x", "integer": 1, "boolean": True}.get(schema.get("type", "string"), "x")


def _b_state(service: Service, token: str, project: str) -> dict[str, Any]:
    def get(tail: str) -> Any:
        return service.get(token, f"/api/v1/projects/{project}/{tail}").json()

    return {
        "findings": get("findings"),
        "scans": get("scans"),
        "tokens": get("tokens"),
        "audit": get("audit"),
        "exceptions": get("exceptions"),
        "members": get("members"),
        "map": get("map"),
    }


@pytest.fixture
def two_projects(service: Service, project: str) -> dict[str, Any]:
    a, b = f"{project}-a", f"{project}-b"
    b_admin = service.token({b: "admin"}, name="b-admin")
    service.token({b: "viewer"}, name="b-victim")
    service.upload(b_admin, b, report([finding(1), finding(2)]), commit="b1")
    sbom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "components": [{"name": f"secretlib-{project}", "version": "1.0"}],
    }
    service.upload(b_admin, b, sbom, commit="b2")
    secret_map = {"schema": "shieldwall/map/v1", "nodes": [{"id": f"svc-{project}"}], "edges": []}
    service.upload(b_admin, b, secret_map, commit="b3")
    service.upload(service.token({a: "admin"}), a, report([finding(7)]), commit="a1")
    member = service.client.put(
        f"/api/v1/projects/{b}/members/someone@example.org",
        json={"role": "triager"},
        headers=auth(b_admin),
    )
    assert member.status_code == 200
    state = _b_state(service, b_admin, b)
    with service.app.state.factory() as session:
        victim_id = session.scalar(select(Token.id).where(Token.name == "b-victim"))
    return {
        "a": a,
        "b": b,
        "a_admin": service.token({a: "admin"}),
        "b_admin": b_admin,
        "b_state": state,
        "ids": {
            "project": b,
            "finding_id": state["findings"]["findings"][0]["id"],
            "scan_id": state["scans"]["scans"][0]["id"],
            "fingerprint": state["findings"]["findings"][0]["fingerprint"],
            "token_id": victim_id,
            "email": "someone@example.org",
        },
        "component": f"secretlib-{project}",
    }


def _operations(service: Service) -> list[tuple[str, str, dict[str, Any]]]:
    spec = service.client.get("/api/v1/openapi.json").json()
    return [
        (method, path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "delete", "patch"}
    ]


def _call(
    service: Service,
    method: str,
    path: str,
    op: dict[str, Any],
    ids: dict[str, Any],
    token: str,
    component: str,
) -> Any:
    spec = service.client.get("/api/v1/openapi.json").json()
    url = re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)
    params = {
        p["name"]: component if p["name"] == "name" else "x"
        for p in op.get("parameters", [])
        if p["in"] == "query" and p.get("required")
    }
    body = None
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        schema = content["application/json"].get("schema", {})
        body = _example(schema, spec["components"]["schemas"])
        if path.endswith("/scans"):
            body = report([finding(99)])
    return service.client.request(
        method.upper(),
        url,
        params=params,
        content=json.dumps(body).encode() if body is not None else None,
        headers={**auth(token), "Content-Type": "application/json"},
    )


def test_a_token_of_project_a_reaches_nothing_of_project_b(
    service: Service, two_projects: dict[str, Any]
) -> None:
    b = two_projects["b"]
    operations = _operations(service)
    assert len(operations) >= 15
    for method, path, op in operations:
        if (method, path) in PUBLIC:
            continue
        # B's names and ids, under B's project and under A's own project.
        for project in (b, two_projects["a"]):
            ids = {**two_projects["ids"], "project": project}
            response = _call(
                service, method, path, op, ids, two_projects["a_admin"], two_projects["component"]
            )
            where = f"{method.upper()} {path} with project {project}"
            if "{project}" in path and (project == b or _ID_OF_ROW.search(path)):
                assert response.status_code in (403, 404), where
            else:
                assert response.status_code < 500, where
                assert b not in response.text, where
                assert two_projects["component"] not in response.text, where
        service.drain()
    assert _b_state(service, two_projects["b_admin"], b) == two_projects["b_state"]


def test_every_route_but_health_needs_a_live_token(
    service: Service, two_projects: dict[str, Any]
) -> None:
    expired = service.token({two_projects["b"]: "admin"}, expires_in=dt.timedelta(seconds=-1))
    revoked = service.token({two_projects["b"]: "admin"}, name="to-revoke")
    with service.app.state.factory() as session:
        revoked_id = session.scalar(select(Token.id).where(Token.name == "to-revoke"))
    gone = service.client.delete(
        f"/api/v1/projects/{two_projects['b']}/tokens/{revoked_id}",
        headers=auth(two_projects["b_admin"]),
    )
    assert gone.status_code == 200
    for method, path, op in _operations(service):
        if (method, path) in PUBLIC:
            continue
        for token in ("", "swt_" + "x" * 43, expired, revoked):
            response = _call(
                service, method, path, op, two_projects["ids"], token, two_projects["component"]
            )
            assert response.status_code == 401, f"{method.upper()} {path}"


def test_roles_bound_what_a_token_may_do(service: Service, project: str) -> None:
    admin = service.token({project: "admin"})
    service.upload(admin, project, report([finding(1)]), commit="c")
    viewer = service.token({project: "viewer"})
    triager = service.token({project: "triager"})
    url = f"/api/v1/projects/{project}"
    triage = {"decision": "false-positive", "reason": "test fixture"}
    assert service.upload(viewer, project, report([]), commit="d").status_code == 403
    put = service.client.put(f"{url}/triage/fp-1", json=triage, headers=auth(viewer))
    assert put.status_code == 403
    assert service.client.put(f"{url}/triage/fp-1", json=triage, headers=auth(triager)).is_success
    assert service.get(triager, f"{url}/tokens").status_code == 403
    assert service.get(triager, f"{url}/audit").status_code == 403
    made = service.client.post(f"{url}/tokens", json={"role": "viewer"}, headers=auth(admin))
    assert made.status_code == 201
    assert service.get(made.json()["token"], f"{url}/findings").status_code == 200


def test_tokens_are_kept_only_as_hashes(service: Service, project: str) -> None:
    text = service.token({project: "viewer"}, name="hashed")
    with service.app.state.factory() as session:
        row = session.scalar(select(Token).where(Token.name == "hashed"))
        stored = json.dumps({c.name: str(getattr(row, c.name)) for c in Token.__table__.columns})
    assert text not in stored
    assert text[4:] not in stored


def test_triage_and_permission_changes_are_audited(service: Service, project: str) -> None:
    admin = service.token({project: "admin"}, name="boss")
    service.upload(admin, project, report([finding(1)]), commit="c")
    url = f"/api/v1/projects/{project}"
    service.client.put(
        f"{url}/triage/fp-1",
        json={"decision": "false-positive", "reason": "test data"},
        headers=auth(admin),
    )
    service.client.delete(f"{url}/triage/fp-1", headers=auth(admin))
    made = service.client.post(f"{url}/tokens", json={"role": "viewer"}, headers=auth(admin))
    service.client.delete(f"{url}/tokens/{made.json()['id']}", headers=auth(admin))
    audit = service.get(admin, f"{url}/audit").json()["audit"]
    actions = [a["action"] for a in audit]
    assert actions == ["token.create", "triage.set", "triage.clear", "token.create", "token.revoke"]
    assert all(a["actor"].endswith(":boss") for a in audit[1:])
