"""A weak real password (`secret`, `123456`, `12345678`) the rules otherwise call a
placeholder is reported where a setting starts a service, outside tests."""

from __future__ import annotations

from shieldwall.analyzers.secrets.engine import Detector

_WORD = "sec" + "ret"
_DIGITS = "1234" + "56"
_EIGHT = _DIGITS + "78"


def _found(text: str, path: str) -> list[tuple[str, int]]:
    return [(m.secret, m.line) for m in Detector().scan(text.encode(), path)]


def test_a_weak_password_in_a_playbook_setting_is_reported() -> None:
    assert _found(f"db_host: localhost\nmongo_admin_pass: {_DIGITS}\n", "vars/main.yml") == [
        (_DIGITS, 2)
    ]
    assert _found(f"  password: {_WORD}\n", "site.yml") == [(_WORD, 1)]


def test_a_weak_password_in_an_env_file_and_a_compose_list_is_reported() -> None:
    assert _found(f"DB_PASSWORD={_EIGHT}\n", ".env") == [(_EIGHT, 1)]
    compose = f"    environment:\n      - MYSQL_ROOT_PASSWORD={_DIGITS}\n"
    assert _found(compose, "docker-compose.yml") == [(_DIGITS, 2)]


def test_a_weak_password_in_code_or_a_test_is_not_reported() -> None:
    assert _found(f'password = "{_WORD}"\n', "app/db.py") == []
    assert _found(f'password = "{_WORD}"\n', "Startup.cs") == []
    assert _found(f"  password: {_WORD}\n", "tests/fixtures/site.yml") == []


def test_another_weak_value_stays_a_placeholder() -> None:
    assert _found("  password: <your-password>\n", "site.yml") == []
    assert _found("  password: changeme\n", "site.yml") == []
