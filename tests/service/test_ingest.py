"""Uploads become findings of a project and branch, deduplicated by fingerprint,
with their status over scans: new, open, fixed, reopened."""

from __future__ import annotations

import json
from pathlib import Path

from tests.service.conftest import Service, finding, report


def _by_fingerprint(service: Service, token: str, project: str, **params: str) -> dict:
    found = service.get(token, f"/api/v1/projects/{project}/findings", **params).json()
    return {f["fingerprint"]: f for f in found["findings"]}


def test_a_finding_is_new_then_open_then_fixed_then_reopened(
    service: Service, project: str
) -> None:
    token = service.token({project: "triager"})
    first = service.upload(token, project, report([finding(1), finding(2)]), commit="c1")
    assert first.status_code == 202
    state = _by_fingerprint(service, token, project)
    assert {fp: f["status"] for fp, f in state.items()} == {"fp-1": "new", "fp-2": "new"}

    service.upload(token, project, report([finding(1)]), commit="c2")
    state = _by_fingerprint(service, token, project)
    assert state["fp-1"]["status"] == "open"
    assert state["fp-2"]["status"] == "fixed"
    assert state["fp-1"]["first_seen"] < state["fp-1"]["last_seen"]

    service.upload(token, project, report([finding(1), finding(2)]), commit="c3")
    state = _by_fingerprint(service, token, project)
    assert state["fp-2"]["status"] == "reopened"

    service.upload(token, project, report([finding(1), finding(2)]), commit="c4")
    assert _by_fingerprint(service, token, project)["fp-2"]["status"] == "open"
    history = service.get(token, f"/api/v1/projects/{project}/findings/{state['fp-2']['id']}")
    assert [e["status"] for e in history.json()["finding"]["history"]] == [
        "new",
        "fixed",
        "reopened",
    ]


def test_the_same_project_commit_and_tool_is_stored_once(service: Service, project: str) -> None:
    token = service.token({project: "triager"})
    doc = report([finding(1), finding(1), finding(2)])  # a duplicate inside the upload too
    first = service.upload(token, project, doc, commit="abc")
    again = service.upload(token, project, doc, commit="abc")
    assert (first.status_code, again.status_code) == (202, 200)
    assert first.json()["scan"]["id"] == again.json()["scan"]["id"]
    scans = service.get(token, f"/api/v1/projects/{project}/scans").json()["scans"]
    assert len(scans) == 1
    assert len(_by_fingerprint(service, token, project)) == 2


def test_branches_keep_their_own_state(service: Service, project: str) -> None:
    token = service.token({project: "triager"})
    service.upload(token, project, report([finding(1)]), commit="a", branch="main")
    service.upload(token, project, report([]), commit="b", branch="feature")
    main = _by_fingerprint(service, token, project, branch="main")
    assert main["fp-1"]["status"] == "new"


def test_a_diff_base_scan_fixes_nothing_it_did_not_look_at(service: Service, project: str) -> None:
    token = service.token({project: "triager"})
    service.upload(token, project, report([finding(1), finding(2)]), commit="a")
    partial = report([finding(1)], diff_base={"ref": "origin/main", "merge_base": "x"})
    service.upload(token, project, partial, commit="b")
    assert _by_fingerprint(service, token, project)["fp-2"]["status"] == "new"


def test_sarif_from_another_tool_keeps_its_rule_ids(service: Service, project: str) -> None:
    token = service.token({project: "triager"})
    sarif = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "Semgrep",
                        "rules": [
                            {
                                "id": "python.lang.security.eval",
                                "shortDescription": {"text": "eval of input"},
                                "properties": {"security-severity": "9.1"},
                            }
                        ],
                    }
                },
                "results": [
                    {
                        "ruleId": "python.lang.security.eval",
                        "level": "error",
                        "message": {"text": "eval() on a request value"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "app/views.py"},
                                    "region": {"startLine": 12},
                                }
                            }
                        ],
                    },
                    {"ruleId": "CVE-2021-44228", "level": "warning", "message": {"text": "x"}},
                ],
            }
        ],
    }
    response = service.upload(token, project, sarif, commit="s1")
    assert response.json()["scan"]["tool"] == "semgrep"
    found = service.get(token, f"/api/v1/projects/{project}/findings", tool="semgrep").json()
    rules = {f["rule"]: f for f in found["findings"]}
    assert rules["python.lang.security.eval"]["severity"] == "critical"
    assert rules["python.lang.security.eval"]["location"]["path"] == "app/views.py"
    assert rules["CVE-2021-44228"]["control"] == "supply-chain"
    assert rules["CVE-2021-44228"]["severity"] == "medium"


