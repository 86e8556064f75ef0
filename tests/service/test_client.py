"""What `scan --server` applies when the service cannot answer: the cached
decisions without the expired acceptances, or none; never more than the service
last said."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from shieldwall.service.client import _cache_file, pull_decisions
from tests.service.live import free_port


def test_a_down_service_applies_the_cache_without_expired_acceptances(tmp_path: Path) -> None:
    server = f"http://127.0.0.1:{free_port()}"
    today = dt.date(2026, 6, 1)
    cache = _cache_file(server, "shop", tmp_path)
    cache.write_text(
        json.dumps(
            {
                "schema": "shieldwall/exceptions/v1",
                "fetched_at": "2026-05-30T10:00:00+00:00",
                "exceptions": [
                    {"fingerprint": "fp-fp", "decision": "false-positive", "reason": "fixture"},
                    {"fingerprint": "fp-live", "decision": "accepted-risk", "reason": "r",
                     "owner": "ops", "expires": "2026-06-01"},
                    {"fingerprint": "fp-old", "decision": "accepted-risk", "reason": "r",
                     "owner": "ops", "expires": "2026-05-31"},
                    {"fingerprint": "fp-bad", "decision": "accepted-risk", "reason": "r",
                     "owner": "ops", "expires": "soon"},
                    "not an object",
                ],
            }
        )
    )  # fmt: skip
    pulled = pull_decisions(server, "shop", "", today=today, directory=tmp_path)
    assert sorted(pulled.decisions) == ["fp-fp", "fp-live"]
    assert "unavailable" in pulled.warning and "2026-05-30" in pulled.warning
    assert "owner ops, until 2026-06-01" in pulled.decisions["fp-live"]


def test_a_down_service_with_no_cache_applies_nothing(tmp_path: Path) -> None:
    server = f"http://127.0.0.1:{free_port()}"
    pulled = pull_decisions(server, "shop", "", directory=tmp_path)
    assert pulled.decisions == {}
    assert "every finding counts" in pulled.warning


def test_a_corrupt_cache_applies_nothing(tmp_path: Path) -> None:
    server = f"http://127.0.0.1:{free_port()}"
    _cache_file(server, "shop", tmp_path).write_text("{not json")
    pulled = pull_decisions(server, "shop", "", directory=tmp_path)
    assert pulled.decisions == {}
