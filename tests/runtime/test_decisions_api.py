"""The CrowdSec-compatible decisions API: lookups, per-key streams, the admin
operations and who may call what."""

from __future__ import annotations

import http.client
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from shieldwall.runtime.bouncer_keys import BouncerKeys
from shieldwall.runtime.decisions import Decision
from shieldwall.runtime.decisions_server import decisions_server, tls_context
from shieldwall.runtime.lapi import BadQuery, DecisionsAPI, go_duration
from shieldwall.runtime.store import DecisionStore
from tests.runtime.stores import store_location

__all__ = ["store_location"]

NOW = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def _ban(value: str, scope: str = "ip", **changes: object) -> Decision:
    made = Decision(value, scope, "ban", 3600.0, "http-probing", "r", NOW - 10, 3, ())
    return replace(made, **changes)  # type: ignore[arg-type]


def _api(*decisions: Decision) -> tuple[DecisionsAPI, Clock]:
    store = DecisionStore()
    for decision in decisions:
        store.add(decision)
    clock = Clock()
    return DecisionsAPI(store, BouncerKeys(), clock=clock), clock


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(14400, "4h0m0s"), (14398.5, "3h59m58.5s"), (90, "1m30s"), (59.25, "59.25s"), (-2, "-2s")],
)
def test_durations_are_written_as_go_prints_them(seconds: float, text: str) -> None:
    assert go_duration(seconds) == text


def test_a_lookup_by_ip_finds_the_address_and_the_ranges_holding_it() -> None:
    api, _ = _api(_ban("203.0.113.7"), _ban("198.51.100.0/24", "range"))
    found = api.lookup({"ip": "203.0.113.7"})
    assert found is not None
    assert [(d["value"], d["scope"], d["type"]) for d in found] == [("203.0.113.7", "Ip", "ban")]
    assert found[0]["duration"] == "59m50s"
    in_range = api.lookup({"ip": "198.51.100.9"})
    assert in_range is not None and in_range[0]["scope"] == "Range"
    assert api.lookup({"ip": "198.51.100.9", "contains": "false"}) is None


def test_a_lookup_with_no_match_is_null_as_bouncers_expect() -> None:
    api, _ = _api(_ban("203.0.113.7"))
    assert api.lookup({"ip": "192.0.2.1"}) is None


def test_lookup_filters_on_type_scope_and_range() -> None:
    api, _ = _api(
        _ban("203.0.113.7"),
        _ban("203.0.113.8", type="captcha"),
        _ban("198.51.100.0/24", "range"),
    )
    captchas = api.lookup({"type": "captcha"})
    assert captchas is not None and [d["value"] for d in captchas] == ["203.0.113.8"]
    ranges = api.lookup({"scope": "range"})
    assert ranges is not None and [d["value"] for d in ranges] == ["198.51.100.0/24"]
    inside = api.lookup({"range": "203.0.113.0/24", "contains": "false"})
    assert inside is not None and {d["value"] for d in inside} == {"203.0.113.7", "203.0.113.8"}


def test_simulated_and_expired_decisions_are_not_served() -> None:
    api, _ = _api(_ban("203.0.113.7", simulated=True), _ban("203.0.113.8", created_at=NOW - 7200))
    assert api.lookup({}) is None


def test_a_bad_address_is_a_bad_query() -> None:
    api, _ = _api()
    with pytest.raises(BadQuery):
        api.lookup({"ip": "not-an-ip"})


def test_the_stream_gives_everything_at_startup_then_only_what_changed() -> None:
    api, clock = _api(_ban("203.0.113.7"), _ban("203.0.113.8"))
    api.keys.add("fw")
    fw = api.keys.list()[0]
    first = api.stream(fw, {"startup": "true"})
    assert [d["value"] for d in first["new"] or []] == ["203.0.113.7", "203.0.113.8"]
    assert first["deleted"] is None

    clock.now = NOW + 5
    api.store.add(_ban("203.0.113.9", created_at=NOW + 4))
    api.store.delete(NOW + 4, value="203.0.113.7")
    second = api.stream(api.keys.list()[0], {})
    assert [d["value"] for d in second["new"] or []] == ["203.0.113.9"]
    assert [d["value"] for d in second["deleted"] or []] == ["203.0.113.7"]
    assert (second["deleted"] or [])[0]["duration"].startswith("-")

    clock.now = NOW + 6
    assert api.stream(api.keys.list()[0], {}) == {"new": None, "deleted": None}


