"""`watch ship` and `watch worker` on the machine's NATS JetStream: the same
decisions from one and from two workers as from a single-process replay of the
same log, and a worker killed mid-stream and started again loses and
duplicates nothing."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.decisions import Decision
from shieldwall.runtime.partition import Router, Subjects
from shieldwall.runtime.replay import replay_files
from shieldwall.runtime.ship import Batcher, Bus, connect, ensure_stream, ship
from shieldwall.runtime.sources.registry import PARSERS
from shieldwall.runtime.store import DecisionStore
from shieldwall.runtime.worker import WorkerOptions, run_worker
from tests.runtime.scaleout_log import generate
from tests.runtime.stores import store_location

__all__ = ["store_location"]

NATS = "nats://127.0.0.1:4222"
NGINX = PARSERS["nginx"]
T = TypeVar("T")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` on a loop of its own, in a thread of its own: a session-wide browser
    fixture (Playwright's sync API) leaves an event loop running in the test thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _nats_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 4222), timeout=2):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not _nats_reachable(),
    reason="no NATS server on 127.0.0.1:4222 (run nats-server -js to test watch on a cluster)",
)


def _key(d: Decision) -> tuple[Any, ...]:
    return (d.value, d.scope, d.type, d.duration, d.scenario, d.reason, d.created_at, d.events,
            d.evidence)  # fmt: skip


@pytest.fixture
def bus() -> Iterator[Bus]:
    tag = uuid.uuid4().hex[:10]
    made = Bus(NATS, f"SWSCALEOUT_{tag}", Subjects(f"swscaleout.{tag}"))
    yield made

    async def drop() -> None:
        nc = await connect(NATS)
        try:
            await nc.jetstream().delete_stream(made.stream)
        finally:
            await nc.close()

    _run(drop())


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scaleout") / "access.log"
    path.write_text("\n".join(generate()) + "\n")
    return path


def _replayed(path: Path) -> list[tuple[Any, ...]]:
    return sorted(_key(d) for d in replay_files([(str(path), NGINX)], WatchConfig()).decisions)


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_make_the_decisions_a_single_process_replay_makes(
    workers: int, log: Path, bus: Bus, store_location: str
) -> None:
    expected = _replayed(log)
    assert {k[4] for k in expected} >= {"http-bruteforce", "http-distributed-bruteforce"}
    config = WatchConfig()
    sets = [("0", "1", "routes")] if workers == 1 else [("0", "routes"), ("1",)]

    async def run() -> list[dict[str, Any]]:
        shipped = await ship(str(log), NGINX, config, bus, 2, once=True)
        assert shipped.lines == len(generate())
        stores = [DecisionStore(store_location) for _ in sets]
        try:
            return await asyncio.gather(
                *(
                    run_worker(
                        WorkerOptions(bus, parts, durable=f"w{i}", idle_exit=1.5),
                        config, store, lambda _: None,
                    )
                    for i, (parts, store) in enumerate(zip(sets, stores, strict=True))
                )
            )  # fmt: skip
        finally:
            for store in stores:
                store.close()

    states = _run(run())
    store = DecisionStore(store_location)
    stored = sorted(_key(d) for d in store.all(10_000))
    store.close()
    assert stored == expected
    read = sum(p.engine.stats.lines for s in states for n, p in s.items() if n != "routes")
    assert read == len(generate())


async def _publish(bus: Bus, batcher: Batcher, lines: list[str]) -> None:
    nc = await connect(bus.url)
    try:
        js = nc.jetstream()
        await ensure_stream(js, bus)
        for partition, payload in batcher.feed(line.encode() for line in lines) + batcher.flush():
            await js.publish(bus.subjects.of(partition), payload, stream=bus.stream)
    finally:
        await nc.close()


async def _ack_floor(bus: Bus, consumer: str) -> int:
    nc = await connect(bus.url)
    try:
        info = await nc.jetstream().consumer_info(bus.stream, consumer)
        return int(info.ack_floor.stream_seq)
    finally:
        await nc.close()


def _worker(bus: Bus, location: str, partitions: list[str], idle: float | None) -> Any:
    args = [sys.executable, "-m", "shieldwall", "watch", "worker", "--nats", bus.url,
            "--partitions", "2", "--stream", bus.stream, "--subject", bus.subjects.prefix,
            "--durable", "kill", "--database", location, "--format", "jsonl"]  # fmt: skip
    for part in partitions:
        args += ["--partition", part]
    if idle is not None:
        args += ["--idle-exit", str(idle)]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _stored(location: str) -> list[tuple[Any, ...]]:
    store = DecisionStore(location)
    try:
        return sorted(_key(d) for d in store.all(10_000))
    finally:
        store.close()


def _wait(what: str, done: Any, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_a_worker_killed_mid_stream_and_started_again_loses_and_duplicates_nothing(
    log: Path, bus: Bus, store_location: str, tmp_path: Path
) -> None:
    lines = generate()
    cut = len(lines) * 5 // 8  # five hours of eight: past the acknowledgement window
    first = tmp_path / "access.log"
    first.write_text("\n".join(lines[:cut]) + "\n")
    before_kill = len(replay_files([(str(first), NGINX)], WatchConfig()).decisions)
    expected = _replayed(log)
    assert 0 < before_kill < len(expected)

    batcher = Batcher(str(log), NGINX, Router(WatchConfig(), 2))
    _run(_publish(bus, batcher, lines[:cut]))
    killed = _worker(bus, store_location, ["0", "routes"], None)
    other = _worker(bus, store_location, ["1"], None)
    try:
        _wait(
            "the decisions of the first five hours",
            lambda: len(_stored(store_location)) >= before_kill,
        )
        _wait("an acknowledgement", lambda: _run(_ack_floor(bus, "kill-0")) > 0)
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(30)
        _run(_publish(bus, batcher, lines[cut:]))
        again = _worker(bus, store_location, ["0", "routes"], 3.0)
        _, err = again.communicate(timeout=120)
        _wait("every decision", lambda: len(_stored(store_location)) >= len(expected))
        other.send_signal(signal.SIGTERM)
        other.communicate(timeout=60)
    finally:
        for proc in (killed, other):
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert again.returncode == 0, err
    assert other.returncode == 0  # SIGTERM: a clean stop
    assert _stored(store_location) == expected
    # The restarted worker read again what its buckets needed, not only the new lines.
    router = Router(WatchConfig(), 2)
    new_lines = sum(1 for line in lines[cut:] if router.route(NGINX, line.encode())[0] == 0)
    read = int(re.findall(r"(\d+) lines read", err)[-1])
    assert new_lines < read < cut


def test_ship_follows_a_growing_log_across_a_rotation(tmp_path: Path, bus: Bus) -> None:
    lines = generate()[:3000]
    path = tmp_path / "access.log"
    path.write_text("\n".join(lines[:1000]) + "\n")
    done = False

    async def run() -> dict[str, Any]:
        nonlocal done
        shipping = asyncio.create_task(
            ship(str(path), NGINX, WatchConfig(), bus, 2, from_start=True, poll=0.05,
                 stopped=lambda: done)
        )  # fmt: skip
        await asyncio.sleep(1.0)
        with path.open("a") as log:
            log.write("\n".join(lines[1000:2000]) + "\n")
        await asyncio.sleep(1.0)
        path.rename(tmp_path / "access.log.1")
        path.write_text("\n".join(lines[2000:]) + "\n")
        await _settled(bus)
        done = True
        assert (await shipping).lines == 3000
        store = DecisionStore()
        options = WorkerOptions(bus, ("0", "1"), durable="follow", idle_exit=1.0)
        return await run_worker(options, WatchConfig(), store, lambda _: None)

    parts = _run(run())
    assert sum(p.engine.stats.lines for p in parts.values()) == 3000
    assert max(p.sources[str(path)].lineno for p in parts.values()) == 3000  # numbered on


async def _settled(bus: Bus) -> None:
    """Wait until the stream has stopped growing for a while."""
    nc = await connect(bus.url)
    try:
        js, last, quiet = nc.jetstream(), -1, 0
        while quiet < 4:
            await asyncio.sleep(0.5)
            count = (await js.stream_info(bus.stream)).state.messages
            quiet, last = (quiet + 1, last) if count == last else (0, count)
    finally:
        await nc.close()
