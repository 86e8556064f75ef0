"""`shieldwall bouncers add|list|delete`: keys for the decisions API."""

from __future__ import annotations

import time
from pathlib import Path

import click
import orjson

from shieldwall.cli.errors import handle_errors
from shieldwall.cli.watch_common import config_option, database_option, watch_config
from shieldwall.errors import UsageError
from shieldwall.model.display import display_text
from shieldwall.runtime.bouncer_keys import ROLES, Bouncer, BouncerKeys
from shieldwall.runtime.sources.timefmt import iso_z


def _keys(config_path: Path | None, database: str | None) -> BouncerKeys:
    return BouncerKeys(database or watch_config(config_path).database)


def _when(epoch: float | None) -> str:
    return "never" if epoch is None else iso_z(epoch)


def _row(item: Bouncer) -> str:
    return display_text(
        f"{item.name:<24} {item.role:<8} created {iso_z(item.created_at)}  "
        f"last pull {_when(item.last_pull):<20}  {item.last_address or '-'}  "
        f"{item.user_agent or '-'}"
    )


@click.group()
def bouncers() -> None:
    """Keys for the decisions API (`shieldwall decisions serve`): bouncers read
    decisions with them; admin keys also add and delete decisions."""


@bouncers.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    default="bouncer",
    show_default=True,
    help="bouncer: read decisions; admin: also add and delete them.",
)
@config_option
@database_option
@click.option("--verbose", is_flag=True, help="Tracebacks on failure.")
@handle_errors
def add_bouncer(
    name: str, role: str, config_path: Path | None, database: str | None, verbose: bool
) -> None:
    """Make a key for NAME and print it: it is shown this once (only its hash is kept)."""
    keys = _keys(config_path, database)
    try:
        key = keys.add(name, role, time.time())
    finally:
        keys.close()
    click.echo(f"{role} key for {name!r} (shown once, keep it now):", err=True)
    click.echo(key)


@bouncers.command("list")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
@config_option
@database_option
@click.option("--verbose", is_flag=True, help="Tracebacks on failure.")
@handle_errors
def list_bouncers(
    output: str, config_path: Path | None, database: str | None, verbose: bool
) -> None:
    """The keys' names, roles and last pulls (never the keys)."""
    keys = _keys(config_path, database)
    try:
        items = keys.list()
    finally:
        keys.close()
    if output == "json":
        body = [
            {
                "name": b.name,
                "role": b.role,
                "created_at": iso_z(b.created_at),
                "last_pull": None if b.last_pull is None else iso_z(b.last_pull),
                "last_address": b.last_address,
                "user_agent": b.user_agent,
            }
            for b in items
        ]
        click.echo(orjson.dumps({"bouncers": body}).decode())
        return
    for item in items:
        click.echo(_row(item))
    if not items:
        click.echo("no bouncers: `shieldwall bouncers add NAME` makes a key", err=True)


@bouncers.command("delete")
@click.argument("name")
@config_option
@database_option
@click.option("--verbose", is_flag=True, help="Tracebacks on failure.")
@handle_errors
def delete_bouncer(
    name: str, config_path: Path | None, database: str | None, verbose: bool
) -> None:
    """Delete NAME's key: its next request is refused (403)."""
    keys = _keys(config_path, database)
    try:
        found = keys.delete(name)
    finally:
        keys.close()
    if not found:
        raise UsageError(f"no bouncer named {name!r}", "see `shieldwall bouncers list`")
    click.echo(f"bouncer {name!r} deleted")