def test_a_key_s_last_pull_never_goes_back_when_the_feed_trails_the_clock() -> None:
    api, clock = _api(_ban("203.0.113.7"))
    api.keys.add("fw")
    api.feed.state(clock.now)  # another key's pull: the feed is read at NOW
    clock.now = NOW + 0.1  # within the feed's max_age: it is not read again
    api.stream(api.keys.list()[0], {"startup": "true"})
    started = api.keys.list()[0].last_pull
    clock.now = NOW + 0.2
    assert api.stream(api.keys.list()[0], {}) == {"new": None, "deleted": None}
    api.keys.flush()
    latest = api.keys.list()[0].last_pull
    assert started is not None and latest is not None and latest >= started


def test_the_stream_tells_of_expiry() -> None:
    api, clock = _api(_ban("203.0.113.7", duration=20.0))
    api.keys.add("fw")
    api.stream(api.keys.list()[0], {"startup": "true"})
    clock.now = NOW + 30
    gone = api.stream(api.keys.list()[0], {})
    assert [d["value"] for d in gone["deleted"] or []] == ["203.0.113.7"]


def test_a_decision_stamped_before_the_last_pull_still_reaches_the_stream_once() -> None:
    """watch stamps a decision with its log line's time, which trails the clock."""
    api, clock = _api()
    api.keys.add("fw")
    api.stream(api.keys.list()[0], {"startup": "true"})
    clock.now = NOW + 10
    api.store.add(_ban("203.0.113.7", created_at=NOW - 3))  # read 13 s after its line
    late = api.stream(api.keys.list()[0], {})
    assert [d["value"] for d in late["new"] or []] == ["203.0.113.7"]
    clock.now = NOW + 11
    assert api.stream(api.keys.list()[0], {})["new"] is None


def test_a_decision_stored_long_after_its_log_time_reaches_the_stream() -> None:
    """A worker that catches up on an old log stores decisions hours after their line."""
    api, clock = _api()
    api.keys.add("fw")
    api.stream(api.keys.list()[0], {"startup": "true"})
    clock.now = NOW + 3 * 3600
    old = _ban("203.0.113.7", created_at=NOW - 3600, duration=8 * 3600.0)
    api.store.add(old)
    late = api.stream(api.keys.list()[0], {})
    assert [d["value"] for d in late["new"] or []] == ["203.0.113.7"]
    assert api.stream(api.keys.list()[0], {})["new"] is None


def test_a_bouncer_back_after_a_long_absence_gets_what_it_missed() -> None:
    api, clock = _api(_ban("203.0.113.7"), _ban("203.0.113.6", duration=600.0))
    api.feed.KEEP_CHANGES = 1  # the feed forgets: the key reads the store for itself
    api.feed.KEEP_SECONDS = 60.0
    api.keys.add("fw")
    api.stream(api.keys.list()[0], {"startup": "true"})
    for n in range(3):
        api.store.add(_ban(f"203.0.113.{8 + n}", created_at=NOW + 30 + n))
    api.store.delete(NOW + 40, value="203.0.113.7")
    clock.now = NOW + 1200
    api.warm()  # another key's pull moves the feed on
    assert len(api.feed.state(clock.now).changes) == 1
    back = api.stream(api.keys.list()[0], {})
    assert [d["value"] for d in back["new"] or []] == ["203.0.113.8", "203.0.113.9", "203.0.113.10"]
    assert sorted(d["value"] for d in back["deleted"] or []) == ["203.0.113.6", "203.0.113.7"]


