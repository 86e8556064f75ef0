"""How `watch ship` spreads lines over partitions, and the batch wire format."""

from __future__ import annotations

import pytest

from shieldwall.errors import UsageError
from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.partition import (
    ROUTES,
    Router,
    decode,
    encode,
    parse_partitions,
    scenarios_for,
)
from shieldwall.runtime.reader import MAX_LINE
from shieldwall.runtime.ship import Batcher
from shieldwall.runtime.sources.registry import PARSERS
from shieldwall.runtime.worker import window_of

NGINX = PARSERS["nginx"]


def _line(ip: str, method: str = "GET", path: str = "/", status: int = 200) -> bytes:
    return (
        f'{ip} - - [03/Dec/2026:10:15:02 +0000] "{method} {path} HTTP/1.1" {status} 512 '
        '"-" "Mozilla/5.0"'
    ).encode()


def test_a_client_always_lands_on_the_same_partition_and_clients_spread() -> None:
    router = Router(WatchConfig(), 4)
    seen = {router.route(NGINX, _line(f"198.18.0.{i}"))[0] for i in range(1, 60)}
    assert seen == {0, 1, 2, 3}
    once = router.route(NGINX, _line("198.18.0.7"))
    assert router.route(NGINX, _line("198.18.0.7", path="/other", status=404)) == once


def test_an_ipv6_clients_addresses_in_one_64_share_a_partition() -> None:
    router = Router(WatchConfig(), 8)
    a = router.route(NGINX, _line("2001:db8:1:2::1"))[0]
    assert all(router.route(NGINX, _line(f"2001:db8:1:2::{i:x}"))[0] == a for i in range(2, 40))


def test_only_failed_logins_also_go_to_the_routes_partition() -> None:
    router = Router(WatchConfig(), 2)
    assert router.route(NGINX, _line("198.18.0.7", "POST", "/login", 401))[1] is True
    assert router.route(NGINX, _line("198.18.0.7", "POST", "/login", 200))[1] is False
    assert router.route(NGINX, _line("198.18.0.7", "GET", "/products/1", 401))[1] is False


def test_unreadable_lines_go_to_partition_zero() -> None:
    router = Router(WatchConfig(), 4)
    assert router.route(NGINX, b"not a log line") == (0, False)
    assert router.route(NGINX, b"x" * MAX_LINE) == (0, False)  # a cut line naming no client
    assert router.route(None, _line("198.18.0.7")) == (0, False)


def test_a_batch_keeps_its_log_name_format_line_numbers_and_cut_lines() -> None:
    cut = b"x" * MAX_LINE  # the first part of a longer line
    payload = encode("logs/access.log", "nginx", [(3, b"a b c"), (9, b""), (10, cut)])
    name, fmt, lines = decode(payload)
    got = list(lines)
    assert (name, fmt) == ("logs/access.log", "nginx")
    assert got[:2] == [(3, b"a b c"), (9, b"")]
    assert got[2] == (10, cut)


def test_the_shipper_sniffs_the_format_and_numbers_every_line() -> None:
    batcher = Batcher("access.log", None, Router(WatchConfig(), 2))
    ready = batcher.feed([_line(f"198.18.0.{i}") for i in range(1, 26)] + [b""])
    ready += batcher.flush()
    numbers = []
    for _, payload in ready:
        _, fmt, lines = decode(payload)
        assert fmt == "nginx"
        numbers += [n for n, _ in lines]
    assert sorted(numbers) == list(range(1, 27))


def test_client_partitions_and_the_routes_partition_split_the_scenarios() -> None:
    config = WatchConfig()
    routes = {s.name for s in scenarios_for(ROUTES, config)}
    clients = {s.name for s in scenarios_for("0", config)}
    assert routes == {"http-distributed-bruteforce", "http-distributed-account"}
    assert routes | clients == {s.name for s in config.scenarios}
    assert not routes & clients


def test_partitions_are_checked_and_default_to_all_and_routes() -> None:
    assert parse_partitions([], 2) == ("0", "1", ROUTES)
    assert parse_partitions(["1,routes", "1"], 2) == ("1", ROUTES)
    with pytest.raises(UsageError, match="not a partition of 2"):
        parse_partitions(["2"], 2)


def test_the_acknowledgement_window_covers_the_slowest_scenario() -> None:
    config = WatchConfig()
    assert window_of(config) == max(
        (s.capacity + 1) * s.leak + s.blackhole for s in config.scenarios
    )
