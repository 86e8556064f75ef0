"""Load on the decisions API (`shieldwall decisions serve`) on loopback.

Fills a decisions database with --decisions active bans (created over the last
4 hours, each for 8 hours, like bans that pile up during an attack), starts
the real `shieldwall decisions serve` on it, and sends requests at a fixed rate
(--rate per second, open loop: a request's latency counts from the moment it
was due, so a slow answer delays the ones behind it and is not hidden):

  lookup   GET /v1/decisions?ip=IP with a bouncer key, half the addresses
           banned, half not (what the nginx/Lua bouncers do per request in
           live mode)
  stream   GET /v1/decisions/stream (no startup: what each bouncer pulls every
           update_frequency), one key for all
  startup  one GET /v1/decisions/stream?startup=true: every active decision
           (a bouncer's first pull, made before the stream phase)

and prints p50/p99/max per phase, the answer sizes and the server's resident
memory (VmRSS, then its peak VmHWM). The database is put on tmpfs (/dev/shm)
when there is one, so that filling it takes seconds; reads are served from the
page cache either way.

    .venv/bin/python bench/decisions_api.py [--decisions 100000] [--rate 500] [--seconds 10]
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from shieldwall.runtime.bouncer_keys import BouncerKeys
from shieldwall.runtime.decisions import Decision
from shieldwall.runtime.store import DecisionStore

THREADS = 16


def _fill(path: Path, count: int) -> list[str]:
    store = DecisionStore(path)
    now = time.time()
    base = int(ipaddress.IPv4Address("100.64.0.0"))
    values = []
    for n in range(count):
        value = str(ipaddress.IPv4Address(base + n * 7))
        values.append(value)
        created = now - 4 * 3600 * (count - n) / count
        store.add(Decision(value, "ip", "ban", 8 * 3600.0, "http-probing", "bench", created,
                           16, ()))  # fmt: skip
    store.close()
    return values


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _memory(pid: int) -> str:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return f"VmRSS {fields.get('VmRSS', '?')}, peak VmHWM {fields.get('VmHWM', '?')}"


def _phase(port: int, key: str, paths: list[str], rate: float) -> tuple[list[float], int, int]:
    """Send paths[i] at start + i/rate over THREADS kept-alive connections."""
    latencies: list[float] = []
    late: list[tuple[float, int]] = []
    sizes = [0]
    errors = [0]
    lock = threading.Lock()
    start = time.perf_counter() + 0.2

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, size, failed = [], 0, 0
        for i in range(offset, len(paths), THREADS):
            due = start + i / rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            try:
                conn.request("GET", paths[i], headers={"X-Api-Key": key})
                answer = conn.getresponse()
                size += len(answer.read())
                failed += answer.status != 200
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - due)
            late.append((mine[-1], i))
        conn.close()
        with lock:
            latencies.extend(mine)
            sizes[0] += size
            errors[0] += failed

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if os.environ.get("BENCH_DEBUG"):
        print(sorted(late)[-10:])
    return latencies, sizes[0], errors[0]


def _report(name: str, latencies: list[float], size: int, errors: int, seconds: float) -> None:
    ms = sorted(x * 1000 for x in latencies)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(
        f"{name:<8} {len(ms):>6} requests in {seconds:.1f} s  p50 {statistics.median(ms):7.2f} ms"
        f"  p99 {p99:7.2f} ms  max {ms[-1]:7.2f} ms  {size / max(len(ms), 1):8.0f} B/answer"
        f"  errors {errors}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(prefix="shieldwall-bench-", dir=shm if shm.is_dir() else None))
    db = folder / "decisions.db"
    began = time.perf_counter()
    values = _fill(db, args.decisions)
    keys = BouncerKeys(db)
    key = keys.add("bench")
    keys.close()
    print(f"{args.decisions} active decisions written in {time.perf_counter() - began:.1f} s")
    port = _free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "shieldwall", "decisions", "serve", "--database", str(db),
         "--listen", f"127.0.0.1:{port}"],
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        print(f"server started: {_memory(serve.pid)}")
        rng = random.Random(7)
        total = int(args.rate * args.seconds)

        lookups = []
        for _ in range(total):
            banned = rng.random() < 0.5
            ip = rng.choice(values) if banned else f"192.0.2.{rng.randrange(1, 255)}"
            lookups.append(f"/v1/decisions?ip={ip}")
        began = time.perf_counter()
        latencies, size, errors = _phase(port, key, lookups, args.rate)
        _report("lookup", latencies, size, errors, time.perf_counter() - began)

        began = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", "/v1/decisions/stream?startup=true", headers={"X-Api-Key": key})
        body = conn.getresponse().read()
        conn.close()
        print(f"startup  1 stream with every decision: {time.perf_counter() - began:.2f} s, "
              f"{len(body) / 1e6:.1f} MB")  # fmt: skip
        began = time.perf_counter()
        latencies, size, errors = _phase(port, key, ["/v1/decisions/stream"] * total, args.rate)
        _report("stream", latencies, size, errors, time.perf_counter() - began)
        print(f"server after load: {_memory(serve.pid)}")
    finally:
        serve.terminate()
        serve.wait(timeout=10)
        for item in folder.iterdir():
            item.unlink()
        folder.rmdir()
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
