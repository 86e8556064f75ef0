"""Compose rules read the values `docker compose` would run: interpolated from the
project's `.env`. Credential-shaped values are assembled at test time."""

from __future__ import annotations

import random
import string

from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.model import Finding
from tests.conftest import config_findings


def _value(seed: int) -> str:
    rnd = random.Random(seed)
    return "".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(22))


def _found(write, env: str, service: str, rule: str) -> list[Finding]:
    root = write({".env": env, "compose.yaml": f"services:\n  web:\n{service}"})
    return [f for f in config_findings(root) if f.rule.id == rule]


def test_a_privileged_port_given_by_a_variable_is_reported_with_its_value(write) -> None:
    ports = "    ports:\n      - '${HTTP_PORT}:8080'\n      - '${UNSET_PORT}:9090'\n"
    found = _found(write, "HTTP_PORT=80\n", ports, "COMPOSE-PRIVILEGED-PORT")
    assert [(f.location.start_line, f.message) for f in found] == [
        (
            4,
            "service 'web': port 80:8080 (written `${HTTP_PORT}:8080`, HTTP_PORT from .env:1) "
            "publishes privileged host port 80",
        )
    ]


def test_a_plaintext_url_built_from_variables_is_seen(write) -> None:
    url = "    environment:\n      PAY_URL: http://${PAY_HOST}/v1\n"
    found = _found(write, "PAY_HOST=payments.acme.test\n", url, "NET-PLAINTEXT-URL")
    assert [f.location.start_line for f in found] == [4]
    assert "payments.acme.test" in found[0].message


def test_a_credential_in_env_is_reported_once_at_its_env_line(write) -> None:
    secret = _value(7)
    root = write(
        {
            ".env": f"# credentials\nDB_PASSWORD={secret}\n",
            "compose.yaml": "services:\n  db:\n    image: postgres:16\n    environment:\n"
            "      POSTGRES_PASSWORD: ${DB_PASSWORD}\n",
        }
    )
    result = run_scan(root, ScanOptions(analyzers="config,secrets")).result
    about = [f for f in result.findings if f.rule.control.value == "secrets"]
    assert [(f.location.path, f.location.start_line) for f in about] == [(".env", 2)]


def test_a_literal_default_in_the_compose_file_is_still_its_own_secret(write) -> None:
    secret = _value(8)
    root = write(
        {
            "compose.yaml": "services:\n  db:\n    image: postgres:16\n    environment:\n"
            f"      POSTGRES_PASSWORD: {secret}\n"
        }
    )
    found = [f for f in config_findings(root) if f.rule.id == "COMPOSE-ENV-SECRET"]
    assert [f.location.start_line for f in found] == [5]