def test_a_restarted_api_continues_each_key_where_it_was(tmp_path: Path) -> None:
    path = tmp_path / "decisions.db"
    clock = Clock()
    first = DecisionsAPI(DecisionStore(path), BouncerKeys(path), clock=clock)
    first.store.add(_ban("203.0.113.7"))
    first.keys.add("fw")
    first.stream(first.keys.list()[0], {"startup": "true"})
    first.keys.close()
    first.store.close()
    again = DecisionsAPI(DecisionStore(path), BouncerKeys(path), clock=clock)
    again.store.add(_ban("203.0.113.8"))
    clock.now = NOW + 1
    got = again.stream(again.keys.list()[0], {})
    assert [d["value"] for d in got["new"] or []] == ["203.0.113.8"]


def test_each_key_has_its_own_stream() -> None:
    api, clock = _api()
    api.keys.add("fw1")
    api.keys.add("fw2")
    fw1, fw2 = api.keys.list()
    api.stream(fw1, {"startup": "true"})
    api.stream(fw2, {"startup": "true"})
    clock.now = NOW + 2
    api.store.add(_ban("203.0.113.7", created_at=NOW + 1))
    first, second = api.keys.list()
    assert api.stream(first, {})["new"] is not None
    assert api.stream(second, {})["new"] is not None


def test_stream_scopes_filter_what_a_bouncer_gets() -> None:
    api, _ = _api(_ban("203.0.113.7"), _ban("198.51.100.0/24", "range"))
    api.keys.add("fw")
    got = api.stream(api.keys.list()[0], {"startup": "true", "scopes": "ip"})
    assert [d["value"] for d in got["new"] or []] == ["203.0.113.7"]


def test_keys_are_kept_as_hashes_only(tmp_path: Path) -> None:
    database = tmp_path / "decisions.db"
    keys = BouncerKeys(database)
    key = keys.add("fw")
    keys.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert key.encode() not in raw
    again = BouncerKeys(database)
    found = again.find(key)
    assert found is not None and found.name == "fw"
    assert again.find(key + "x") is None
    assert again.find(None) is None


@contextmanager
def _serving(api: DecisionsAPI, tls: ssl.SSLContext | None = None) -> Iterator[int]:
    server = decisions_server(api, "127.0.0.1", 0, tls=tls)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def _call(
    port: int,
    method: str,
    path: str,
    key: str | None = None,
    body: object = None,
    context: ssl.SSLContext | None = None,
) -> tuple[int, object]:
    if context is None:
        conn: http.client.HTTPConnection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    else:
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=5, context=context)
    headers = {"X-Api-Key": key} if key is not None else {}
    data = None if body is None else json.dumps(body).encode()
    if data is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    raw = response.read()
    conn.close()
    return response.status, json.loads(raw) if raw else None


def test_the_gateway_endpoint_refuses_real_bans_only() -> None:
    api, _ = _api(
        _ban("203.0.113.7"),
        _ban("198.51.100.0/24", "range"),
        _ban("203.0.113.8", type="captcha"),
        _ban("203.0.113.9", simulated=True),
    )
    with _serving(api) as port:

        def asks(address: str) -> int:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/v1/gateway/auth", headers={"X-Real-IP": address})
            status = conn.getresponse().status
            conn.close()
            return status

        assert [asks(a) for a in ("203.0.113.7", "198.51.100.20", "::ffff:203.0.113.7")] == [
            403,
            403,
            403,
        ]
        assert [asks(a) for a in ("203.0.113.8", "203.0.113.9", "192.0.2.1")] == [204, 204, 204]
        assert asks("not an address") == 403


def test_requests_without_a_key_or_with_a_deleted_one_are_refused() -> None:
    api, _ = _api(_ban("203.0.113.7"))
    key = api.keys.add("fw")
    with _serving(api) as port:
        assert _call(port, "GET", "/v1/decisions")[0] == 403
        assert _call(port, "GET", "/v1/decisions/stream?startup=true")[0] == 403
        assert _call(port, "GET", "/v1/decisions", key="swk_wrong")[0] == 403
        assert _call(port, "GET", "/v1/decisions?ip=203.0.113.7", key=key)[0] == 200
        api.keys.delete("fw")
        status, body = _call(port, "GET", "/v1/decisions?ip=203.0.113.7", key=key)
    assert status == 403
    assert body == {"message": "access forbidden"}


