"""`shieldwall watch` on a cluster: throughput of 1, 2 and 4 workers on NATS JetStream.

One log of N lines (bench/watch_speed.py's generator) is replayed in one process
(the reference decisions), then shipped once over 4 partitions (and `routes`)
to a JetStream stream. For 1, 2 and 4 workers (`shieldwall watch worker`
processes sharing the partitions) the stream is consumed from its start into a
new PostgreSQL database; the decisions must be exactly the replay's. Then the
kill check: two workers, one killed (SIGKILL) when about 75% of the decisions
are stored, started again; the store must again hold exactly the replay's
decisions, none lost, none twice.

Needs NATS with JetStream on 127.0.0.1:4222 and PostgreSQL on 127.0.0.1:5432
(trust auth, user postgres). Timings are wall time from the workers' start to
the last one's exit, less its idle wait (--idle-exit), with the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
WORK = REPO / "bench" / ".work" / "watch_scaleout"
NATS = "nats://127.0.0.1:4222"
PG = "postgresql://postgres@127.0.0.1:5432"
PARTITIONS = 4
IDLE = 2.0

from shieldwall.runtime.config import WatchConfig  # noqa: E402
from shieldwall.runtime.partition import ROUTES, Subjects  # noqa: E402
from shieldwall.runtime.replay import replay_files  # noqa: E402
from shieldwall.runtime.ship import Bus, connect, ship  # noqa: E402
from shieldwall.runtime.sources.registry import PARSERS  # noqa: E402
from shieldwall.runtime.store import DecisionStore  # noqa: E402
from watch_speed import T0, write_log  # noqa: E402
from watch_traffic import _clf  # noqa: E402


def attacks(span: float) -> list[tuple[float, str]]:
    """Every ten minutes a brute force from a new address, every 17 a payload
    prober, every 50 a failed login from each of 60 addresses of one /24."""

    def line(t: float, ip: str, method: str, target: str, status: int) -> tuple[float, str]:
        return t, (
            f'{ip} - - [{_clf(t)}] "{method} {target} HTTP/1.1" {status} 512 '
            f'"-" "Mozilla/5.0 (X11; Linux x86_64)" 0.012'
        )

    out: list[tuple[float, str]] = []
    for n in range(int(span // 600)):
        start, ip = T0 + 300 + n * 600, f"192.0.{2 + n // 250}.{1 + n % 250}"
        out += [line(start + i, ip, "POST", "/api/login", 401) for i in range(40)]
    for n in range(int(span // 1020)):
        start, ip = T0 + 500 + n * 1020, f"198.51.{100 + n // 250}.{1 + n % 250}"
        out += [line(start + i, ip, "GET", "/search?q=1%27%20OR%201=1--", 200) for i in range(4)]
    for n in range(int(span // 3000)):
        start = T0 + 1500 + n * 3000
        out += [
            line(start + i * 0.1, f"203.{n // 200}.{n % 200}.{i + 1}", "POST", "/api/login", 401)
            for i in range(60)
        ]
    return sorted(out)


def write_bench_log(path: Path, lines: int) -> None:
    """watch_speed's traffic (50 lines a second) with the attacks merged in by time."""
    base = path.with_suffix(".base")
    write_log(base, lines, distinct=False)
    extra = attacks(lines / 50)
    k = 0
    with base.open() as src, path.open("w") as out:
        for i, text in enumerate(src):
            while k < len(extra) and extra[k][0] < T0 + i // 50:
                out.write(extra[k][1] + "\n")
                k += 1
            out.write(text)
        out.writelines(t + "\n" for _, t in extra[k:])
    base.unlink()


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def key(d: Any) -> tuple[Any, ...]:
    return (d.value, d.scope, d.type, d.duration, d.scenario, d.reason, d.created_at, d.events,
            d.evidence)  # fmt: skip


def new_database(tag: str) -> str:
    import psycopg

    name = f"sw_scaleout_bench_{tag}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG}/{name}"


