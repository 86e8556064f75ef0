"""More files a local file inclusion reads (a release file and shells' settings
under /etc, an account's X and editor dot files, aptitude's folder) and a system
tree itself handed over for a listing; near misses in words and routes stay quiet."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.runtime.payloads import payload_kinds


def _query(value: str) -> set[str]:
    return payload_kinds(query="file=" + quote(value, safe=""))


@pytest.mark.parametrize(
    "target",
    [
        "etc/" + "release",
        "etc/" + "lsb-release",
        "etc/" + "bashrc",
        "etc/" + "printcap",
        "." + "xinitrc",
        "." + "aptitude/config",
        "/" + "etc/",
        "/" + "proc/",
        "/" + "root/",
    ],
)
def test_more_os_files_and_system_trees_are_traversal(target: str) -> None:
    assert "path-traversal" in _query(target)


@pytest.mark.parametrize(
    "value",
    [
        "release notes",
        "bashrc tips",
        "/etcetera/",
        "/rooted",
        "/process/",
        "/var/",
        "/systems/",
        "etc. release dates",
    ],
)
def test_words_and_folders_near_them_stay_quiet(value: str) -> None:
    assert _query(value) == set()


def test_a_route_named_like_a_system_tree_stays_quiet() -> None:
    assert payload_kinds(path="/sys/") == set()
