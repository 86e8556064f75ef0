"""isolated_map: every item's result, an item whose worker dies reported as such,
and a bug raised as it would be in one process."""

from __future__ import annotations

import os
import signal

import pytest

from shieldwall.analyzers.workers import exit_description, isolated_map


def square_or_die(n: int) -> int:
    if n == 7:
        os.kill(os.getpid(), signal.SIGKILL)
    if n == 13:
        os._exit(3)
    return n * n


def died(n: int, how: str) -> int:
    return -n if how else 0


def raise_on_five(n: int) -> int:
    if n == 5:
        raise KeyError(f"item {n}")
    return n


def test_every_item_has_its_result_and_dead_workers_cost_one_item_each() -> None:
    chunks = [list(range(i, i + 4)) for i in range(0, 20, 4)]
    out = isolated_map(square_or_die, chunks, 2, died)
    expected = [-n if n in (7, 13) else n * n for n in range(20)]
    assert sorted(out) == sorted(expected)


def test_a_bug_in_a_worker_is_raised_in_the_parent() -> None:
    with pytest.raises(KeyError, match="item 5"):
        isolated_map(raise_on_five, [[1, 2], [3, 4, 5, 6]], 2, died)


def test_exit_descriptions() -> None:
    assert exit_description(-int(signal.SIGSEGV)) == "killed by SIGSEGV"
    assert exit_description(-int(signal.SIGKILL)) == "killed by SIGKILL, perhaps out of memory"
    assert exit_description(3) == "exit code 3"
