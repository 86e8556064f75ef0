"""The replay's fast paths give what the general ones give: the nginx reader on a
line without escapes, lines fed a block at a time, requests judged from cached
verdicts."""

from __future__ import annotations

import gc
import io
import random
import re
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.detect.payload import PayloadDetector
from shieldwall.runtime.engine import Engine, Output
from shieldwall.runtime.events import HttpEvent
from shieldwall.runtime.reader import _DAMAGED, MAX_LINE, LogSource
from shieldwall.runtime.replay import replay_streams
from shieldwall.runtime.sources import text_logs
from shieldwall.runtime.sources.base import dash, split_request, unescape_nginx
from shieldwall.runtime.sources.registry import PARSERS
from shieldwall.runtime.sources.timefmt import parse_clf
from shieldwall.runtime.store import DecisionStore

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
LINE = (
    '203.0.113.7 - alice [03/Dec/2026:10:15:02 +0100] "GET /shop/item?id=4&q=red HTTP/1.1" '
    f'200 512 "https://shop.example/" "{UA}" "198.51.100.2" 0.012'
)
# Pieces a line may gain: escapes, quotes, blanks of every kind, digits that are not
# ASCII, brackets, payloads.
PIECES = [
    "\\x22", "\\x5C", "\\x", "\\", '"', " ", "\t", "\r", "-", "?", "\u00a0", "\u0663", "[",
    "]", " HTTP/1.1", "%2e%2e/", "../etc/passwd", "' or 1=1--", "<script>", "\ufffd",
]  # fmt: skip


def _reference(line: str) -> HttpEvent | None:
    """An nginx combined line read the plain way: escapes given back where they are,
    the request line split by hand when the expression kept it whole."""
    match = text_logs._NGINX.fullmatch(line)
    if match is None:
        return None
    remote, user, when, method, path, query, request, status, referer, agent, xff = match.groups()
    if method is None or "\\x" in path or (query and "\\x" in query):
        if request is None:
            request = f"{method} {path}?{query}" if query is not None else f"{method} {path}"
        method, path, query = split_request(unescape_nginx(request))
    return HttpEvent(
        parse_clf(when),
        remote,
        method,
        path,
        query or "",
        int(status),
        dash(unescape_nginx(agent)),
        dash(unescape_nginx(referer)),
        dash(xff or ""),
        dash(user),
    )


@st.composite
def _nginx_lines(draw: st.DrawFn) -> str:
    line = LINE
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(line)))
        if draw(st.booleans()):
            line = line[:at] + draw(st.sampled_from(PIECES)) + line[at:]
        else:
            line = line[:at] + line[at + draw(st.integers(1, 4)) :]
    return line


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=_nginx_lines())
def test_the_nginx_reader_gives_the_event_a_plain_reading_gives(line: str) -> None:
    assert _outcome(text_logs.parse_nginx, line) == _outcome(_reference, line)


# The combined format's expression spelled with `?` for its optional parts.
_PLAIN_REQUEST = r'"(?:([A-Z]{1,20}) ([^ "?]*)(?:\?([^ "]*))? HTTP/[0-9.]{1,3}|([^"]*))"'
_PLAIN_NGINX = re.compile(
    r"(\S+) \S+ (\S+) \[([^\]]+)\] " + _PLAIN_REQUEST + r' (\d{3}) (?:\d+|-) "([^"]*)" '
    r'"([^"]*)"(?: "([^"]*)")?(?: (?:\d+(?:\.\d+)?|-))?\s*'
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=_nginx_lines())
def test_the_nginx_expression_matches_as_its_plain_spelling_does(line: str) -> None:
    for text in (line, line.replace(" 0.012", ""), line.replace(' "198.51.100.2"', "")):
        plain = _PLAIN_NGINX.fullmatch(text)
        match = text_logs._NGINX.fullmatch(text)
        assert (match and match.groups()) == (plain and plain.groups())


