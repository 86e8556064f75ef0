"""What `watch` and `decisions` share: the config, the decisions database, printing."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import click
import orjson

from shieldwall.engine.project_config import find_config
from shieldwall.model.display import display_text
from shieldwall.runtime.config import WatchConfig, load_file
from shieldwall.runtime.decisions import Decision, Detection
from shieldwall.runtime.durations import format_duration
from shieldwall.runtime.sources.timefmt import iso_z

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The .shieldwall.yaml whose `watch:` section to use (default: the one here, if any).",
)
database_option = click.option(
    "--database",
    metavar="PATH|URL",
    help="The decisions store: an SQLite file, or postgresql://USER@HOST:PORT/NAME shared by "
    "a cluster. Default: watch.database, .shieldwall/decisions.db.",
)

paranoia_option = click.option(
    "--paranoia",
    type=click.IntRange(1, 4),
    default=None,
    help="1-4 (default watch.paranoia, else 1): level 2+ adds stricter fragment detections.",
)

output_option = click.option(
    "--format",
    "output",
    type=click.Choice(["text", "jsonl"]),
    default="text",
    help="text: one line per detection and decision on stderr; jsonl: JSON lines on stdout.",
)


def emitter(output: str) -> Callable[[Decision | Detection], None]:
    """Print each detection and decision as it happens, as `--format` says."""

    def emit(item: Decision | Detection) -> None:
        if output == "jsonl":
            kind = "decision" if isinstance(item, Decision) else "detection"
            click.echo(orjson.dumps({"event": kind, **item.to_json()}).decode())
            sys.stdout.flush()
        elif isinstance(item, Decision):
            click.secho(decision_line(item), fg="red", err=True)
        else:
            click.echo(detection_line(item), err=True)

    return emit


def watch_config(path: Path | None, *, paranoia: int | None = None) -> WatchConfig:
    """The `watch:` section of the config file given or found here; `--paranoia`
    over the file's level when given."""
    found = path if path is not None else find_config(Path.cwd())
    config = load_file(found) if found is not None else WatchConfig()
    return config if paranoia is None else replace(config, paranoia=paranoia)


def detection_line(item: Detection) -> str:
    return display_text(
        f"detection {item.kind} {item.rule} from {item.source}: {item.request[:300]} ({item.line})"
    )


def decision_line(item: Decision) -> str:
    tag = " [simulated]" if item.simulated else ""
    ident = f"#{item.id} " if item.id else ""
    return display_text(
        f"decision {ident}{item.type} {item.scope} {item.value} for "
        f"{format_duration(item.duration)} ({item.scenario}){tag}: {item.reason}"
    )


def decision_row(item: Decision, now: float) -> str:
    if item.deleted_at is not None:
        state = "deleted"
    elif item.active(now):
        state = "active"
    else:
        state = "expired"
    tag = " simulated" if item.simulated else ""
    return display_text(
        f"{item.id:>6}  {item.type:<8} {item.scope:<5} {item.value:<24} {state:<7}{tag} "
        f"until {iso_z(item.until)}  {item.scenario}: {item.reason}"
    )
