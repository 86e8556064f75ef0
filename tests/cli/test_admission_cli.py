"""`shieldwall admission` and `shieldwall policy` from the command line."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from shieldwall.cli.main import cli


def test_manifests_print_a_fail_closed_webhook_configuration() -> None:
    result = CliRunner().invoke(cli, ["admission", "manifests", "--namespace", "guard"])
    assert result.exit_code == 0, result.output
    kinds = [d["kind"] for d in yaml.safe_load_all(result.output)]
    assert "ValidatingWebhookConfiguration" in kinds
    assert "PodDisruptionBudget" in kinds


def test_serve_without_a_readable_certificate_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "none.pem"
    result = CliRunner().invoke(
        cli, ["admission", "serve", "--tls-cert", str(missing), "--tls-key", str(missing)]
    )
    assert result.exit_code == 2
    assert "TLS certificate" in result.output


def test_bad_mode_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["admission", "serve", "--tls-cert", "x", "--tls-key", "x", "--mode", "shop=maybe"],
    )
    assert result.exit_code == 2


def test_vap_lists_which_rules_compile() -> None:
    result = CliRunner().invoke(cli, ["policy", "vap", "--list"])
    assert result.exit_code == 0
    assert "K8S-PRIVILEGED" in result.output
    assert "rules compile to CEL" in result.output


def test_vap_needs_path_or_all() -> None:
    result = CliRunner().invoke(cli, ["policy", "vap"])
    assert result.exit_code == 2
