"""Every subcommand goes through the one error boundary (`cli/errors.py`)."""

from __future__ import annotations

import click
from click.testing import CliRunner

from shieldwall.cli.main import cli


def _leaves(group: click.Group, ctx: click.Context, prefix: str = "") -> dict[str, click.Command]:
    out: dict[str, click.Command] = {}
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            out |= _leaves(command, ctx, f"{prefix}{name} ")
        else:
            out[prefix + name] = command
    return out


def test_every_subcommand_is_wrapped_by_the_error_boundary() -> None:
    leaves = _leaves(cli, click.Context(cli))
    assert {"scan", "sbom", "map", "db update", "db status", "schema"} <= set(leaves)
    for name, command in leaves.items():
        callback = command.callback
        assert callback is not None and hasattr(callback, "__wrapped__"), name


def test_an_sbom_output_that_cannot_be_written_is_a_clear_error(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["sbom", str(tmp_path), "-o", "/proc/nope/x.json"])
    assert result.exit_code in (2, 3)
    assert "Traceback" not in result.output
    assert "/proc/nope/x.json" in result.output
