"""A log line longer than the reader's bound: its first MAX_LINE bytes are read and,
when they name the client, judged (flagged as oversized, the request's first part
scanned for payloads); otherwise the line is counted as unparsed. Lines are built here."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from shieldwall.runtime.clients import parse_networks
from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.decisions import Decision, Detection
from shieldwall.runtime.engine import Engine, Output
from shieldwall.runtime.follow import FileFollower
from shieldwall.runtime.partition import Router
from shieldwall.runtime.reader import MAX_LINE, LogSource, block_lines, lines
from shieldwall.runtime.sources.prefix import recover
from shieldwall.runtime.sources.registry import PARSERS
from shieldwall.runtime.store import DecisionStore

_CLIENT = "203.0.113.9"
_XSS = "<script>alert(1)</script>"


def _pad(size: int) -> str:
    return ("lorem ipsum dolor sit amet " * (size // 27 + 1))[:size]


def _nginx(query: str, client: str = _CLIENT) -> str:
    return (
        f"{client} - - [03/Dec/2026:10:15:02 +0000] "
        f'"GET /search?q={query} HTTP/1.1" 200 10 "-" "Mozilla/5.0"'
    )


def _modsecurity(body: str, headers: dict[str, str] | None = None) -> str:
    request = {"method": "POST", "uri": "/notes", "headers": headers or {}, "body": body}
    return json.dumps(
        {
            "transaction": {
                "client_ip": _CLIENT,
                "time_stamp": "Thu Dec  3 10:15:02 2026",
                "request": request,
                "response": {"http_code": 200},
            }
        }
    )


def _read(text: str, fmt: str) -> tuple[list[Output], Engine]:
    engine = Engine(WatchConfig(), DecisionStore())
    source = LogSource("t.log", engine, PARSERS[fmt])
    return source.feed_many(lines(io.BytesIO(text.encode()))), engine


def _kinds(out: list[Output], client: str = _CLIENT) -> set[str]:
    return {o.kind for o in out if isinstance(o, Detection) and o.source == client}


def test_a_long_query_in_an_access_log_is_judged_and_flagged() -> None:
    line = _nginx(_XSS + _pad(2 * MAX_LINE))
    out, engine = _read(line + "\n", "nginx")
    assert _kinds(out) == {"xss", "oversized"}
    assert engine.stats.unparsed == 0


def test_a_modsecurity_entry_with_a_big_body_is_flagged_for_its_client() -> None:
    out, engine = _read(_modsecurity(_pad(3 * MAX_LINE)) + "\n", "modsecurity-json")
    assert _kinds(out) == {"oversized"}
    assert engine.stats.unparsed == 0


def test_a_client_ip_header_does_not_name_the_client() -> None:
    line = _modsecurity(_pad(3 * MAX_LINE), headers={"client_ip": "198.51.100.1"})
    line = line.replace(f'"client_ip": "{_CLIENT}", ', "")  # no address of its own
    out, engine = _read(line + "\n", "modsecurity-json")
    assert [o for o in out if isinstance(o, Detection)] == []
    assert engine.stats.unparsed == 1


def test_a_long_line_from_a_trusted_proxy_blames_no_one() -> None:
    # the client's X-Forwarded-For comes after the request: past the bound
    engine = Engine(WatchConfig(trusted_proxies=parse_networks([_CLIENT], "t")), DecisionStore())
    source = LogSource("t.log", engine, PARSERS["nginx"])
    line = _nginx(_pad(2 * MAX_LINE)) + ' "198.51.100.4"\n'
    out = source.feed_many(lines(io.BytesIO((line * 3).encode())))
    assert out == []
    assert engine.stats.unparsed == 3


def test_oversized_lines_again_and_again_ban_their_client() -> None:
    text = "".join(_modsecurity(_pad(2 * MAX_LINE)) + "\n" for _ in range(3))
    out, _ = _read(text, "modsecurity-json")
    assert [o.scenario for o in out if isinstance(o, Decision)] == ["http-payload-repeat"]


def test_a_long_line_naming_no_client_in_its_first_part_stays_unparsed() -> None:
    path = "/a" * MAX_LINE
    line = f'[2026-12-03T10:15:02.000Z] "GET {path} HTTP/1.1" 200 - 0 0 1 - "-" "curl" "x" "h" "u"'
    out, engine = _read(line + "\n", "envoy")
    assert out == []
    assert (engine.stats.lines, engine.stats.unparsed) == (1, 1)


def test_the_lines_after_a_long_one_are_read_as_usual() -> None:
    text = _nginx(_pad(2 * MAX_LINE)) + "\n" + _nginx("1' or 1=1--", "198.51.100.4") + "\n"
    out, engine = _read(text, "nginx")
    assert _kinds(out) == {"oversized"}
    assert _kinds(out, "198.51.100.4") == {"sqli"}
    assert engine.stats.lines == 2


def test_a_long_line_among_the_lines_the_format_is_sniffed_from_is_judged() -> None:
    engine = Engine(WatchConfig(), DecisionStore())
    source = LogSource("t.log", engine)
    text = _nginx(_XSS + _pad(2 * MAX_LINE)) + "\n" + _nginx("a=1") + "\n"
    out = source.feed_many(lines(io.BytesIO(text.encode()))) + source.flush()
    assert source.parser is PARSERS["nginx"]
    assert _kinds(out) == {"xss", "oversized"}
    assert (engine.stats.lines, engine.stats.unparsed) == (2, 0)


def test_replay_blocks_give_the_same_first_part() -> None:
    text = (_nginx(_pad(3 * MAX_LINE)) + "\nshort\n") * 2
    read = list(lines(io.BytesIO(text.encode())))
    assert list(block_lines(io.BytesIO(text.encode()))) == read
    assert [len(raw) for raw in read] == [MAX_LINE, 5, MAX_LINE, 5]


def test_a_long_line_written_over_several_reads_is_followed(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text("")
    follower = FileFollower(str(log))
    line = _nginx(_XSS + _pad(3 * MAX_LINE)) + "\n"
    got: list[bytes] = []
    with log.open("a") as f:
        for start in range(0, len(line), 50_000):
            f.write(line[start : start + 50_000])
            f.flush()
            got += follower.read()
    follower.close()
    assert got == [line.encode()[:MAX_LINE]]


def _json_line(fields: dict[str, str]) -> str:
    return json.dumps(fields, separators=(",", ":"))


_LONG = "/p?q=" + _XSS + _pad(2 * MAX_LINE)
_FIRST_PARTS = {
    "nginx": _nginx(_XSS + _pad(2 * MAX_LINE)),
    "ingress-nginx": _nginx(_XSS + _pad(2 * MAX_LINE)),
    "haproxy": (
        f"haproxy[7]: {_CLIENT}:51234 [03/Dec/2026:10:15:02.123] fe be/s1 0/0/1/2/3 200 10 "
        f'- - ---- 1/1/0/0/0 0/0 "GET {_LONG} HTTP/1.1"'
    ),
    "nginx-json": _json_line(
        {"time": "2026-12-03T10:15:02+00:00", "remote_addr": _CLIENT, "method": "GET", "uri": _LONG}
    ),
    "envoy-json": _json_line(
        {
            "downstream_remote_address": f"{_CLIENT}:51234",
            "method": "GET",
            "path": _LONG,
            "start_time": "2026-12-03T10:15:02.000Z",
        }
    ),
    "traefik-json": _json_line(
        {"ClientHost": _CLIENT, "RequestMethod": "GET", "RequestPath": _LONG, "StartUTC": "x"}
    ),
}


@pytest.mark.parametrize("fmt", sorted(_FIRST_PARTS))
def test_each_format_names_the_client_from_the_first_part(fmt: str) -> None:
    event = recover(fmt, _FIRST_PARTS[fmt][:MAX_LINE])
    assert event is not None
    path = "/search" if fmt.endswith("nginx") else "/p"
    assert (event.remote, event.method, event.path) == (_CLIENT, "GET", path)
    assert event.query.startswith("q=" + _XSS)


@pytest.mark.parametrize("fmt", sorted(_FIRST_PARTS))
def test_each_format_judges_a_long_line(fmt: str) -> None:
    out, engine = _read(_FIRST_PARTS[fmt] + "\n", fmt)
    assert _kinds(out) == {"xss", "oversized"}
    assert engine.stats.unparsed == 0


def test_a_cut_line_goes_to_its_client_partition() -> None:
    router = Router(WatchConfig(), 8)
    short = router.route(PARSERS["nginx"], _nginx("a=1").encode())
    long = router.route(PARSERS["nginx"], _FIRST_PARTS["nginx"].encode()[:MAX_LINE])
    assert long[0] == short[0]
