"""A payload after many harmless values of a JSON, multipart or XML body: every
value is judged up to a bound on the characters of a body, and a body past the
bound is flagged as oversized, never passed over in silence. Bodies are built here."""

from __future__ import annotations

import json

import pytest

from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.decisions import Decision
from shieldwall.runtime.detect.body import MAX_BODY_CHARS, read_body
from shieldwall.runtime.engine import Engine
from shieldwall.runtime.events import HttpEvent
from shieldwall.runtime.store import DecisionStore
from tests.runtime.payloads import payload_kinds

_PAYLOADS = {
    "sqli": "1' union select password from users--",
    "xss": "<script>alert(1)</script>",
    "cmdi": ";cat /etc/x;id",
}
_HARMLESS = 300


def _json_object(payload: str, at: int) -> str:
    fields = {f"f{n}": f"value {n}" for n in range(_HARMLESS)}
    items = list(fields.items())
    items.insert(at, ("note", payload))
    return json.dumps(dict(items))


def _json_array(payload: str, at: int) -> str:
    values = [f"value {n}" for n in range(_HARMLESS)]
    values.insert(at, payload)
    return json.dumps({"items": values})


def _multipart(payload: str, at: int) -> str:
    values = [f"value {n}" for n in range(_HARMLESS)]
    values.insert(at, payload)
    parts = "".join(
        f'--b0undary\r\nContent-Disposition: form-data; name="f{n}"\r\n\r\n{value}\r\n'
        for n, value in enumerate(values)
    )
    return parts + "--b0undary--\r\n"


def _xml(payload: str, at: int) -> str:
    values = [f"value {n}" for n in range(_HARMLESS)]
    values.insert(at, payload.replace("<", "&lt;").replace(">", "&gt;"))
    return "<?xml version='1.0'?><r>" + "".join(f"<f>{v}</f>" for v in values) + "</r>"


_BODIES = {
    "application/json": _json_object,
    "application/json; charset=utf-8": _json_array,
    "multipart/form-data; boundary=b0undary": _multipart,
    "application/xml": _xml,
}


def _kinds(content_type: str, body: str) -> set[str]:
    headers = (("content-type", content_type),)
    return payload_kinds(method="POST", path="/api", body=body, headers=headers)


@pytest.mark.parametrize("at", [0, 150, _HARMLESS])
@pytest.mark.parametrize("kind", sorted(_PAYLOADS))
@pytest.mark.parametrize("content_type", sorted(_BODIES))
def test_a_payload_among_300_harmless_values_is_found(
    content_type: str, kind: str, at: int
) -> None:
    body = _BODIES[content_type](_PAYLOADS[kind], at)
    assert kind in _kinds(content_type, body)


@pytest.mark.parametrize("content_type", sorted(_BODIES))
def test_300_harmless_values_stay_quiet(content_type: str) -> None:
    body = _BODIES[content_type]("value", 0)
    assert _kinds(content_type, body) == set()
    assert not read_body(body, content_type).cut


def test_a_json_body_is_read_in_document_order() -> None:
    assert read_body('{"a": "one", "b": ["two", {"c": "three"}], "d": "four"}').values == [
        "one",
        "two",
        "three",
        "four",
    ]


def _tiny_values(count: int) -> str:
    return json.dumps([f"{n:x}" for n in range(count)])


def test_many_tiny_values_past_the_bound_are_cut_and_flagged() -> None:
    body = _tiny_values(MAX_BODY_CHARS)
    read = read_body(body, "application/json")
    assert read.cut
    assert sum(len(v) for v in read.values) < MAX_BODY_CHARS
    assert _kinds("application/json", body) == {"oversized"}


def test_a_payload_after_the_bound_is_not_read_but_the_body_is_flagged() -> None:
    values = [f"{n:x}" for n in range(MAX_BODY_CHARS)] + [_PAYLOADS["xss"]]
    assert _kinds("application/json", json.dumps(values)) == {"oversized"}


def test_a_payload_before_the_bound_is_still_found_in_a_cut_body() -> None:
    values = [_PAYLOADS["sqli"]] + [f"{n:x}" for n in range(MAX_BODY_CHARS)]
    assert _kinds("application/json", json.dumps(values)) == {"sqli", "oversized"}


def test_a_cut_body_is_counted_in_the_stats_and_bans_no_one_alone() -> None:
    engine = Engine(WatchConfig(), DecisionStore())
    event = HttpEvent(
        1_700_000_000.0, "203.0.113.7", "POST", "/api", "", 200, "Mozilla/5.0",
        body=_tiny_values(MAX_BODY_CHARS), headers=(("content-type", "application/json"),),
    )  # fmt: skip
    made = [o for o in engine.http(event, "t.log:1") if isinstance(o, Decision)]
    assert made == []
    assert engine.stats.detections["oversized"] == 1


@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=b0undary", "text/xml"])
def test_many_multipart_or_xml_values_past_the_bound_are_flagged(content_type: str) -> None:
    count = MAX_BODY_CHARS // 8
    if "xml" in content_type:
        body = "<r>" + "".join(f"<f>{n:x}</f>" for n in range(count)) + "</r>"
    else:
        body = "".join(
            f'--b0undary\r\nContent-Disposition: form-data; name="f"\r\n\r\n{n:x}\r\n'
            for n in range(count)
        )
    assert read_body(body, content_type).cut
    assert _kinds(content_type, body) == {"oversized"}
