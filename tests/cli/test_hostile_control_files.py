"""A pull request cannot hang the scan, exhaust its memory or read the runner's
files through the control files it commits: `.gitignore`, `.shieldwall.yaml`
and baselines are read only as small regular files (inside the tree when they
come from it)."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from shieldwall.sources.safe_files import BASELINE_MAX_BYTES, CONTROL_FILE_MAX_BYTES
from tests.analyzers.secrets.samples import github_token
from tests.analyzers.secrets.test_history import git
from tests.cli.hostile import checkout, needs_git, sw_capped
from tests.cli.test_cli import sw
from tests.engine.test_scanner import PRIVILEGED_POD

pytestmark = needs_git


def _skipped(out_stdout: str) -> dict[str, list[str]]:
    report = json.loads(out_stdout)
    found: dict[str, list[str]] = {}
    for s in report["skipped"]:
        found.setdefault(s["path"], []).append(s["reason"])
    return found


def test_fifo_gitignore_does_not_hang_the_scan(tmp_path: Path) -> None:
    repo = checkout(tmp_path, {"pod.yaml": PRIVILEGED_POD, "docs/x.yaml": "a: 1\n"})
    os.mkfifo(repo / "docs" / ".gitignore")
    out = sw("scan", ".", "--format", "json", "--fail-on", "none", cwd=repo)  # timeout: 60 s
    assert out.returncode == 0, out.stderr
    reasons = _skipped(out.stdout)["docs/.gitignore"]
    assert any("ignore patterns are not applied: not a regular file" in r for r in reasons)


def test_gitignore_linked_to_dev_zero_does_not_exhaust_memory(tmp_path: Path) -> None:
    repo = checkout(tmp_path, {"pod.yaml": PRIVILEGED_POD}, {"docs/.gitignore": "/dev/zero"})
    assert (repo / "docs" / ".gitignore").is_symlink()  # git clone keeps it
    out = sw_capped("scan", ".", "--format", "json", "--fail-on", "none", cwd=repo)
    assert out.returncode == 0, out.stderr
    reasons = _skipped(out.stdout)["docs/.gitignore"]
    assert any("not applied: points outside the scanned tree" in r for r in reasons)
    assert "MemoryError" not in out.stderr


def test_config_linked_to_a_runner_secret_is_refused_without_echo(tmp_path: Path) -> None:
    marker = "runner-secret-" + secrets.token_hex(16)
    secret = tmp_path / "runner" / "credentials"
    secret.parent.mkdir()
    secret.write_text(f"{marker}: {marker}\n{marker}\n")
    repo = checkout(tmp_path, {"pod.yaml": PRIVILEGED_POD}, {".shieldwall.yaml": secret})
    out = sw("scan", ".", "--format", "json", cwd=repo)
    assert out.returncode == 2
    assert ".shieldwall.yaml: points outside the scanned tree" in out.stderr
    assert marker not in out.stdout + out.stderr


def test_fifo_or_oversized_config_is_a_configuration_error(tmp_path: Path) -> None:
    repo = checkout(tmp_path, {"pod.yaml": PRIVILEGED_POD})
    config = repo / ".shieldwall.yaml"
    os.mkfifo(config)
    out = sw("scan", ".", cwd=repo)
    assert out.returncode == 2
    assert ".shieldwall.yaml: not a regular file" in out.stderr
    config.unlink()
    config.write_text("# padding\n" * (CONTROL_FILE_MAX_BYTES // 10 + 1))
    out = sw("scan", ".", cwd=repo)
    assert out.returncode == 2
    assert ".shieldwall.yaml:" in out.stderr and "over the" in out.stderr


def test_explicit_config_may_live_outside_but_must_be_a_regular_file(tmp_path: Path) -> None:
    repo = checkout(tmp_path, {"pod.yaml": PRIVILEGED_POD})
    kept = tmp_path / "ci" / "shieldwall.yaml"
    kept.write_text("fail_on: critical\n")
    assert sw("scan", ".", "--config", str(kept), cwd=repo).returncode == 0
    fifo = tmp_path / "ci" / "fifo.yaml"
    os.mkfifo(fifo)
    out = sw("scan", ".", "--config", str(fifo), cwd=repo)
    assert out.returncode == 2 and "fifo.yaml: not a regular file" in out.stderr


def test_oversized_baseline_is_refused(tmp_path: Path) -> None:
    repo = checkout(tmp_path, {"pod.yaml": PRIVILEGED_POD})
    with (repo / "baseline.json").open("wb") as big:
        big.truncate(BASELINE_MAX_BYTES + 1)  # sparse: costs no disk
    out = sw("scan", ".", "--baseline", "baseline.json", cwd=repo)
    assert out.returncode == 2
    assert "baseline baseline.json:" in out.stderr and "over the" in out.stderr


def test_baseline_that_is_a_fifo_or_a_device_is_refused(tmp_path: Path) -> None:
    repo = checkout(tmp_path, {"pod.yaml": PRIVILEGED_POD}, {"zero.json": "/dev/zero"})
    os.mkfifo(repo / "fifo.json")
    for name in ("fifo.json", "zero.json"):
        out = sw_capped("scan", ".", "--baseline", name, cwd=repo)
        assert out.returncode == 2
        assert f"baseline {name}: not a regular file" in out.stderr


def test_history_path_now_linked_to_dev_zero_does_not_exhaust_memory(tmp_path: Path) -> None:
    """--history reports a secret at a path the working tree now links to
    /dev/zero; looking there for inline suppressions must not read it."""
    repo = checkout(tmp_path, {"app.py": f'token = "{github_token()}"\n'})
    (repo / "app.py").unlink()
    os.symlink("/dev/zero", repo / "app.py")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "link")
    out = sw_capped(
        "scan", ".", "--history", "--analyzers", "secrets", "--format", "json", cwd=repo
    )
    assert out.returncode == 1, out.stderr  # the leaked token, found in history
    assert "MemoryError" not in out.stderr
    assert any(f["location"]["path"] == "app.py" for f in json.loads(out.stdout)["findings"])
