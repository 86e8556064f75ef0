"""The documented deployment of `shieldwall serve` passes `shieldwall scan`, and its
workers run `serve worker`, a command that exists."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from shieldwall.cli.main import cli

MANIFESTS = Path(__file__).parents[2] / "integrations" / "kubernetes"


def test_the_deployment_manifests_pass_a_scan_at_fail_on_low() -> None:
    result = CliRunner().invoke(cli, ["scan", str(MANIFESTS), "--fail-on", "low"])
    assert result.exit_code == 0, result.output


def test_each_container_runs_a_serve_command_the_cli_knows() -> None:
    docs = list(yaml.safe_load_all((MANIFESTS / "serve.yaml").read_text(encoding="utf-8")))
    commands = [
        container["args"]
        for doc in docs
        if doc and doc["kind"] == "Deployment"
        for container in doc["spec"]["template"]["spec"]["containers"]
    ]
    assert ["serve", "worker"] in commands
    for args in commands:
        known = CliRunner().invoke(cli, [*args, "--help"])  # options and subcommand exist
        assert known.exit_code == 0, known.output
