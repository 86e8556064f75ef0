"""Triage: decisions with what they require, exceptions for CI, an expired
acceptance reopening its finding, a finding marked fixed that comes back."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from shieldwall.service.tables import Triage
from tests.service.conftest import Service, auth, finding, report


def _put(service: Service, token: str, project: str, fp: str, body: dict) -> int:
    url = f"/api/v1/projects/{project}/triage/{fp}"
    return service.client.put(url, json=body, headers=auth(token)).status_code


def _findings(service: Service, token: str, project: str) -> dict:
    found = service.get(token, f"/api/v1/projects/{project}/findings").json()["findings"]
    return {f["fingerprint"]: f for f in found}


def test_an_accepted_risk_needs_reason_owner_and_a_near_expiry(
    service: Service, project: str
) -> None:
    token = service.token({project: "triager"})
    soon = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    base = {"decision": "accepted-risk", "reason": "behind the VPN", "owner": "ops"}
    assert _put(service, token, project, "fp-1", {**base}) == 400
    assert _put(service, token, project, "fp-1", {**base, "owner": "", "expires": soon}) == 400
    assert _put(service, token, project, "fp-1", {**base, "reason": " ", "expires": soon}) == 400
    assert _put(service, token, project, "fp-1", {**base, "expires": "2000-01-01"}) == 400
    assert _put(service, token, project, "fp-1", {**base, "expires": "2099-01-01"}) == 400
    assert _put(service, token, project, "fp-1", {"decision": "ignore", "reason": "x"}) == 400
    assert _put(service, token, project, "fp-1", {**base, "expires": soon}) == 200


def test_exceptions_list_live_false_positives_and_acceptances(
    service: Service, project: str
) -> None:
    token = service.token({project: "triager"})
    service.upload(token, project, report([finding(1), finding(2), finding(3)]), commit="a")
    soon = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    _put(service, token, project, "fp-1", {"decision": "false-positive", "reason": "test data"})
    accepted = {"decision": "accepted-risk", "reason": "r", "owner": "o", "expires": soon}
    _put(service, token, project, "fp-2", accepted)
    _put(service, token, project, "fp-3", {"decision": "fixed", "reason": "patched"})
    doc = service.get(token, f"/api/v1/projects/{project}/exceptions").json()
    assert doc["schema"] == "shieldwall/exceptions/v1"
    assert [(e["fingerprint"], e["decision"]) for e in doc["exceptions"]] == [
        ("fp-1", "false-positive"),
        ("fp-2", "accepted-risk"),
    ]
    state = _findings(service, token, project)
    assert state["fp-3"]["status"] == "fixed"
    assert state["fp-1"]["suppressed_by_triage"] is True


def test_an_expired_acceptance_reopens_its_finding(service: Service, project: str) -> None:
    token = service.token({project: "admin"})
    service.upload(token, project, report([finding(1)]), commit="a")
    soon = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    accepted = {"decision": "accepted-risk", "reason": "r", "owner": "o", "expires": soon}
    _put(service, token, project, "fp-1", accepted)
    with service.app.state.factory() as session:  # a day goes by, twice
        session.execute(update(Triage).values(expires=dt.date.today() - dt.timedelta(days=1)))
        session.commit()
    doc = service.get(token, f"/api/v1/projects/{project}/exceptions").json()
    assert doc["exceptions"] == []
    state = _findings(service, token, project)["fp-1"]
    assert state["status"] == "reopened"
    assert state["triage"] is None
    actions = [
        a["action"] for a in service.get(token, f"/api/v1/projects/{project}/audit").json()["audit"]
    ]
    assert actions[-1] == "triage.expired"


def test_a_finding_marked_fixed_that_comes_back_is_reopened(service: Service, project: str) -> None:
    token = service.token({project: "triager"})
    service.upload(token, project, report([finding(1)]), commit="a")
    _put(service, token, project, "fp-1", {"decision": "fixed", "reason": "patched"})
    service.upload(token, project, report([finding(1)]), commit="b")
    state = _findings(service, token, project)["fp-1"]
    assert state["status"] == "reopened"
    assert state["triage"] is None


def test_triage_holds_on_every_branch(service: Service, project: str) -> None:
    token = service.token({project: "triager"})
    service.upload(token, project, report([finding(1)]), commit="a", branch="main")
    _put(service, token, project, "fp-1", {"decision": "false-positive", "reason": "fixture"})
    service.upload(token, project, report([finding(1)]), commit="b", branch="feature")
    found = service.get(token, f"/api/v1/projects/{project}/findings", branch="feature").json()
    assert found["findings"][0]["suppressed_by_triage"] is True
    untriaged = service.get(token, f"/api/v1/projects/{project}/findings", triaged="false")
    assert untriaged.json()["findings"] == []
