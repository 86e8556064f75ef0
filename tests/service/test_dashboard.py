"""The dashboard: counts that follow ingest and triage at once, and the trend by
control per day, in the API and on the page."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from shieldwall.service.oidc import Signer
from shieldwall.service.tables import Scan
from tests.service.conftest import Service, auth, finding, report


def _counts(service: Service, token: str, project: str) -> dict[str, dict[str, int]]:
    board = service.get(token, "/api/v1/dashboard").json()
    counts: dict[str, dict[str, int]] = board["projects"][project]
    return counts


def test_the_dashboard_follows_ingest_triage_and_fixes(service: Service, project: str) -> None:
    token = service.token({project: "triager"})
    found = [
        finding(1),
        finding(2),
        finding(3, control="secrets", severity="critical"),
    ]
    service.upload(token, project, report(found), commit="a")
    assert _counts(service, token, project) == {
        "least-privilege": {"high": 2},
        "secrets": {"critical": 1},
    }
    triage = f"/api/v1/projects/{project}/triage/fp-3"
    decided = service.client.put(
        triage, json={"decision": "false-positive", "reason": "test data"}, headers=auth(token)
    )
    assert decided.status_code == 200
    assert _counts(service, token, project) == {"least-privilege": {"high": 2}}
    assert service.client.delete(triage, headers=auth(token)).status_code in (200, 204)
    assert _counts(service, token, project)["secrets"] == {"critical": 1}
    service.upload(token, project, report(found[1:]), commit="b")  # fp-1 fixed
    assert _counts(service, token, project) == {
        "least-privilege": {"high": 1},
        "secrets": {"critical": 1},
    }


def test_the_trend_gives_each_day_the_latest_scans_counts(service: Service, project: str) -> None:
    token = service.token({project: "triager"})
    old = service.upload(token, project, report([finding(n) for n in range(3)]), commit="old")
    two_days_ago = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=2)
    with service.app.state.factory() as session:
        session.execute(
            update(Scan).where(Scan.id == old.json()["scan"]["id"]).values(received_at=two_days_ago)
        )
        session.commit()
    service.upload(
        token, project, report([finding(0), finding(9, control="secrets")]), commit="new"
    )
    trend = service.get(token, "/api/v1/dashboard").json()["trend"]
    assert len(trend) == 30
    assert trend[-1]["day"] == dt.date.today().isoformat()
    assert trend[-4]["by_control"] == {}
    assert trend[-3]["by_control"] == trend[-2]["by_control"] == {"least-privilege": 3}
    assert trend[-1]["by_control"] == {"least-privilege": 1, "secrets": 1}

    admin = service.token({project: "admin"})
    member = f"/api/v1/projects/{project}/members/trend-{project}@example.org"
    assert service.client.put(member, json={"role": "viewer"}, headers=auth(admin)).is_success
    signer: Signer = service.app.state.signer
    service.client.cookies.set(
        "shieldwall_session", signer.dump({"email": f"trend-{project}@example.org"})
    )
    page = service.client.get("/")
    shown = page.text.partition('id="trend"')[2]
    assert "<td>secrets</td>" in shown and "<td>least-privilege</td>" in shown
