"""Secret fingerprints through the command line, as CI runs it: keyed by a key no
report holds, stable across processes under the same key, and no report carries
anything else derived from the value (no length, no unkeyed hash)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.analyzers.secrets.samples import github_token

PW = "Sum" + "mer24"
ENV_KEY = "ci-secret-" + "k" * 20
FORMATS = ("json", "sarif", "junit", "text", "html")


def sw(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shieldwall", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def leaky(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / ".env").write_text(f"DB_PASSWORD={PW}\nGITHUB_TOKEN={github_token(seed=21)}\n")
    return root


def fingerprints(root: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, str]:
    """rule -> fingerprint of each secret finding (unsuppressed only)."""
    run = sw("scan", str(root), "--analyzers", "secrets", "--format", "json", *args, env=env)
    assert run.returncode in (0, 1), run.stderr
    report = json.loads(run.stdout)
    return {f["rule"]: f["fingerprint"] for f in report["findings"] if not f["suppressed"]}


def old_digest(value: str) -> str:
    """The unkeyed hash earlier versions printed (PBKDF2, fixed salt, 48 bits)."""
    return hashlib.pbkdf2_hmac("sha256", value.encode(), b"shieldwall-secret-v1", 20_000).hex()[:16]


def user_key() -> Path:
    return Path(os.environ["XDG_CONFIG_HOME"]) / "shieldwall" / "fingerprint.key"


def test_no_report_carries_a_length_or_an_unkeyed_hash(tmp_path: Path) -> None:
    root = leaky(tmp_path / "repo")
    outs = [f"{fmt}:{tmp_path / ('report.' + fmt)}" for fmt in FORMATS]
    args = [a for o in outs for a in ("--format", o)]
    run = sw("scan", str(root), "--analyzers", "secrets", "--fail-on", "none", *args)
    assert run.returncode == 0, run.stderr
    digest = old_digest(PW)
    key = user_key().read_text().strip()
    for fmt in FORMATS:
        text = (tmp_path / f"report.{fmt}").read_text()
        assert "DB_PASSWORD" in text  # the finding is in this report
        assert PW not in text
        assert not re.search(r"\(\d+ characters\)", text)
        assert digest not in text and digest[:12] not in text
        assert key not in text and key[:16] not in text


def test_user_key_is_created_private_on_first_use_and_reused(tmp_path: Path) -> None:
    root = leaky(tmp_path / "repo")
    assert not user_key().exists()
    first = fingerprints(root)
    mode = stat.S_IMODE(user_key().stat().st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(user_key().parent.stat().st_mode) == 0o700
    assert len(user_key().read_text().strip()) == 64
    assert fingerprints(root) == first
    assert not (root / ".shieldwall-key").exists()


def test_no_key_is_created_without_a_secret(tmp_path: Path) -> None:
    root = tmp_path / "clean"
    root.mkdir()
    (root / "app.py").write_text("print('hello')\n")
    assert fingerprints(root) == {}
    assert not user_key().exists()


def test_baseline_matches_in_a_new_process(tmp_path: Path) -> None:
    root = leaky(tmp_path / "repo")
    made = sw("baseline", "create", str(root), "--analyzers", "secrets")
    assert made.returncode == 0, made.stderr
    key_file = root / ".shieldwall-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "commit it only if the repository is private" in made.stderr
    assert key_file.read_text().strip() not in made.stderr
    baseline = root / ".shieldwall-baseline.json"
    assert len(json.loads(baseline.read_text())["findings"]) == 2
    # Another machine: another user key, the repository's key file and baseline.
    elsewhere = {"XDG_CONFIG_HOME": str(tmp_path / "other-home")}
    assert fingerprints(root, "--baseline", str(baseline), env=elsewhere) == {}
    # Without the key file the same secrets are new again.
    key_file.unlink()
    again = fingerprints(root, "--baseline", str(baseline), env=elsewhere)
    assert set(again) == {"SECRET-GENERIC-PASSWORD", "SECRET-GITHUB-PAT"}


def test_baseline_warns_when_the_machine_key_is_used(tmp_path: Path) -> None:
    root = leaky(tmp_path / "repo")
    assert sw("baseline", "create", str(root), "--analyzers", "secrets").returncode == 0
    (root / ".shieldwall-key").unlink()
    run = sw(
        "scan",
        str(root),
        "--analyzers",
        "secrets",
        "--baseline",
        str(root / ".shieldwall-baseline.json"),
    )
    assert "this machine's key" in run.stderr
    assert run.returncode == 1


def test_environment_key_overrides_the_key_file(tmp_path: Path) -> None:
    root = leaky(tmp_path / "repo")
    (root / ".shieldwall-key").write_text("file-key-" + "f" * 20 + "\n")
    by_file = fingerprints(root)
    by_env = fingerprints(root, env={"SHIELDWALL_FINGERPRINT_KEY": ENV_KEY})
    assert set(by_file) == set(by_env) == {"SECRET-GENERIC-PASSWORD", "SECRET-GITHUB-PAT"}
    assert all(by_file[r] != by_env[r] for r in by_file)
    # The same key from the file gives what the environment gave.
    (root / ".shieldwall-key").write_text(ENV_KEY + "\n")
    assert fingerprints(root) == by_env
    assert not user_key().exists()


def test_a_short_environment_key_is_a_usage_error(tmp_path: Path) -> None:
    root = leaky(tmp_path / "repo")
    run = sw(
        "scan", str(root), "--analyzers", "secrets", env={"SHIELDWALL_FINGERPRINT_KEY": "short"}
    )
    assert run.returncode == 2
    assert "at least 16 characters" in run.stderr and "short" not in run.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_planted_key_file_is_refused_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "runner-secret"
    outside.write_text("host-" + "s" * 30 + "\n")
    root = leaky(tmp_path / "repo")
    (root / ".shieldwall-key").symlink_to(outside)
    run = sw("scan", str(root), "--analyzers", "secrets")
    assert run.returncode == 2
    assert "outside the scanned tree" in run.stderr and "host-" not in run.stderr
    (root / ".shieldwall-key").unlink()
    os.mkfifo(root / ".shieldwall-key")
    run = sw("scan", str(root), "--analyzers", "secrets")
    assert run.returncode == 2
    assert "not a regular file" in run.stderr