def test_a_cyclonedx_sbom_is_indexed_for_search(service: Service, project: str) -> None:
    token = service.token({project: "viewer", f"{project}-up": "triager"})
    up = service.token({project: "triager"})
    sbom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "metadata": {"component": {"name": "orders"}},
        "components": [
            {
                "name": "log4j-core",
                "version": "2.14.1",
                "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                "components": [{"name": "nested-lib", "version": "1.0"}],
            },
            {"name": "requests", "version": "2.31.0", "purl": "pkg:pypi/requests@2.31.0"},
        ],
    }
    assert service.upload(up, project, sbom, commit="b1").json()["scan"]["kind"] == "cyclonedx"
    hits = service.get(token, "/api/v1/components", name="LOG4J", version="2.14.1").json()
    assert [(h["project"], h["service"], h["ecosystem"]) for h in hits["components"]] == [
        (project, "orders", "maven")
    ]
    nested = service.get(token, "/api/v1/components", name="nested-lib").json()["components"]
    assert len(nested) == 1


def test_a_bad_upload_is_refused_naming_the_field(service: Service, project: str) -> None:
    token = service.token({project: "triager"})
    bad = report([finding(1), finding(2, severity="urgent")])
    response = service.upload(token, project, bad, process=False)
    assert response.status_code == 202  # accepted at once; checked by the worker
    service.drain()
    scan = service.get(token, f"/api/v1/projects/{project}/scans").json()["scans"][0]
    assert scan["status"] == "failed"
    assert "findings[1].severity" in scan["error"]
    for body in (b"not json", b"[1]", b'{"hello": 1}'):
        response = service.client.post(
            f"/api/v1/projects/{project}/scans",
            content=body,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 400
        assert response.json()["detail"]


def test_a_failing_job_is_retried_then_marked_failed(service: Service, project: str) -> None:
    from shieldwall.service import jobs

    token = service.token({project: "triager"})
    service.upload(token, project, report([finding(1)]), process=False, commit="r")
    calls = []

    def flaky(session, job) -> None:
        calls.append(job.attempts)
        raise RuntimeError("database hiccup")

    factory = service.app.state.factory
    with factory() as session:
        session.execute(jobs.Job.__table__.update().values(run_after=jobs.utcnow()))
        session.commit()
    for _ in range(jobs.MAX_ATTEMPTS):
        with factory() as session:  # retries wait; make this one due now
            session.execute(jobs.Job.__table__.update().values(run_after=jobs.utcnow()))
            session.commit()
        assert jobs.run_one(factory, {"ingest": flaky})
    assert calls == [1, 2, 3]
    scan = service.get(token, f"/api/v1/projects/{project}/scans").json()["scans"][0]
    assert scan["status"] == "failed"
    assert "database hiccup" in scan["error"]


def test_a_service_map_is_kept_per_branch_and_shown(service: Service, project: str) -> None:
    from shieldwall.engine.scanner import ScanOptions, run_scan
    from shieldwall.formats.service_map_json import render_map

    token = service.token({project: "triager"})
    shop = Path(__file__).parents[2] / "examples" / "shop"
    scanned = run_scan(shop, ScanOptions(analyzers="config,topology", offline=True))
    assert scanned.result.service_map is not None
    doc = json.loads(render_map(scanned.result.service_map))
    assert service.upload(token, project, doc, commit="m1").json()["scan"]["kind"] == "map"
    got = service.get(token, f"/api/v1/projects/{project}/map").json()["map"]
    assert {n["id"] for n in got["nodes"]} == {n["id"] for n in doc["nodes"]}
    assert len(got["edges"]) == len(doc["edges"])
    assert service.get(token, f"/api/v1/projects/{project}/map", branch="x").status_code == 404
