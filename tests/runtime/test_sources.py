from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shieldwall.errors import UsageError
from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.engine import Engine
from shieldwall.runtime.events import AuditEvent, HttpEvent
from shieldwall.runtime.reader import MAX_LINE, LogSource, lines
from shieldwall.runtime.sources.registry import PARSERS, sniff, split_log_arg
from shieldwall.runtime.store import DecisionStore
from tests.runtime import samples


@pytest.mark.parametrize(
    ("name", "line"), [(n, line) for n, ls in samples.HTTP_SAMPLES.items() for line in ls]
)
def test_every_http_format_reads_the_same_request(name: str, line: str) -> None:
    event = PARSERS[name].parse(line)
    assert isinstance(event, HttpEvent)
    assert (event.remote, event.method, event.path, event.query, event.status) == (
        "203.0.113.7",
        "GET",
        "/search",
        "q=shoes",
        200,
    )
    assert int(event.time) == 1796292902  # 2026-12-03T10:15:02Z
    assert event.user_agent.startswith("Mozilla/5.0")


def test_the_audit_format_reads_an_exec_event() -> None:
    event = PARSERS["k8s-audit"].parse(samples.K8S_AUDIT)
    assert isinstance(event, AuditEvent)
    assert (event.user, event.resource, event.subresource, event.code) == (
        "alice",
        "pods",
        "exec",
        101,
    )


@pytest.mark.parametrize(
    ("name", "line"),
    [(n, ls[0]) for n, ls in samples.HTTP_SAMPLES.items()] + [("k8s-audit", samples.K8S_AUDIT)],
)
def test_sniffing_finds_each_format(name: str, line: str) -> None:
    found = sniff([line] * 3)
    assert found is not None and found.name == name


def test_nginx_combined_keeps_the_forwarded_for_header_it_logs() -> None:
    event = PARSERS["nginx"].parse(samples.NGINX_XFF)
    assert isinstance(event, HttpEvent) and event.xff == "198.51.100.9"


def test_an_unknown_format_name_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        split_log_arg("access.log:ngnix")
    assert split_log_arg("access.log:nginx")[1] is PARSERS["nginx"]
    assert split_log_arg("/var/log/a:b/x.log") == ("/var/log/a:b/x.log", None)


def _source(name: str | None) -> LogSource:
    engine = Engine(WatchConfig(), DecisionStore())
    return LogSource("t.log", engine, PARSERS[name] if name else None)


def _feed_all(source: LogSource, data: bytes) -> None:
    for raw in lines(io.BytesIO(data)):
        source.feed(raw)
    source.flush()


def test_a_ten_megabyte_line_is_counted_unparsed_and_not_held() -> None:
    source = _source("nginx")
    data = (
        samples.NGINX.encode() + b"\n" + b"A" * (10 * 1024 * 1024) + b"\n" + samples.NGINX.encode()
    )
    _feed_all(source, data)
    stats = source.engine.stats
    assert (stats.lines, stats.unparsed) == (3, 1)
    assert str(MAX_LINE) in stats.samples[0]


@pytest.mark.parametrize(
    "bad",
    [
        b"\x00\xff\xfe binary \x01\x02",
        samples.NGINX_JSON.encode()[:40],
        b'{"remote_addr": 5, "uri": [], "status": "x", "time": "not a time"}',
        samples.NGINX.encode().replace(b"Dec", b"\xff\xfe"),
        b'203.0.113.7 - - [99/Dec/2026:99:15:02 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
    ],
)
@pytest.mark.parametrize("name", sorted(PARSERS))
def test_damaged_lines_are_counted_never_fatal(name: str, bad: bytes) -> None:
    source = _source(name)
    _feed_all(source, bad + b"\n")
    stats = source.engine.stats
    assert stats.lines == 1
    assert stats.unparsed in (0, 1)


_ALL_LINES = [line for ls in samples.HTTP_SAMPLES.values() for line in ls] + [samples.K8S_AUDIT]


@st.composite
def _mutated(draw: st.DrawFn) -> bytes:
    line = draw(st.sampled_from(_ALL_LINES)).encode()
    pos = draw(st.integers(0, len(line)))
    junk = draw(st.binary(max_size=20))
    cut = draw(st.integers(0, 10))
    return line[:pos] + junk + line[pos + cut :]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from([*sorted(PARSERS), None]),
    chunks=st.lists(st.one_of(st.binary(max_size=200), _mutated()), max_size=12),
)
def test_random_and_mutated_lines_never_crash_and_every_line_is_accounted(
    name: str | None, chunks: list[bytes]
) -> None:
    source = _source(name)
    data = b"\n".join(c.replace(b"\n", b" ") for c in chunks)
    _feed_all(source, data + b"\n")
    stats = source.engine.stats
    nonblank = [c for c in chunks if c.replace(b"\n", b" ").decode("utf-8", "replace").strip()]
    assert stats.lines == len(nonblank)
    assert 0 <= stats.unparsed <= stats.lines
