"""A payload carried base64-encoded in a parameter or a cookie, and the tokens
and encoded JSON that stay quiet. Payloads are generated here, never taken from
an attack corpus."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

from shieldwall.runtime.detect.decode import base64_text
from tests.runtime.payloads import payload_kinds

_kinds = payload_kinds

CARRIED = [
    ("sqli", "1' or '1'='1' -- " + "x"),
    ("sqli", "1 union select password from users"),
    ("xss", "<svg onload=alert(1)>"),
    ("path-traversal", "../" * 4 + "etc/passwd"),
    ("cmdi", ";cat /etc/" + "passwd"),
]


def _encodings(text: str) -> list[str]:
    raw = text.encode()
    standard = base64.b64encode(raw).decode()
    urlsafe = base64.urlsafe_b64encode(raw).decode()
    return [standard, standard.rstrip("="), urlsafe, urlsafe.rstrip("=")]


@pytest.mark.parametrize(("kind", "payload"), CARRIED)
def test_a_payload_in_base64_in_a_parameter_is_found(kind: str, payload: str) -> None:
    for encoded in _encodings(payload):
        assert kind in _kinds(query="data=" + quote(encoded, safe=""))


@pytest.mark.parametrize(("kind", "payload"), CARRIED)
def test_a_payload_in_base64_in_a_cookie_is_found(kind: str, payload: str) -> None:
    encoded = base64.b64encode(payload.encode()).decode()
    assert kind in _kinds(headers=(("cookie", "prefs=" + encoded),))


def test_a_payload_in_base64_json_is_found_by_its_values() -> None:
    state = base64.b64encode(json.dumps({"q": "1 union select password from users"}).encode())
    assert "sqli" in _kinds(query="state=" + state.decode())


@pytest.mark.parametrize(
    "data",
    [
        {"return": "/cart"},
        {"q": "O'Brien", "page": 2},
        {"sub": "1234567890", "name": "Ann O'Neil", "admin": True, "iat": 1516239022},
    ],
)
def test_base64_json_of_ordinary_values_stays_quiet(data: dict[str, object]) -> None:
    encoded = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    assert _kinds(query="state=" + encoded) == set()


@pytest.mark.parametrize(
    "token",
    [
        "AbCdEfGhIjKlMnOp",
        "5f4dcc3b5aa765d61d8327deb882cf99",
        "descriptionsofthings",
        "8d7f6e5a4b3c2d1e0f9a8b7c",
    ],
)
def test_tokens_and_hashes_carry_no_text(token: str) -> None:
    assert base64_text(token) is None
    assert _kinds(query="t=" + token) == set()


def test_base64_of_ordinary_text_is_read_and_stays_quiet() -> None:
    encoded = base64.b64encode(b"Notes for O'Brien's order; ring twice").decode()
    assert base64_text(encoded) == "Notes for O'Brien's order; ring twice"
    assert _kinds(query="n=" + quote(encoded, safe="")) == set()


def test_basic_credentials_are_judged_as_what_they_carry() -> None:
    def basic(secret: str) -> tuple[tuple[str, str], ...]:
        return (("authorization", "Basic " + base64.b64encode(secret.encode()).decode()),)

    assert "sqli" in _kinds(headers=basic("admin' or '1'='1:x"))
    assert _kinds(headers=basic("ann:it's-my-pass;word")) == set()
    assert _kinds(headers=basic("ann:a&b=c#1")) == set()
