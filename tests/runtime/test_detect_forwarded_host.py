"""X-Forwarded-For and Host are judged like the other headers when they hold
anything but addresses and host names (applications log and query them); the
usual lists of addresses and host names stay quiet."""

from __future__ import annotations

import pytest

from tests.runtime.payloads import payload_kinds


def _sqli() -> str:
    return "1.2.3.4' " + "or " + "'1'='1"


def _cmdi() -> str:
    return "1.2.3.4;" + "cat /etc/passwd"


def test_sql_injection_in_x_forwarded_for_is_found() -> None:
    assert "sqli" in payload_kinds(xff=_sqli())


_LOGGED = (("accept", "*/*"),)  # a source that logs headers (ModSecurity)


def test_a_command_in_the_host_header_is_found() -> None:
    assert "cmdi" in payload_kinds(host="shop.example;" + "id", headers=_LOGGED)
    assert "path-traversal" in payload_kinds(host=_cmdi(), headers=_LOGGED)


@pytest.mark.parametrize(
    "xff",
    [
        "203.0.113.7",
        "203.0.113.7, 10.0.0.1",
        "2001:db8::1, [2001:db8::2]:443",
        "unknown, 198.51.100.4",
        "_hidden, 198.51.100.4:8080",
    ],
)
def test_lists_of_addresses_stay_quiet(xff: str) -> None:
    assert payload_kinds(xff=xff) == set()


@pytest.mark.parametrize("host", ["shop.example.com", "shop.example.com:8443", "[2001:db8::1]"])
def test_host_names_stay_quiet(host: str) -> None:
    assert payload_kinds(host=host, headers=_LOGGED) == set()


def test_words_with_spaces_in_x_forwarded_for_are_judged() -> None:
    assert "sqli" in payload_kinds(xff="1 " + "union select " + "null--")
