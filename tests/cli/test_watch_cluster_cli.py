"""`shieldwall watch ship` and `watch worker`: bad input and an unreachable
NATS or database get a message saying what to check, never a traceback."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import sw


def test_a_worker_given_a_partition_outside_the_count_says_which_are_valid() -> None:
    result = sw(
        "watch", "worker", "--nats", "nats://127.0.0.1:1", "--partitions", "2", "--partition", "3"
    )
    assert result.returncode != 0
    assert "--partition '3': not a partition of 2" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_nats_names_the_url_and_what_to_check(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text("")
    result = sw("watch", "ship", "--log", f"{log}:nginx", "--nats", "nats://127.0.0.1:1", "--once")
    assert result.returncode != 0
    assert "NATS at nats://127.0.0.1:1: cannot connect" in result.stderr
    assert "JetStream" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_worker_with_an_unreachable_database_names_it_without_its_password() -> None:
    result = sw(
        "watch", "worker", "--nats", "nats://127.0.0.1:1",
        "--database", "postgresql://sw:hunter2@127.0.0.1:1/decisions",
    )  # fmt: skip
    assert result.returncode != 0
    assert "127.0.0.1:1/decisions" in result.stderr
    assert "hunter2" not in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_window_is_a_usage_error() -> None:
    result = sw("watch", "worker", "--nats", "nats://127.0.0.1:1", "--window", "soon")
    assert result.returncode != 0
    assert "--window 'soon'" in result.stderr


def test_a_worker_takes_the_paranoia_level_of_watch_and_refuses_one_out_of_range(
    tmp_path: Path,
) -> None:
    result = sw("watch", "worker", "--nats", "nats://127.0.0.1:1", "--paranoia", "5")
    assert result.returncode == 2
    assert "'--paranoia'" in result.stderr and "1<=x<=4" in result.stderr
    db = str(tmp_path / "decisions.db")
    reached = sw(
        "watch", "worker", "--nats", "nats://127.0.0.1:1", "--paranoia", "2", "--database", db
    )
    assert "cannot connect" in reached.stderr  # the level is accepted; NATS is what fails
