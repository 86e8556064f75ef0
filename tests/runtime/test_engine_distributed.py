"""A login route attacked from many addresses: the route alert comes after a few
clients fail, each /24 of the attack is banned once enough of its clients fail
close together, and people mistyping passwords (one address or a company's few)
are not banned."""

from __future__ import annotations

from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.decisions import Decision, Detection
from shieldwall.runtime.engine import Engine
from shieldwall.runtime.events import HttpEvent
from shieldwall.runtime.store import DecisionStore

T0 = 1_796_292_000.0
UA = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
SCENARIO = "http-distributed-bruteforce"


def _fail(t: float, ip: str, path: str = "/login") -> HttpEvent:
    return HttpEvent(t, ip, "POST", path, "", 401, UA)


def _run(events: list[HttpEvent]) -> tuple[list[Detection], list[Decision]]:
    engine = Engine(WatchConfig(), DecisionStore())
    alerts: list[Detection] = []
    bans: list[Decision] = []
    for n, event in enumerate(sorted(events, key=lambda e: e.time), 1):
        for out in engine.http(event, f"t.log:{n}"):
            if isinstance(out, Detection) and out.kind == SCENARIO:
                alerts.append(out)
            elif isinstance(out, Decision) and out.scenario == SCENARIO:
                bans.append(out)
    return alerts, bans


def test_the_route_alert_fires_once_eleven_clients_fail_within_half_a_minute() -> None:
    events = [_fail(T0 + 3 * i, f"203.0.{i}.9") for i in range(11)]
    alerts, _ = _run(events)
    assert [(a.source, a.time) for a in alerts] == [("POST /login", T0 + 30)]
    alerts, _ = _run(events[:10])
    assert alerts == []


def test_two_people_a_minute_mistyping_a_password_raise_no_route_alert() -> None:
    events = [_fail(T0 + 30 * i, f"198.{i % 200}.{i // 200}.7") for i in range(120)]
    assert _run(events) == ([], [])


def test_each_range_of_the_attack_is_banned_once_four_of_its_clients_fail() -> None:
    # the alert from clients of scattered ranges, then a /24 joins the attack
    events = [_fail(T0 + i, f"203.{i}.0.9") for i in range(11)]
    events += [_fail(T0 + 60 + 15 * i, f"45.13.7.{10 + i}") for i in range(6)]
    alerts, bans = _run(events)
    assert len(alerts) == 1
    assert [(b.value, b.scope, b.created_at) for b in bans] == [("45.13.7.0/24", "range", T0 + 105)]
    assert "4 clients failing logins on POST /login" in bans[0].reason


def test_a_companys_few_addresses_mistyping_minutes_apart_are_not_banned_during_an_attack() -> None:
    events = [_fail(T0 + i, f"203.{i}.0.9") for i in range(11)]  # the route is under attack
    events += [_fail(T0 + 20 + 90 * i, f"192.0.2.{1 + i % 4}") for i in range(6)]
    events += [_fail(T0 + 40 + 90 * i, "198.51.100.200") for i in range(6)]  # one NAT address
    alerts, bans = _run(events)
    assert len(alerts) == 1 and bans == []


def test_a_clients_range_is_the_24_or_48_ipaddress_gives() -> None:
    import ipaddress

    from shieldwall.runtime.clients import range_of

    for key in ("45.13.7.10", "1.2.3.4", "255.255.255.255", "0.0.0.0", "10.0.0.1"):
        assert range_of(key) == str(ipaddress.ip_network(f"{key}/24", strict=False))
    assert range_of("2001:db8:1:2::/64") == "2001:db8:1::/48"


def test_the_route_alert_bans_a_range_at_once_only_when_its_bucket_spans_two_minutes_at_most() -> (
    None
):
    spread = [_fail(T0 + 25 * i, f"45.13.7.{10 + i}") for i in range(4)]  # 75 s apart in all
    spread += [_fail(T0 + 100 + 10 * i, f"203.{i}.0.9") for i in range(14)]
    alerts, bans = _run(spread)
    assert len(alerts) == 1 and alerts[0].time - T0 > 120 and bans == []
    close = [_fail(T0 + 2 * i, f"45.13.7.{10 + i}") for i in range(4)]
    close += [_fail(T0 + 10 + i, f"203.{i}.0.9") for i in range(7)]
    alerts, bans = _run(close)
    assert len(alerts) == 1 and [b.value for b in bans] == ["45.13.7.0/24"]
