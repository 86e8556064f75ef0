"""Where the key of secret fingerprints comes from, and that it is never shown."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from shieldwall.engine.fingerprint_key import KEY_FILE, scan_key, user_key_path
from shieldwall.errors import ConfigError
from shieldwall.model import Settings
from shieldwall.sources.safe_files import write_atomic

KEY = "k" * 24


def test_order_environment_then_baseline_folder_then_root_then_user(tmp_path: Path) -> None:
    root, elsewhere, config = tmp_path / "repo", tmp_path / "ci", tmp_path / "config"
    root.mkdir()
    elsewhere.mkdir()
    (root / KEY_FILE).write_text("root-" + KEY)
    (elsewhere / KEY_FILE).write_text("beside-" + KEY)
    baseline = elsewhere / "baseline.json"
    env = {"XDG_CONFIG_HOME": str(config)}
    assert scan_key(root, baseline, env={**env, "SHIELDWALL_FINGERPRINT_KEY": KEY}).load() == (
        KEY.encode()
    )
    assert scan_key(root, baseline, env=env).load() == b"beside-" + KEY.encode()
    assert scan_key(root, None, env=env).load() == b"root-" + KEY.encode()
    (root / KEY_FILE).unlink()
    user = scan_key(root, None, env=env)
    assert not user_key_path(env).exists()  # made only when a secret needs it
    made = user.load()
    assert user_key_path(env).read_bytes().strip() == made
    assert stat.S_IMODE(user_key_path(env).stat().st_mode) == 0o600


def test_new_baseline_gets_a_key_file_beside_it(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    key = scan_key(tmp_path, None, new_baseline=tmp_path / "out" / "b.json", env=env)
    (tmp_path / "out").mkdir()
    value = key.load()
    assert (tmp_path / "out" / KEY_FILE).read_bytes().strip() == value
    assert not user_key_path(env).exists()
    assert any("commit it only if the repository is private" in n for n in key.notes())


def test_relative_xdg_config_home_is_ignored() -> None:
    path = user_key_path({"XDG_CONFIG_HOME": "relative/dir"})
    assert path == Path.home() / ".config" / "shieldwall" / "fingerprint.key"


def test_a_key_made_by_another_process_first_is_the_one_used(tmp_path: Path) -> None:
    target = tmp_path / "fingerprint.key"
    assert write_atomic(target, b"first-" + KEY.encode(), mode=0o600, overwrite=False)
    assert not write_atomic(target, b"second-" + KEY.encode(), mode=0o600, overwrite=False)
    assert target.read_bytes() == b"first-" + KEY.encode()
    assert [p.name for p in tmp_path.iterdir()] == ["fingerprint.key"]  # no temp file left
    key = scan_key(tmp_path, None, env={"XDG_CONFIG_HOME": str(tmp_path / "cfg")})
    (tmp_path / "cfg" / "shieldwall").mkdir(parents=True)
    (tmp_path / "cfg" / "shieldwall" / "fingerprint.key").write_text("raced-" + KEY)
    assert key.load() == b"raced-" + KEY.encode()


def test_the_key_is_in_no_repr(tmp_path: Path) -> None:
    key = scan_key(tmp_path, None, env={"SHIELDWALL_FINGERPRINT_KEY": KEY})
    key.load()
    assert KEY not in repr(key)
    assert KEY not in repr(Settings(fingerprint_key=key))


@pytest.mark.parametrize("text", ["", "  short  \n"])
def test_a_short_key_file_is_a_configuration_error(tmp_path: Path, text: str) -> None:
    (tmp_path / KEY_FILE).write_text(text)
    with pytest.raises(ConfigError, match="at least 16 characters"):
        scan_key(tmp_path, None, env={})
