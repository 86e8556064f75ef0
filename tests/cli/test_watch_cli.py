"""`shieldwall watch replay` and `shieldwall decisions` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import sw


def _brute_force_log(path: Path) -> Path:
    lines = [
        f'203.0.113.7 - - [03/Dec/2026:10:15:{i:02d} +0000] "POST /api/login HTTP/1.1" 401 12 '
        f'"-" "curl/8.5.0"'
        for i in range(20)
    ]
    lines.insert(3, "\x00\x01 not a log line")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_replay_prints_the_decisions_contract(tmp_path: Path) -> None:
    log = _brute_force_log(tmp_path / "access.log")
    result = sw("watch", "replay", f"{log}:nginx", "--format", "json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["schema"] == "shieldwall/decisions/v1"
    (ban,) = body["decisions"]
    assert {k: ban[k] for k in ("value", "scope", "type", "duration", "scenario")} == {
        "value": "203.0.113.7",
        "scope": "ip",
        "type": "ban",
        "duration": "4h",
        "scenario": "http-bruteforce",
    }
    assert ban["created_at"] == "2026-12-03T10:15:10Z" and ban["simulated"] is False
    assert ban["evidence"][0] == f"{log}:1"
    assert body["stats"]["lines"] == 21 and body["stats"]["unparsed"] == 1


def test_replay_text_summarises_and_an_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    log = _brute_force_log(tmp_path / "access.log")
    result = sw("watch", "replay", str(log))
    assert result.returncode == 0
    assert "ban ip 203.0.113.7" in result.stdout and "1 unparsed" in result.stdout
    assert sw("watch", "replay", f"{log}:ngnix").returncode == 2
    assert sw("watch", "replay", str(tmp_path / "missing.log")).returncode == 3


def test_watch_config_sets_simulation_and_bad_config_is_exit_2(tmp_path: Path) -> None:
    log = _brute_force_log(tmp_path / "access.log")
    good = tmp_path / "good.yaml"
    good.write_text("watch:\n  simulate: true\n")
    body = json.loads(
        sw("watch", "replay", str(log), "--format", "json", "--config", str(good)).stdout
    )
    assert [d["simulated"] for d in body["decisions"]] == [True]
    bad = tmp_path / "bad.yaml"
    bad.write_text("watch:\n  scenarios:\n    http-bruteforce:\n      leak: soon\n")
    result = sw("watch", "replay", str(log), "--config", str(bad))
    assert result.returncode == 2 and "http-bruteforce" in result.stderr


def test_replay_paranoia_adds_fragment_detections_and_level_one_is_the_default(
    tmp_path: Path,
) -> None:
    log = tmp_path / "access.log"
    log.write_text(
        '203.0.113.9 - - [03/Dec/2026:10:15:00 +0000] "GET /search?q=ABS%28 HTTP/1.1" 200 12 '
        '"-" "curl/8.5.0"\n'
    )
    config = tmp_path / "watch.yaml"
    config.write_text("watch:\n  paranoia: 2\n")

    def rules(*args: str) -> list[str]:
        body = json.loads(sw("watch", "replay", str(log), "--format", "json", *args).stdout)
        return [d["rule"] for d in body["detections"]]

    assert rules() == []
    assert rules("--paranoia", "2") == ["RT-SQLI-PL2-FUNCTION"]
    assert rules("--config", str(config)) == ["RT-SQLI-PL2-FUNCTION"]
    assert rules("--config", str(config), "--paranoia", "1") == []
    assert sw("watch", "replay", str(log), "--paranoia", "5").returncode == 2


def test_decisions_can_be_added_listed_and_deleted(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    assert (
        sw("decisions", "add", "203.0.113.0/24", "--duration", "1h", "--database", db).returncode
        == 0
    )
    listed = json.loads(sw("decisions", "list", "--format", "json", "--database", db).stdout)
    assert [(d["value"], d["scope"], d["duration"]) for d in listed["decisions"]] == [
        ("203.0.113.0/24", "range", "1h")
    ]
    assert sw("decisions", "delete", "203.0.113.0/24", "--database", db).returncode == 0
    assert (
        json.loads(sw("decisions", "list", "--format", "json", "--database", db).stdout)[
            "decisions"
        ]
        == []
    )
    assert sw("decisions", "delete", "203.0.113.0/24", "--database", db).returncode == 2
    assert sw("decisions", "add", "not-an-ip", "--database", db).returncode == 2


def test_watch_follows_standard_input_and_prints_json_lines(tmp_path: Path) -> None:
    import subprocess
    import sys

    log = _brute_force_log(tmp_path / "access.log").read_text()
    result = subprocess.run(
        [sys.executable, "-m", "shieldwall", "watch", "--log", "-", "--format", "jsonl",
         "--database", str(tmp_path / "d.db")],
        input=log, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["event"], e["type"], e["value"]) for e in events] == [
        ("decision", "ban", "203.0.113.7")
    ]
