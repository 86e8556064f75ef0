from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.decisions import Detection
from shieldwall.runtime.store import DecisionStore
from shieldwall.runtime.watcher import Watcher


def _line(n: int, attack: bool) -> str:
    query = f"id={n}%27%20or%201=1--" if attack else f"page={n}"
    return (
        f"198.51.100.{n % 200} - - [03/Dec/2026:10:{n // 60 % 60:02d}:{n % 60:02d} +0000] "
        f'"GET /item?{query} HTTP/1.1" 200 10 "-" "Mozilla/5.0"\n'
    )


def test_every_attack_is_detected_once_across_rename_and_copytruncate(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text("")
    watcher = Watcher([(str(log), None)], WatchConfig(), DecisionStore(), poll=0)
    seen: list[Detection] = []

    def emit(item: object) -> None:
        if isinstance(item, Detection):
            seen.append(item)

    attacks = set()
    n = 0

    def append(count: int) -> None:
        nonlocal n
        with log.open("a") as f:
            for _ in range(count):
                n += 1
                attack = n % 7 == 0
                if attack:
                    attacks.add(n)
                f.write(_line(n, attack))

    append(30)
    watcher.step(emit)
    append(20)  # written after the last read, before the rename: must not be lost
    os.rename(log, tmp_path / "access.log.1")  # logrotate's rename
    log.write_text("")
    append(30)
    watcher.step(emit)
    append(25)
    shutil.copyfile(log, tmp_path / "access.log.2")  # logrotate's copytruncate
    watcher.step(emit)  # read up to the copy
    with log.open("r+") as f:
        f.truncate(0)
    append(10)
    watcher.step(emit)
    watcher.step(emit)
    watcher.close()
    found = sorted(int(d.request.split("id=")[1].split("%")[0]) for d in seen)
    assert found == sorted(attacks)


def test_a_partial_last_line_waits_for_its_newline(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text("")
    watcher = Watcher([(str(log), None)], WatchConfig(), DecisionStore())
    seen: list[object] = []
    line = _line(7, True)
    with log.open("a") as f:
        f.write(line[:40])
    watcher.step(seen.append)
    with log.open("a") as f:
        f.write(line[40:])
    for _ in range(2):
        watcher.step(seen.append)
    watcher.close()
    # read once, whole: one detection (its tautology bans at once)
    assert [type(x).__name__ for x in seen] == ["Detection", "Decision"]


def test_the_directory_waiter_wakes_on_an_append_and_times_out_when_quiet(
    tmp_path: Path,
) -> None:
    from shieldwall.runtime.inotify import DirectoryWaiter

    log = tmp_path / "access.log"
    log.write_text("")
    waiter = DirectoryWaiter.for_paths([str(log)])
    if waiter is None:
        pytest.skip("inotify is not available here (the watcher polls instead)")
    try:
        assert waiter.wait(0.05) is False
        with log.open("a") as f:
            f.write(_line(1, False))
        assert waiter.wait(5.0) is True
        os.rename(log, tmp_path / "access.log.1")
        assert waiter.wait(5.0) is True
    finally:
        waiter.close()


def test_a_running_watcher_detects_attacks_across_two_rotations(tmp_path: Path) -> None:
    import threading
    import time

    log = tmp_path / "access.log"
    log.write_text("")
    watcher = Watcher([(str(log), None)], WatchConfig(), DecisionStore(), poll=0.02)
    seen: list[Detection] = []
    got = threading.Event()
    attacks = {7, 14, 21, 28, 35, 42}

    def emit(item: object) -> None:
        if isinstance(item, Detection):
            seen.append(item)
            if len(seen) >= len(attacks):
                got.set()

    thread = threading.Thread(target=watcher.run, args=(emit,), daemon=True)
    thread.start()
    try:
        for n in range(1, 43):
            with log.open("a") as f:
                f.write(_line(n, n in attacks))
            if n in (15, 30):  # rotate by rename, twice, once the watcher read this far
                deadline = time.monotonic() + 20
                while len(seen) < len([a for a in attacks if a <= n]):
                    assert time.monotonic() < deadline, "the watcher fell behind"
                    time.sleep(0.01)
                os.rename(log, tmp_path / f"access.log.{n}")
                log.write_text("")
        assert got.wait(20), f"only {len(seen)} of {len(attacks)} attacks seen"
    finally:
        watcher.stop()
        thread.join(5)
        watcher.close()
    found = sorted(int(d.request.split("id=")[1].split("%")[0]) for d in seen)
    assert found == sorted(attacks)
