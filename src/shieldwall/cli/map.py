"""`shieldwall map`: draw how the services of a system talk to each other."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from shieldwall.cli.errors import handle_errors
from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.errors import ShieldwallError
from shieldwall.formats.base import ReportContext
from shieldwall.model.service_map import ServiceMap
from shieldwall.sources.safe_files import check_target, write_atomic

MAP_FORMATS = ("html", "svg", "json", "dot")


def render_map(fmt: str, path: Path, config: Path | None, exclude: tuple[str, ...]) -> str:
    # The HTML page also lists the configuration findings of each node.
    analyzers = "config,topology" if fmt == "html" else "topology"
    options = ScanOptions(analyzers=analyzers, config=config, excludes=exclude)
    scan = run_scan(path, options, str(path))
    if scan.result.errors:
        raise ShieldwallError("; ".join(scan.result.errors), "run again with --verbose")
    service_map = scan.result.service_map or ServiceMap()
    if fmt == "json":
        from shieldwall.formats.service_map_json import render_map as render_json

        return render_json(service_map)
    if fmt == "dot":
        from shieldwall.formats.service_map_dot import to_dot

        return to_dot(service_map)
    if fmt == "svg":
        from shieldwall.formats.service_map_dot import to_svg

        return to_svg(service_map)
    from shieldwall.formats.html import render

    return render(scan.result, ReportContext(), page="map")


@click.command("map")
@click.argument("path", default=".", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(MAP_FORMATS),
    default="html",
    show_default=True,
    help="html (self-contained page), svg (Graphviz layout), json (shieldwall/map/v1), dot.",
)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to FILE.")
@click.option("--config", type=click.Path(path_type=Path), help="Config file (.shieldwall.yaml).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB.")
@click.option("-v", "--verbose", is_flag=True, help="Tracebacks on errors.")
@handle_errors
def map_command(
    path: Path,
    fmt: str,
    output: Path | None,
    config: Path | None,
    exclude: tuple[str, ...],
    verbose: bool,
) -> None:
    """Draw the service map of PATH: the internet, the gateway, each service and
    datastore, and the links between them, coloured by control."""
    if output is not None:
        check_target(output)
    text = render_map(fmt, path, config, exclude)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_atomic(output, text.encode("utf-8"))
    click.echo(f"service map ({fmt}) written to {output}", err=True)