def drop_database(url: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def stored(url: str) -> list[tuple[Any, ...]]:
    store = DecisionStore(url)
    try:
        return sorted(key(d) for d in store.all(10_000_000))
    finally:
        store.close()


def split(workers: int) -> list[list[str]]:
    """The partitions of each worker; the first also takes `routes`."""
    sets: list[list[str]] = [[] for _ in range(workers)]
    for p in range(PARTITIONS):
        sets[p % workers].append(str(p))
    sets[0].append(ROUTES)
    return sets


def worker(bus: Bus, db: str, durable: str, parts: list[str], idle: float | None) -> Any:
    args = [sys.executable, "-m", "shieldwall", "watch", "worker", "--nats", NATS,
            "--partitions", str(PARTITIONS), "--stream", bus.stream,
            "--subject", bus.subjects.prefix, "--durable", durable, "--database", db,
            "--format", "jsonl"]  # fmt: skip
    for p in parts:
        args += ["--partition", p]
    if idle is not None:
        args += ["--idle-exit", str(idle)]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def throughput(bus: Bus, workers: int, lines: int, expected: list[Any]) -> None:
    db = new_database(f"w{workers}")
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = cpu.ru_utime + cpu.ru_stime
    started = time.perf_counter()
    procs = [
        worker(bus, db, f"bench{workers}-{uuid.uuid4().hex[:6]}", parts, IDLE)
        for parts in split(workers)
    ]
    for proc in procs:
        _, err = proc.communicate()
        if proc.returncode:
            print(f"a worker failed: {err.decode().strip().splitlines()[-2:]}")
    wall = time.perf_counter() - started - IDLE
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = cpu.ru_utime + cpu.ru_stime - cpu_before
    same = stored(db) == expected
    print(
        f"{workers} worker(s): {lines} lines in {wall:.1f} s wall: {lines / wall:,.0f} lines/s; "
        f"{used:.1f} s CPU in all ({lines / used:,.0f} lines per CPU second); "
        f"decisions identical to one process: {same}; {load()}"
    )
    drop_database(db)


def kill_check(bus: Bus, expected: list[Any]) -> None:
    db = new_database("kill")
    durable = f"benchkill-{uuid.uuid4().hex[:6]}"
    first, second = split(2)
    victim = worker(bus, db, durable, first, None)
    other = worker(bus, db, durable, second, IDLE)
    while len(stored(db)) < len(expected) * 0.75:
        time.sleep(0.5)
    at_kill = len(stored(db))
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    again = worker(bus, db, durable, first, IDLE)
    _, err = again.communicate()
    other.wait()
    after = stored(db)
    lost = len(set(expected) - set(after))
    twice = len(after) - len(set(after))
    print(
        f"kill check: worker {','.join(first)} killed at {at_kill} of {len(expected)} "
        f"decisions, restarted ({err.decode().strip().splitlines()[-1]}): "
        f"{lost} lost, {twice} duplicated, identical: {after == expected}; {load()}"
    )
    drop_database(db)


async def drop_stream(bus: Bus) -> None:
    nc = await connect(NATS)
    try:
        await nc.jetstream().delete_stream(bus.stream)
    finally:
        await nc.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--no-kill", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    log = WORK / f"scaleout.{args.lines}.nginx.log"
    if not log.exists():
        write_bench_log(log, args.lines)
    print(f"{log.name}: {args.lines} lines and attacks; {os.cpu_count()} cores; {load()}")

    started, cpu = time.perf_counter(), time.process_time()
    result = replay_files([(str(log), PARSERS["nginx"])], WatchConfig())
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    expected = sorted(key(d) for d in result.decisions)
    print(
        f"one process (replay): {wall:.1f} s wall: {result.stats.lines / wall:,.0f} lines/s; "
        f"{cpu:.1f} s CPU ({result.stats.lines / cpu:,.0f} lines per CPU second); "
        f"{len(expected)} decisions; {load()}"
    )

    tag = uuid.uuid4().hex[:8]
    bus = Bus(NATS, f"SWSCALEOUT_BENCH_{tag}", Subjects(f"swscaleout.bench.{tag}"))
    started = time.perf_counter()
    shipped = asyncio.run(
        ship(str(log), PARSERS["nginx"], WatchConfig(), bus, PARTITIONS, once=True)
    )
    wall = time.perf_counter() - started
    print(
        f"ship: {shipped.lines} lines in {shipped.messages} messages, "
        f"{shipped.lines / wall:,.0f} lines/s; {load()}"
    )
    try:
        for workers in (int(w) for w in args.workers.split(",")):
            throughput(bus, workers, shipped.lines, expected)
        if not args.no_kill:
            kill_check(bus, expected)
    finally:
        asyncio.run(drop_stream(bus))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
