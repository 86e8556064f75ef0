"""The command line with names no report may print raw: its own messages escape
control characters, and a baseline records a file name that is not UTF-8 as valid
JSON that still matches the finding."""

from __future__ import annotations

import json
import os
from pathlib import Path

from shieldwall.model.display import path_bytes
from tests.cli.test_cli import sw
from tests.engine.test_scanner import PRIVILEGED_POD


def test_error_messages_do_not_pass_escape_sequences_to_the_terminal(tmp_path: Path) -> None:
    out = sw("scan", str(tmp_path / "missing\x1b]0;owned\x07\x1b[2J"))
    assert out.returncode == 2
    assert "\x1b" not in out.stderr and "\x07" not in out.stderr
    assert "missing\\x1b]0;owned\\x07\\x1b[2J" in out.stderr


def test_baseline_with_a_name_that_is_not_utf8_is_valid_json_and_still_matches(
    tmp_path: Path,
) -> None:
    raw = b"pod\xff\n.yaml"
    with open(os.path.join(os.fsencode(tmp_path), raw), "wb") as fh:
        fh.write(PRIVILEGED_POD.encode())
    created = sw("baseline", "create", str(tmp_path), "--analyzers", "config")
    assert created.returncode == 0, created.stderr
    baseline = tmp_path / ".shieldwall-baseline.json"
    text = baseline.read_bytes().decode("utf-8")
    entries = json.loads(text)["findings"]
    assert "\\ud" not in text  # no lone surrogate escaped into the JSON
    assert {path_bytes(e["path"]) for e in entries} == {raw}
    gated = sw(
        "scan",
        str(tmp_path),
        "--analyzers",
        "config",
        "--baseline",
        str(baseline),
        "--format",
        "json",
    )
    assert gated.returncode == 0, gated.stderr
    assert all(f["suppressed"] for f in json.loads(gated.stdout)["findings"])
