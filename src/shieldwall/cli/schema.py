"""`shieldwall schema report|map`: the JSON Schema of a JSON contract."""

from __future__ import annotations

from importlib import resources

import click

from shieldwall.cli.errors import handle_errors

SCHEMAS = {"report": "report-v1.json", "map": "map-v1.json"}


def schema_text(name: str) -> str:
    """The schema shipped in the package (shieldwall/schemas/)."""
    return resources.files("shieldwall.schemas").joinpath(SCHEMAS[name]).read_text("utf-8")


@click.command("schema")
@click.argument("name", type=click.Choice(sorted(SCHEMAS)))
@handle_errors
def schema(name: str) -> None:
    """Print the JSON Schema of `scan --format json` (report) or `map --format json` (map)."""
    click.echo(schema_text(name), nl=False)
