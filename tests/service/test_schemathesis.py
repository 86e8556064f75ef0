"""schemathesis against the OpenAPI description: whatever it sends, with a live
token, no route answers 500 (on an SQLite file; hostile input is a 4xx)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")
from hypothesis import HealthCheck, settings  # noqa: E402

from shieldwall.service.access import create_token  # noqa: E402
from shieldwall.service.api import ServiceConfig, create_app  # noqa: E402

_DB = Path(tempfile.mkdtemp(prefix="sw-schemathesis-")) / "serve.db"
APP = create_app(ServiceConfig(database=str(_DB), worker=False))
with APP.state.factory() as _session:
    TOKEN, _row = create_token(_session, {"shop": "admin", "a": "triager"}, "schemathesis")
    _session.commit()

schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_route_answers_500(case) -> None:
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
