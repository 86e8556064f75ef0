from __future__ import annotations

import pytest

from shieldwall.system.links import addresses


@pytest.mark.parametrize(
    ("value", "host", "port"),
    [
        ("postgres://user:${PASSWORD}@${DB_HOST}/db?sslmode=disable", "${db_host}", 5432),
        ("postgres://user:${PASSWORD}@db:6432/db", "db", 6432),
        ("postgres://user:secret@db/db", "db", 5432),
        ("http://${API_HOST}:8080/v1", "${api_host}", 8080),
    ],
)
def test_the_host_after_the_user_information_is_the_host(value: str, host: str, port: int) -> None:
    found = list(addresses("URL", value))
    assert [(a.host, a.port) for a in found] == [(host, port)]
