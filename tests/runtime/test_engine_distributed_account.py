"""Many clients failing to log in as one user: an alert naming the account, its
clients and lines; ranges banned only where four of their clients fail on it
within two minutes; a person on two devices, a NAT of people on their own
accounts and monitors retrying a shared account stay quiet."""

from __future__ import annotations

from shieldwall.runtime import scenarios
from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.decisions import Decision, Detection
from shieldwall.runtime.engine import Engine
from shieldwall.runtime.events import HttpEvent
from shieldwall.runtime.store import DecisionStore

T0 = 1_796_292_000.0
UA = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
SCENARIO = "http-distributed-account"
ACCOUNT = "alice@shop.example"


def _fail(t: float, ip: str, user: str = ACCOUNT, path: str = "/login") -> HttpEvent:
    return HttpEvent(t, ip, "POST", path, "", 401, UA, user=user)


def _run(
    events: list[HttpEvent], config: WatchConfig | None = None
) -> tuple[list[Detection], list[Decision], list[object]]:
    engine = Engine(config or WatchConfig(), DecisionStore())
    alerts: list[Detection] = []
    bans: list[Decision] = []
    everything: list[object] = []
    for n, event in enumerate(sorted(events, key=lambda e: e.time), 1):
        for out in engine.http(event, f"t.log:{n}"):
            everything.append(out)
            if isinstance(out, Detection) and out.kind == SCENARIO:
                alerts.append(out)
            elif isinstance(out, Decision) and out.scenario == SCENARIO:
                bans.append(out)
    return alerts, bans, everything


def _scattered(n: int, start: float = T0, gap: float = 20.0) -> list[HttpEvent]:
    return [_fail(start + gap * i, f"203.{i}.0.9") for i in range(n)]


def test_the_account_alert_fires_once_six_clients_fail_as_one_user() -> None:
    alerts, bans, _ = _run(_scattered(6))
    assert [(a.source, a.time, a.line) for a in alerts] == [
        (f"account:{ACCOUNT}", T0 + 100, "t.log:6")
    ]
    assert "6 clients (203.0.0.9, 203.1.0.9" in alerts[0].request
    assert "lines t.log:1, t.log:2, t.log:3, t.log:4, t.log:6" in alerts[0].request
    assert bans == []  # scattered clients: no range holds four


def test_five_clients_failing_as_one_user_raise_no_account_alert() -> None:
    assert _run(_scattered(5))[:2] == ([], [])


def test_the_account_is_the_user_name_folded_to_lower_case_and_lines_without_one_do_not_count() -> (
    None
):
    shouted = ACCOUNT.upper()
    events = _scattered(3) + [_fail(T0 + 60 + i, f"198.51.{i}.1", shouted) for i in range(3)]
    assert len(_run(events)[0]) == 1
    events = [*_scattered(5), _fail(T0 + 101, "192.0.2.1", user="")]
    assert _run(events)[:2] == ([], [])


def test_a_range_is_banned_once_four_of_its_clients_fail_on_the_account_within_two_minutes() -> (
    None
):
    events = _scattered(6)  # the alert, 100 s after the first failure
    events += [_fail(T0 + 300 + 25 * i, f"45.13.7.{10 + i}") for i in range(5)]
    alerts, bans, _ = _run(events)
    assert len(alerts) == 1
    assert [(b.value, b.scope, b.created_at) for b in bans] == [("45.13.7.0/24", "range", T0 + 375)]
    assert f"4 clients failing logins as {ACCOUNT} on POST /login" in bans[0].reason


def test_a_range_whose_clients_fail_on_the_account_minutes_apart_is_not_banned() -> None:
    events = _scattered(6)
    events += [_fail(T0 + 200 + 70 * i, f"45.13.7.{10 + i}") for i in range(6)]  # a carrier's pool
    alerts, bans, _ = _run(events)
    assert len(alerts) == 1 and bans == []


def test_the_alert_bans_a_range_at_once_only_when_its_clients_failed_within_two_minutes() -> None:
    fast = [_fail(T0 + 10 * i, f"45.13.7.{10 + i}") for i in range(4)]
    fast += [_fail(T0 + 50 + i, f"203.{i}.0.9") for i in range(2)]
    alerts, bans, _ = _run(fast)
    assert len(alerts) == 1 and [b.value for b in bans] == ["45.13.7.0/24"]
    slow = [_fail(T0 + 45 * i, f"45.13.7.{10 + i}") for i in range(4)]
    slow += [_fail(T0 + 136 + i, f"203.{i}.0.9") for i in range(3)]
    alerts, bans, _ = _run(slow)
    assert len(alerts) == 1 and bans == []


def test_a_person_mistyping_on_two_devices_stays_quiet() -> None:
    events = [_fail(T0 + 8 * i, "198.51.100.7") for i in range(4)]
    events += [_fail(T0 + 60 + 8 * i, "2001:db8:5:6::1") for i in range(4)]
    assert _run(events)[2] == []


def test_a_nat_of_people_each_failing_once_on_their_own_account_stays_quiet() -> None:
    events = [_fail(T0 + 60 * i, "100.64.1.1", user=f"emp{i}") for i in range(30)]
    assert _run(events)[2] == []


def test_monitors_retrying_a_shared_service_account_stay_quiet() -> None:
    events = [
        _fail(T0 + 300 * i + m, f"192.0.2.{10 + m}", user="svc-reports")
        for i in range(24)
        for m in range(4)
    ]
    assert _run(events)[2] == []


def test_the_account_scenario_is_overridable_and_can_be_disabled() -> None:
    config = WatchConfig(scenarios=scenarios.load({SCENARIO: {"capacity": 3}}))
    assert len(_run(_scattered(4), config)[0]) == 1
    assert _run(_scattered(4))[0] == []
    config = WatchConfig(scenarios=scenarios.load({SCENARIO: {"enabled": False}}))
    assert _run(_scattered(8), config)[:2] == ([], [])
