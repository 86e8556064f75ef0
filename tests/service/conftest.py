"""The service's tests run on an SQLite file and on PostgreSQL (a database made
for the test session on 127.0.0.1:5432, dropped after; skipped when absent)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shieldwall.service.access import create_token
from shieldwall.service.api import ServiceConfig, create_app
from shieldwall.service.jobs import run_one

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _pg_admin() -> Any:
    psycopg = pytest.importorskip("psycopg")
    try:
        return psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable on 127.0.0.1:5432: {exc}")


class PgDatabases:
    """Makes uniquely named databases and drops them all at the end."""

    def __init__(self) -> None:
        self.made: list[str] = []

    def new(self) -> str:
        name = f"sw_test_{uuid.uuid4().hex[:12]}"
        with _pg_admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return f"postgresql://postgres@127.0.0.1:5432/{name}"

    def drop_all(self) -> None:
        if not self.made:
            return
        with _pg_admin() as conn:
            for name in self.made:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PgDatabases]:
    made = PgDatabases()
    yield made
    made.drop_all()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty database of each kind."""
    if request.param == "sqlite":
        return str(tmp_path / "serve.db")
    made: PgDatabases = request.getfixturevalue("pg_databases")
    return made.new()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One database per kind for the session; tests keep apart by project names."""
    if request.param == "sqlite":
        return str(tmp_path_factory.mktemp("serve") / "serve.db")
    made: PgDatabases = request.getfixturevalue("pg_databases")
    return made.new()


class Service:
    """A test client on the app, with jobs run when the test says so."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.app: Any = client.app

    def token(self, grants: dict[str, str], **kwargs: Any) -> str:
        with self.app.state.factory() as session:
            text, _row = create_token(session, grants, "test", **kwargs)
            session.commit()
        return text

    def drain(self) -> int:
        done = 0
        while run_one(self.app.state.factory, self.app.state.handlers):
            done += 1
        return done

    def upload(
        self, token: str, project: str, doc: dict[str, Any], process: bool = True, **params: str
    ) -> Any:
        response = self.client.post(
            f"/api/v1/projects/{project}/scans",
            content=json.dumps(doc).encode(),
            params=params,
            headers=auth(token),
        )
        if process:
            self.drain()
        return response

    def get(self, token: str, url: str, **params: Any) -> Any:
        return self.client.get(url, params=params, headers=auth(token))


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def service(database: str) -> Iterator[Service]:
    app = create_app(ServiceConfig(database=database, worker=False))
    with TestClient(app) as client:
        yield Service(client)


@pytest.fixture
def project() -> str:
    """A project name of this test only."""
    return f"p-{uuid.uuid4().hex[:10]}"


def finding(n: int, **over: Any) -> dict[str, Any]:
    base = {
        "fingerprint": f"fp-{n}",
        "rule": "K8S-PRIVILEGED",
        "analyzer": "config",
        "control": "least-privilege",
        "severity": "high",
        "title": "Container runs privileged",
        "message": f"container {n} runs privileged",
        "location": {"path": "k8s/app.yaml", "start_line": n + 1, "end_line": n + 1},
        "resource": f"Deployment/shop/app{n}",
        "cwe": ["CWE-250"],
        "references": [],
        "remediation": "drop privileged",
        "suppressed": False,
    }
    return {**base, **over}


def report(findings: list[dict[str, Any]], diff_base: Any = None) -> dict[str, Any]:
    return {
        "schema": "shieldwall/report/v1",
        "tool": {"name": "shieldwall", "version": "0.1.0"},
        "target": ".",
        "findings": findings,
        "diff_base": diff_base,
    }
