"""The auth_request endpoint: 204 unless the client address is banned."""

from __future__ import annotations

import http.client
import threading
from dataclasses import replace

import pytest

from shieldwall.runtime.auth_endpoint import AUTH_PATH, Gatekeeper, auth_server
from shieldwall.runtime.decisions import Decision
from shieldwall.runtime.store import DecisionStore

NOW = 10_000.0


def _ban(value: str, scope: str = "ip", **changes: object) -> Decision:
    made = Decision(value, scope, "ban", 3600.0, "manual", "r", NOW - 10, 1, ())
    return replace(made, **changes)  # type: ignore[arg-type]


def _keeper(*decisions: Decision) -> Gatekeeper:
    store = DecisionStore()
    for decision in decisions:
        store.add(decision)
    return Gatekeeper(store, clock=lambda: NOW)


def test_a_banned_address_is_refused_and_others_pass() -> None:
    keeper = _keeper(_ban("203.0.113.7"))
    assert keeper.banned("203.0.113.7")
    assert keeper.banned("::ffff:203.0.113.7")  # the same client, IPv4-mapped
    assert not keeper.banned("203.0.113.8")


def test_ranges_and_ipv6_networks_cover_their_addresses() -> None:
    keeper = _keeper(_ban("198.51.100.0/24", "range"), _ban("2001:db8:1:2::/64"))
    assert keeper.banned("198.51.100.99")
    assert keeper.banned("2001:db8:1:2::abcd")
    assert not keeper.banned("198.51.101.1")
    assert not keeper.banned("2001:db8:1:3::1")


@pytest.mark.parametrize(
    "changes",
    [
        {"type": "captcha"},
        {"type": "throttle"},
        {"simulated": True},
        {"created_at": NOW - 7200},  # expired an hour ago
    ],
)
def test_only_active_real_bans_refuse(changes: dict[str, object]) -> None:
    keeper = _keeper(_ban("203.0.113.7", **changes), _ban("192.0.2.0/24", "range", **changes))
    assert not keeper.banned("203.0.113.7")
    assert not keeper.banned("192.0.2.5")


def test_a_deleted_ban_refuses_no_more() -> None:
    store = DecisionStore()
    store.add(_ban("203.0.113.7"))
    store.add(_ban("192.0.2.0/24", "range"))
    keeper = Gatekeeper(store, refresh=0.0, clock=lambda: NOW)
    assert keeper.banned("203.0.113.7") and keeper.banned("192.0.2.5")
    store.delete(NOW, value="203.0.113.7")
    store.delete(NOW, value="192.0.2.0/24")
    assert not keeper.banned("203.0.113.7")
    assert not keeper.banned("192.0.2.5")


@pytest.mark.parametrize("address", ["", "not-an-address", "203.0.113.7, 10.0.0.1", "1.2.3.4.5"])
def test_a_request_without_a_usable_address_is_refused(address: str) -> None:
    assert _keeper().banned(address)


def test_a_new_exact_ban_applies_to_the_next_request() -> None:
    store = DecisionStore()
    keeper = Gatekeeper(store, refresh=3600.0, clock=lambda: NOW)
    assert not keeper.banned("203.0.113.7")
    store.add(_ban("203.0.113.7"))
    assert keeper.banned("203.0.113.7")


def test_the_server_answers_204_or_403_by_the_trusted_header() -> None:
    store = DecisionStore()
    store.add(_ban("203.0.113.7", created_at=9e9 - 10))  # active whatever the clock
    server = auth_server(store, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        answers = []
        for path, client in ((AUTH_PATH, "203.0.113.7"), (AUTH_PATH, "203.0.113.8"), ("/x", "")):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers={"X-Real-IP": client} if client else {})
            answers.append(conn.getresponse().status)
            conn.close()
        assert answers == [403, 204, 404]
    finally:
        server.shutdown()
        server.server_close()
