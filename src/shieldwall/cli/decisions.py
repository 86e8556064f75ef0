"""`shieldwall decisions list|add|delete`: the decisions database by hand."""

from __future__ import annotations

import ipaddress
import signal
import time
from pathlib import Path

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
    from shieldwall.runtime.bouncer_keys import BouncerKeys
    from shieldwall.runtime.decisions_server import decisions_server, tls_context
    from shieldwall.runtime.lapi import DecisionsAPI

    host, sep, port = listen.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"--listen {listen!r}: give HOST:PORT", "for example 127.0.0.1:8081")
    if (tls_cert is None) != (tls_key is None):
        raise UsageError("--tls-cert and --tls-key go together", "give both, or neither")
    try:
        parse_duration(stream_lookback)
    except ValueError as exc:
        raise UsageError(f"--stream-lookback: {exc}", "e.g. 5m") from None
    tls = tls_context(tls_cert, tls_key) if tls_cert and tls_key else None
    path = database or watch_config(config_path).database
    store = DecisionStore(path)
    reader = DecisionStore(path) if str(path) != ":memory:" else store
    keys = BouncerKeys(path)
    api = DecisionsAPI(store, keys, reader=reader)
    api.warm()
    try:
        server = decisions_server(api, host.strip("[]") or "127.0.0.1", int(port), header, tls)
    except OSError as exc:
        store.close()
        reader.close()
        keys.close()
        raise UsageError(f"--listen {listen}: {exc.strerror or exc}", "pick a free port") from None
    scheme = "https" if tls else "http"
    click.echo(f"serving decisions at {scheme}://{listen} (gateways: {AUTH_PATH})", err=True)
    signal.signal(signal.SIGTERM, _interrupt)  # stop as on Ctrl-C: the keys' pulls get written
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        store.close()
        reader.close()
        keys.close()
