"""`shieldwall decisions list|add|delete|serve`: the decisions database by hand, and served."""

from __future__ import annotations

import ipaddress
import signal
import time
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import TYPE_CHECKING

import click
import orjson

from shieldwall.cli.errors import handle_errors
from shieldwall.cli.watch_common import (
    config_option,
    database_option,
    decision_line,
    decision_row,
    watch_config,
)
from shieldwall.errors import UsageError
from shieldwall.runtime.auth_endpoint import AUTH_PATH
from shieldwall.runtime.decisions import SCHEMA, Decision
from shieldwall.runtime.durations import parse_duration
from shieldwall.runtime.store import DecisionStore

if TYPE_CHECKING:
    from http.server import ThreadingHTTPServer
    from ssl import SSLContext

    from shieldwall.runtime.lapi import DecisionsAPI


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def _store(config_path: Path | None, database: str | None) -> DecisionStore:
    return DecisionStore(database or watch_config(config_path).database)


@click.group()
def decisions() -> None:
    """List, add and delete decisions (bans, captchas, throttles)."""


@decisions.command("list")
@click.option("--all", "show_all", is_flag=True, help="Also expired and deleted decisions.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
@config_option
@database_option
@click.option("--verbose", is_flag=True, help="Tracebacks on failure.")
@handle_errors
def list_decisions(
    show_all: bool, output: str, config_path: Path | None, database: str | None, verbose: bool
) -> None:
    """The active decisions (newest last)."""
    store = _store(config_path, database)
    now = time.time()
    items = sorted(store.all(100_000), key=lambda d: d.id) if show_all else store.active(now)
    store.close()
    if output == "json":
        body = {"schema": SCHEMA, "decisions": [{"id": d.id, **d.to_json()} for d in items]}
        click.echo(orjson.dumps(body).decode())
        return
    for item in items:
        click.echo(decision_row(item, now))
    if not items:
        click.echo("no decisions", err=True)


@decisions.command("add")
@click.argument("value")
@click.option("--type", "type_", type=click.Choice(["ban", "captcha", "throttle"]), default="ban")
@click.option("--duration", default="4h", show_default=True, help="30m, 4h, 7d...")
@click.option("--reason", default="added by hand", show_default=True)
@config_option
@database_option
@click.option("--verbose", is_flag=True, help="Tracebacks on failure.")
@handle_errors
def add_decision(
    value: str,
    type_: str,
    duration: str,
    reason: str,
    config_path: Path | None,
    database: str | None,
    verbose: bool,
) -> None:
    """Decide on VALUE: an IP address or a CIDR range."""
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise UsageError(f"{value!r} is not an IP address or CIDR", "e.g. 203.0.113.7") from None
    try:
        seconds = parse_duration(duration)
    except ValueError as exc:
        raise UsageError(f"--duration: {exc}", "e.g. 30m, 4h or 7d") from None
    single = network.num_addresses == 1
    store = _store(config_path, database)
    made = store.add(
        Decision(
            value=str(network.network_address) if single else str(network),
            scope="ip" if single else "range",
            type=type_,
            duration=seconds,
            scenario="manual",
            reason=reason,
            created_at=time.time(),
            events=0,
            evidence=(),
            origin="cli",
        )
    )
    store.close()
    click.echo(decision_line(made))


@decisions.command("delete")
@click.argument("target")
@config_option
@database_option
@click.option("--verbose", is_flag=True, help="Tracebacks on failure.")
@handle_errors
def delete_decision(
    target: str, config_path: Path | None, database: str | None, verbose: bool
) -> None:
    """Delete decisions: TARGET is a decision id, or an IP/CIDR (its active ones)."""
    store = _store(config_path, database)
    now = time.time()
    count = (
        store.delete(now, id=int(target)) if target.isdigit() else store.delete(now, value=target)
    )
    store.close()
    if not count:
        raise UsageError(
            f"no active decision matches {target!r}", "see `shieldwall decisions list`"
        )
    click.echo(f"{count} decision(s) deleted")


@decisions.command("serve")
@click.option(
    "--listen",
    default="127.0.0.1:8081",
    show_default=True,
    metavar="HOST:PORT",
    help="Where gateways and bouncers ask (the gateway endpoint trusts --header: "
    "keep it reachable by them only).",
)
@click.option(
    "--header",
    default="X-Real-IP",
    show_default=True,
    help="Request header holding the client address (the gateway sets it).",
)
@click.option("--tls-cert", type=click.Path(path_type=Path, dir_okay=False), help="Serve HTTPS.")
@click.option("--tls-key", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--stream-lookback",
    default="5m",
    show_default=True,
    hidden=True,
    help="Ignored: the stream follows the store's change sequence, whatever a "
    "decision's time (kept so that existing command lines still start).",
)
@config_option
@database_option
@click.option("--verbose", is_flag=True, help="Tracebacks on failure.")
@handle_errors
def serve_decisions(
    listen: str,
    header: str,
    tls_cert: Path | None,
    tls_key: Path | None,
    stream_lookback: str,
    config_path: Path | None,
    database: str | None,
    verbose: bool,
) -> None:
    """Serve the decisions: GET /v1/gateway/auth for gateways' auth_request (204, or
    403 when the address in --header is banned), the CrowdSec LAPI bouncer endpoints
    GET /v1/decisions and /v1/decisions/stream (X-Api-Key from `shieldwall bouncers
    add`), and POST/DELETE /v1/admin/decisions for admin keys."""
    from shieldwall.runtime.decisions_server import tls_context

    host, port = _listen_address(listen)
    if (tls_cert is None) != (tls_key is None):
        raise UsageError("--tls-cert and --tls-key go together", "give both, or neither")
    try:
        parse_duration(stream_lookback)
    except ValueError as exc:
        raise UsageError(f"--stream-lookback: {exc}", "e.g. 5m") from None
    tls = tls_context(tls_cert, tls_key) if tls_cert and tls_key else None
    with ExitStack() as opened:
        api = _decisions_api(database or watch_config(config_path).database, opened)
        server = _bind(api, listen, host, port, header, tls)
        opened.callback(server.server_close)
        scheme = "https" if tls else "http"
        click.echo(f"serving decisions at {scheme}://{listen} (gateways: {AUTH_PATH})", err=True)
        signal.signal(signal.SIGTERM, _interrupt)  # stop as on Ctrl-C: the keys' pulls get written
        with suppress(KeyboardInterrupt):
            server.serve_forever()


def _listen_address(listen: str) -> tuple[str, int]:
    """--listen HOST:PORT as (host, port); an IPv6 host may be bracketed, an empty
    one is the loopback address."""
    host, sep, port = listen.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"--listen {listen!r}: give HOST:PORT", "for example 127.0.0.1:8081")
    return host.strip("[]") or "127.0.0.1", int(port)


def _decisions_api(path: str | Path, opened: ExitStack) -> DecisionsAPI:
    """The API over the decisions database at `path` (a writer, a reader and the
    bouncer keys), warmed; what it opens is closed when `opened` closes."""
    from shieldwall.runtime.bouncer_keys import BouncerKeys
    from shieldwall.runtime.lapi import DecisionsAPI

    store = DecisionStore(path)
    opened.callback(store.close)
    reader = DecisionStore(path) if str(path) != ":memory:" else store
    opened.callback(reader.close)
    keys = BouncerKeys(path)
    opened.callback(keys.close)
    api = DecisionsAPI(store, keys, reader=reader)
    api.warm()
    return api


def _bind(
    api: DecisionsAPI, listen: str, host: str, port: int, header: str, tls: SSLContext | None
) -> ThreadingHTTPServer:
    """The server listening on host:port; a port taken or refused is a usage error."""
    from shieldwall.runtime.decisions_server import decisions_server

    try:
        return decisions_server(api, host, port, header, tls)
    except OSError as exc:
        raise UsageError(f"--listen {listen}: {exc.strerror or exc}", "pick a free port") from None