def test_a_bouncer_key_cannot_add_or_delete_decisions() -> None:
    api, _ = _api(_ban("203.0.113.7"))
    key = api.keys.add("fw")
    with _serving(api) as port:
        added = _call(port, "POST", "/v1/admin/decisions", key, {"value": "192.0.2.1"})
        by_ip = _call(port, "DELETE", "/v1/admin/decisions?ip=203.0.113.7", key)
        by_id = _call(port, "DELETE", "/v1/admin/decisions/1", key)
    assert (added[0], by_ip[0], by_id[0]) == (403, 403, 403)
    assert [d.value for d in api.store.active(NOW)] == ["203.0.113.7"]


def test_an_admin_key_adds_and_deletes_and_bouncers_see_it() -> None:
    api, _ = _api()
    admin = api.keys.add("ops", role="admin")
    bouncer = api.keys.add("fw")
    with _serving(api) as port:
        status, made = _call(
            port, "POST", "/v1/admin/decisions", admin, {"value": "192.0.2.1", "duration": "30m"}
        )
        assert status == 201 and isinstance(made, dict)
        assert (made["value"], made["duration"], made["origin"]) == ("192.0.2.1", "30m0s", "api")
        assert _call(port, "GET", "/v1/decisions?ip=192.0.2.1", bouncer)[1] is not None
        assert _call(port, "GET", "/v1/gateway/auth")[0] == 403  # no X-Real-IP: refused
        deleted = _call(port, "DELETE", f"/v1/admin/decisions/{made['id']}", admin)
        assert deleted == (200, {"deleted": 1})
        assert _call(port, "GET", "/v1/decisions?ip=192.0.2.1", bouncer) == (200, None)


@pytest.mark.parametrize(
    "body",
    [{"value": "not-an-ip"}, {"value": "192.0.2.1", "type": "nuke"}, {"value": "192.0.2.1",
     "duration": "forever"}, ["192.0.2.1"]],
)  # fmt: skip
def test_an_admin_request_that_makes_no_sense_is_a_400(body: object) -> None:
    api, _ = _api()
    admin = api.keys.add("ops", role="admin")
    with _serving(api) as port:
        status, answer = _call(port, "POST", "/v1/admin/decisions", admin, body)
    assert status == 400 and isinstance(answer, dict) and answer["message"]
    assert api.store.active(NOW) == []


def test_the_api_serves_https_when_given_a_certificate(tmp_path: Path) -> None:
    from tests.gateway.servers import nginx_missing, self_signed

    if nginx_missing() == "openssl is not installed":
        pytest.skip("openssl is not installed: no certificate to make")
    cert, key_file = self_signed(tmp_path)
    api, _ = _api(_ban("203.0.113.7"))
    key = api.keys.add("fw")
    client = ssl.create_default_context(cafile=str(cert))
    with _serving(api, tls_context(cert, key_file)) as port:
        status, body = _call(port, "GET", "/v1/decisions?ip=203.0.113.7", key, context=client)
    assert status == 200 and isinstance(body, list) and body[0]["value"] == "203.0.113.7"


def test_the_stream_follows_each_backend_s_change_sequence(store_location: str) -> None:
    store = DecisionStore(store_location)
    clock = Clock()
    api = DecisionsAPI(store, BouncerKeys(), clock=clock, reader=DecisionStore(store_location))
    api.keys.add("fw")
    api.stream(api.keys.list()[0], {"startup": "true"})
    clock.now = NOW + 3 * 3600
    api.store.add(_ban("203.0.113.7", created_at=NOW - 3600, duration=8 * 3600.0))
    api.store.add(_ban("198.51.100.0/24", "range", created_at=NOW, duration=8 * 3600.0))
    got = api.stream(api.keys.list()[0], {})
    assert [d["value"] for d in got["new"] or []] == ["203.0.113.7", "198.51.100.0/24"]
    assert api.banned("198.51.100.9")
    clock.now += 1
    api.store.delete(clock.now, value="198.51.100.0/24")
    clock.now += 1
    got = api.stream(api.keys.list()[0], {})
    assert (got["new"], [d["value"] for d in got["deleted"] or []]) == (None, ["198.51.100.0/24"])
    assert not api.banned("198.51.100.9")
    store.close()
