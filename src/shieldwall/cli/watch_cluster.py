"""`shieldwall watch ship` and `shieldwall watch worker`: watch on a cluster,
log lines carried by a NATS JetStream stream, decisions in a shared store."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import click

from shieldwall.cli.errors import handle_errors
from shieldwall.cli.watch_common import (
    config_option,
    database_option,
    emitter,
    output_option,
    paranoia_option,
    watch_config,
)
from shieldwall.errors import SourceError, UsageError
from shieldwall.runtime.durations import parse_duration
from shieldwall.runtime.partition import DEFAULT_STREAM, DEFAULT_SUBJECT, Subjects

T = TypeVar("T")

nats_option = click.option(
    "--nats", "nats_url", required=True, metavar="URL", help="The NATS server (nats://HOST:4222)."
)
stream_option = click.option(
    "--stream",
    default=DEFAULT_STREAM,
    show_default=True,
    help="The JetStream stream of log lines (made when missing).",
)
subject_option = click.option(
    "--subject",
    default=DEFAULT_SUBJECT,
    show_default=True,
    help="The stream's subject prefix: PREFIX.<partition> and PREFIX.routes.",
)
partitions_option = click.option(
    "--partitions",
    type=click.IntRange(1, 1024),
    default=1,
    show_default=True,
    help="How many client partitions the lines are spread over (the same for ship and worker).",
)


def _run(coroutine: Coroutine[Any, Any, T], stop: asyncio.Event | None = None) -> T:
    """Run on a new loop; SIGTERM and Ctrl-C set `stop`; NATS failures say what to check."""
    from nats.errors import Error as NatsError
    from nats.errors import TimeoutError as NatsTimeout

    async def main() -> T:
        if stop is not None:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
        return await coroutine

    try:
        return asyncio.run(main())
    except NatsTimeout:
        raise SourceError(
            "NATS did not answer in time",
            "check that the server runs and is not overloaded, then start again "
            "(a worker resumes after its last acknowledged line)",
        ) from None
    except NatsError as exc:
        raise SourceError(
            f"NATS: {exc or type(exc).__name__}",
            "check --nats, that the server runs JetStream, and --stream/--subject",
        ) from None


@click.command("ship")
@click.option("--log", "log", required=True, metavar="PATH[:FORMAT]", help="The log to follow.")
@nats_option
@partitions_option
@stream_option
@subject_option
@click.option("--from-start", is_flag=True, help="Publish the log from its start, then follow.")
@click.option("--once", is_flag=True, help="Publish what the log holds now, then stop.")
@config_option
@click.option("--verbose", is_flag=True, help="Tracebacks on failure.")
@handle_errors
def ship(
    log: str,
    nats_url: str,
    partitions: int,
    stream: str,
    subject: str,
    from_start: bool,
    once: bool,
    config_path: Path | None,
    verbose: bool,
) -> None:
    """Follow a log and publish its lines to NATS JetStream for `watch worker`s."""
    from shieldwall.runtime.ship import Bus
    from shieldwall.runtime.ship import ship as ship_lines
    from shieldwall.runtime.sources.registry import split_log_arg

    path, parser = split_log_arg(log)
    config = watch_config(config_path)
    bus = Bus(nats_url, stream, Subjects(subject))
    stop = asyncio.Event()
    stats = _run(
        ship_lines(
            path, parser, config, bus, partitions, once=once, from_start=from_start,
            stopped=stop.is_set,
        ),
        stop,
    )  # fmt: skip
    click.echo(f"{stats.lines} lines published in {stats.messages} messages", err=True)


@click.command("worker")
@nats_option
@partitions_option
@click.option(
    "--partition",
    "chosen",
    multiple=True,
    metavar="N|routes",
    help="A partition to consume (repeat, or N,M). Default: all, and routes.",
)
@stream_option
@subject_option
@click.option(
    "--durable",
    default="shieldwall-watch",
    show_default=True,
    help="Consumer name prefix (one durable consumer per partition).",
)
@click.option(
    "--window",
    metavar="DURATION",
    help="Log time kept unacknowledged (default: what the slowest scenario remembers).",
)
@click.option(
    "--idle-exit",
    type=click.FloatRange(min=0.1),
    metavar="SECONDS",
    help="Stop after this long without a new line (for a backlog).",
)
@output_option
@click.option("--simulate", is_flag=True, help="Mark every decision simulated (enforce nothing).")
@paranoia_option
@config_option
@database_option
@click.option("--verbose", is_flag=True, help="Tracebacks on failure.")
@handle_errors
def worker(
    nats_url: str,
    partitions: int,
    chosen: tuple[str, ...],
    stream: str,
    subject: str,
    durable: str,
    window: str | None,
    idle_exit: float | None,
    output: str,
    simulate: bool,
    paranoia: int | None,
    config_path: Path | None,
    database: str | None,
    verbose: bool,
) -> None:
    """Consume partitions of the log stream, detect, and write decisions to the store."""
    from shieldwall.runtime.partition import parse_partitions
    from shieldwall.runtime.ship import Bus
    from shieldwall.runtime.store import DecisionStore
    from shieldwall.runtime.worker import WorkerOptions, run_worker

    seconds = None if window is None else _window_seconds(window)
    config = watch_config(config_path, paranoia=paranoia)
    if simulate:
        config = replace(config, simulate=True)
    options = WorkerOptions(
        Bus(nats_url, stream, Subjects(subject)),
        parse_partitions(chosen, partitions),
        durable=durable,
        window=seconds,
        idle_exit=idle_exit,
    )
    store = DecisionStore(database or config.database)
    stop = asyncio.Event()
    try:
        parts = _run(run_worker(options, config, store, emitter(output), stop), stop)
    finally:
        store.close()
    lines = sum(p.engine.stats.lines for name, p in parts.items() if name != "routes")
    made = sum(sum(p.engine.stats.decisions.values()) for p in parts.values())
    click.echo(f"{lines} lines read, {made} decision(s) made", err=True)


def _window_seconds(window: str) -> float:
    """--window as seconds: 90s, 15m, 3h."""
    try:
        return parse_duration(window)
    except ValueError as exc:
        raise UsageError(f"--window {window!r}: {exc}", "write it as 90s, 15m or 3h") from None
