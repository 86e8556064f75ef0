"""`shieldwall watch` (follow logs) and `shieldwall watch replay` (forensics)."""

from __future__ import annotations

import signal
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
import orjson

from shieldwall.cli.errors import handle_errors
from shieldwall.cli.watch_common import (
    config_option,
    database_option,
    decision_line,
    emitter,
    paranoia_option,
    watch_config,
)
from shieldwall.errors import UsageError
from shieldwall.model.display import display_text
from shieldwall.runtime.replay import ReplayResult, replay_files
from shieldwall.runtime.sources.registry import PARSERS, split_log_arg
from shieldwall.runtime.store import DecisionStore

_FORMATS = ", ".join(PARSERS)


def _listen(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"--listen {value!r}: give HOST:PORT", "for example 127.0.0.1:9464")
    return host.strip("[]") or "127.0.0.1", int(port)


@click.group(invoke_without_command=True)
@click.option(
    "--log",
    "logs",
    multiple=True,
    metavar="PATH[:FORMAT]",
    help=f"A log to follow (- for standard input). FORMAT: {_FORMATS}; sniffed when left out.",
)
@click.option("--from-start", is_flag=True, help="Read the logs from their start, then follow.")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "jsonl"]),
    default="text",
    help="text: one line per detection and decision on stderr; jsonl: JSON lines on stdout.",
)
@click.option("--listen", metavar="HOST:PORT", help="Serve Prometheus metrics at /metrics.")
@click.option("--simulate", is_flag=True, help="Mark every decision simulated (enforce nothing).")
@paranoia_option
@config_option
@database_option
@click.option("--verbose", is_flag=True, help="Tracebacks on failure.")
@click.pass_context
@handle_errors
def watch(
    ctx: click.Context,
    logs: tuple[str, ...],
    from_start: bool,
    output: str,
    listen: str | None,
    simulate: bool,
    paranoia: int | None,
    config_path: Path | None,
    database: str | None,
    verbose: bool,
) -> None:
    """Watch gateway, ingress and Kubernetes audit logs for attacks and decide whom to block."""
    if ctx.invoked_subcommand is not None:
        return
    if not logs:
        raise UsageError("no log to watch", "give --log PATH[:FORMAT] (or --log - for stdin)")
    from shieldwall.runtime.metrics import exposition, serve
    from shieldwall.runtime.watcher import Watcher

    config = watch_config(config_path, paranoia=paranoia)
    if simulate:
        config = replace(config, simulate=True)
    store = DecisionStore(database or config.database)
    watcher = Watcher([split_log_arg(a) for a in logs], config, store, from_start=from_start)
    server = None
    if listen:
        host, port = _listen(listen)

        def render() -> str:
            with watcher.lock:
                return exposition(watcher.engine)

        try:
            server = serve(host, port, render)
        except OSError as exc:
            raise UsageError(
                f"--listen {listen}: {exc.strerror or exc}", "pick a free port"
            ) from None
    signal.signal(signal.SIGTERM, lambda *_: watcher.stop())
    try:
        watcher.run(emitter(output), stdin=sys.stdin.buffer)
    except KeyboardInterrupt:
        pass
    finally:
        watcher.close()
        if server is not None:
            server.shutdown()
        store.close()


def _summary(result: ReplayResult) -> str:
    lines = [f"{len(result.decisions)} decision(s), {len(result.detections)} detection(s)"]
    for item in result.decisions:
        lines.append("  " + decision_line(item))
    kinds = Counter(d.kind for d in result.detections)
    if kinds:
        lines.append("detections by kind:")
        lines += [f"  {kind:<28} {count:>8}" for kind, count in kinds.most_common()]
    sources = Counter(d.source for d in result.detections)
    if sources:
        lines.append("top sources:")
        lines += [f"  {display_text(src):<40} {n:>8}" for src, n in sources.most_common(10)]
    stats = result.stats
    rate = stats.lines / result.seconds if result.seconds > 0 else 0.0
    lines.append(
        f"{stats.lines} lines, {stats.unparsed} unparsed, "
        f"{result.seconds:.2f} s ({rate:,.0f} lines/s)"
    )
    lines += [f"  unparsed: {display_text(s)}" for s in stats.samples]
    return "\n".join(lines)


@watch.command("replay")
@click.argument("logs", nargs=-1, required=True, metavar="LOG[:FORMAT]...")
@click.option("--format", "output", type=click.Choice(["json", "text"]), default="text")
@click.option("--simulate", is_flag=True, help="Mark every decision simulated.")
@paranoia_option
@config_option
@click.option("--verbose", is_flag=True, help="Tracebacks on failure.")
@handle_errors
def replay(
    logs: tuple[str, ...],
    output: str,
    simulate: bool,
    paranoia: int | None,
    config_path: Path | None,
    verbose: bool,
) -> None:
    """Read whole logs with log time as the clock (forensics, tests, comparisons)."""
    config = watch_config(config_path, paranoia=paranoia)
    if simulate:
        config = replace(config, simulate=True)
    result = replay_files([split_log_arg(a) for a in logs], config)
    if output == "json":
        payload: dict[str, Any] = result.to_json()
        click.echo(orjson.dumps(payload).decode())
    else:
        click.echo(_summary(result))


def _cluster_commands() -> None:
    from shieldwall.cli.watch_cluster import ship, worker

    watch.add_command(ship)
    watch.add_command(worker)


_cluster_commands()
