"""`.shieldwall.yaml` and baselines are read only as small regular files; a
repository's config only from inside the scanned directory; errors name the
file and never repeat what is in it at length."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shieldwall.engine.baseline import load_baseline
from shieldwall.engine.project_config import find_config, load_config
from shieldwall.errors import ConfigError
from shieldwall.sources.safe_files import BASELINE_MAX_BYTES
from tests.fifos import fifo


def _outside_secret(tmp_path: Path) -> tuple[Path, str]:
    marker = "host-only-" + os.urandom(8).hex()
    secret = tmp_path / "host" / "secret.yaml"
    secret.parent.mkdir()
    secret.write_text(f"{marker}: 1\n")
    return secret, marker


def test_repository_config_linked_outside_is_not_read(tmp_path: Path) -> None:
    secret, marker = _outside_secret(tmp_path)
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink(secret, repo / ".shieldwall.yaml")
    found = find_config(repo)
    assert found == repo / ".shieldwall.yaml"
    with pytest.raises(ConfigError, match=r"^\.shieldwall\.yaml: points outside") as err:
        load_config(found, found.name)
    assert marker not in err.value.message + err.value.hint


def test_config_named_on_the_command_line_may_live_anywhere(tmp_path: Path) -> None:
    secret, _ = _outside_secret(tmp_path)
    link = tmp_path / "repo" / "cfg.yaml"
    link.parent.mkdir()
    os.symlink(secret, link)
    with pytest.raises(ConfigError, match="unknown key"):  # read: it is the user's own file
        load_config(link, link.name, trusted=True)


def test_config_inside_the_tree_through_a_symlink_is_read(tmp_path: Path) -> None:
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "shieldwall.yaml").write_text("fail_on: low\n")
    os.symlink("ci/shieldwall.yaml", tmp_path / ".shieldwall.yaml")
    assert load_config(tmp_path / ".shieldwall.yaml", ".shieldwall.yaml").fail_on is not None


def test_fifo_config_is_found_and_refused(tmp_path: Path) -> None:
    with fifo(tmp_path / ".shieldwall.yaml"):
        found = find_config(tmp_path)
        assert found is not None
        with pytest.raises(ConfigError, match=r"^\.shieldwall\.yaml: not a regular file"):
            load_config(found, found.name)


def test_config_errors_clip_what_the_file_says(tmp_path: Path) -> None:
    cfg = tmp_path / ".shieldwall.yaml"
    cfg.write_text("k" * 1000 + ": 1\n")
    with pytest.raises(ConfigError, match="unknown key") as err:
        load_config(cfg, ".shieldwall.yaml")
    assert len(err.value.message) < 120 and "kkkk..." in err.value.message


def test_baseline_fifo_device_and_oversized_are_config_errors(tmp_path: Path) -> None:
    with fifo(tmp_path / "fifo.json") as path, pytest.raises(ConfigError, match="not a regular"):
        load_baseline(path)
    zero = tmp_path / "zero.json"
    os.symlink("/dev/zero", zero)
    with pytest.raises(ConfigError, match="not a regular file"):
        load_baseline(zero)
    big = tmp_path / "big.json"
    with big.open("wb") as out:
        out.truncate(BASELINE_MAX_BYTES + 1)
    with pytest.raises(ConfigError, match="over the"):
        load_baseline(big)


def test_baseline_json_error_names_position_not_content(tmp_path: Path) -> None:
    marker = "host-only-" + os.urandom(8).hex()
    path = tmp_path / "b.json"
    path.write_text('{"schema": "shieldwall/baseline/v1",\n "findings": [' + marker + "]}")
    with pytest.raises(ConfigError, match=r"not valid JSON: Expecting value at line 2") as err:
        load_baseline(path)
    assert marker not in err.value.message