def _outcome(parse: Callable[[str], HttpEvent | None], line: str) -> object:
    """The event and its type, or the error a damaged line raises."""
    try:
        event = parse(line)
    except _DAMAGED as exc:
        return type(exc)
    return event, type(event)


def _lines(seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out: list[bytes] = []
    for n in range(400):
        ip = f"198.51.100.{rng.randint(1, 6)}"
        target, status = rng.choice(
            [
                ("/api/login", 401),
                ("/search?q=%27%20or%201%3D1--", 200),
                ("/a/../../etc/passwd", 404),
                (f"/p/{n}", 404),
                ("/", 200),
            ]
        )
        method = "POST" if target == "/api/login" else "GET"
        when = f"03/Dec/2026:10:{n // 60:02d}:{n % 60:02d} +0000"
        line = f'{ip} - - [{when}] "{method} {target} HTTP/1.1" {status} 9 "-" "{UA}"'
        out.append(
            rng.choice([line.encode(), line.encode() + b"\r", line.encode(), b"", b"  ", b"junk"])
        )
        if rng.random() < 0.02:
            out.append(b"x" * MAX_LINE)  # the first part of a longer line
    return out


def _fed(raws: list[bytes], parser: str | None, blocks: bool) -> tuple[list[Output], object]:
    engine = Engine(WatchConfig(), DecisionStore())
    source = LogSource("t.log", engine, PARSERS[parser] if parser else None)
    out: list[Output] = []
    if blocks:
        for at in range(0, len(raws), 37):
            out += source.feed_many(raws[at : at + 37])
    else:
        for raw in raws:
            out += source.feed(raw)
    out += source.flush()
    stats = engine.stats
    return out, (stats.lines, stats.unparsed, stats.samples, source.lineno)


def test_lines_fed_a_block_at_a_time_give_what_they_give_one_at_a_time() -> None:
    raws = _lines(3)
    for parser in ("nginx", None):
        one, stats_one = _fed(raws, parser, blocks=False)
        many, stats_many = _fed(raws, parser, blocks=True)
        assert one and many == one
        assert stats_many == stats_one


def test_cached_verdicts_give_the_same_hits_in_the_same_order() -> None:
    event = HttpEvent(
        0.0,
        "203.0.113.7",
        "GET",
        "/a/../../etc/passwd",
        "id=1%27%20or%20%271%27%3D%271",
        200,
        "sqlmap/1.7 ../../etc/passwd",
        "https://x.example/?q=%3Cscript%3Ealert(1)%3C/script%3E",
    )
    detector = PayloadDetector()
    cold = detector.scan(event)
    warm = detector.scan(event)
    assert cold == warm
    assert [(h.kind, h.field) for h in cold] == [
        ("path-traversal", "path"),
        ("sqli", "query"),
        ("scanner", "user_agent"),
        ("xss", "referer"),
    ]
    plain = event._replace(path="/shop/item", query="", user_agent=UA, referer="")
    assert detector.scan(plain) == detector.scan(plain) == []


def _garbage_after_replay(lines: list[bytes]) -> int:
    """Cyclic objects a replay of these lines leaves for the collector."""
    gc.collect()
    gc.disable()
    try:
        replay_streams([("t.log", io.BytesIO(b"\n".join(lines)), None)], WatchConfig())
        return gc.collect()
    finally:
        gc.enable()


def test_a_replay_makes_no_reference_cycles_per_line() -> None:
    few, many = _lines(3), _lines(3) * 8  # payloads, failed logins, decisions, damaged lines
    assert _garbage_after_replay(many) <= _garbage_after_replay(few) + 50


def test_a_replay_leaves_the_cycle_collector_as_it_found_it() -> None:
    log = [b"junk", LINE.encode()]
    assert gc.isenabled()
    replay_streams([("t.log", io.BytesIO(b"\n".join(log)), None)], WatchConfig())
    assert gc.isenabled()
    gc.disable()
    try:
        replay_streams([("t.log", io.BytesIO(b"\n".join(log)), None)], WatchConfig())
        assert not gc.isenabled()
    finally:
        gc.enable()
