"""Replay speed of `shieldwall watch` next to CrowdSec on the same 1,000,000-line
nginx log, in the same run, one core each (taskset), and the state bound:
peak memory replaying 1,000,000 distinct client addresses.

Run:  .venv/bin/python bench/watch_speed.py [--lines N] [--no-crowdsec]
Prints lines/s (wall and CPU), peak RSS, and the ratios.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from watch_peers import crowdsec_missing, crowdsec_version, run_crowdsec
from watch_traffic import BROWSERS, PAGES, PAYLOADS, _clf

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / ".work" / "watch"
T0 = 1_796_284_800


def write_log(path: Path, lines: int, distinct: bool, seed: int = 3) -> None:
    rng = random.Random(seed)
    clients = [
        f"{rng.randint(11, 99)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        for _ in range(5000)
    ]
    payloads = [v for values in PAYLOADS.values() for v in values]
    with path.open("w") as out:
        for i in range(lines):
            if distinct:  # every client fails a login once, all within three minutes
                ip = f"{11 + (i >> 24)}.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
                roll = 0.005
            else:
                ip = rng.choice(clients)
                roll = rng.random()
            if roll < 0.002:
                target = "/search?q=" + rng.choice(payloads).replace(" ", "%20").replace('"', "%22")
                status = 200
            elif roll < 0.01:
                target, status = "/api/login", 401
            elif roll < 0.2:
                target, status = f"/search?q=red+shoes&page={rng.randint(1, 9)}", 200
            else:
                target, status = rng.choice(PAGES), rng.choice((200, 200, 200, 304, 404))
            method = "POST" if target == "/api/login" else "GET"
            when = _clf(T0 + i // (6000 if distinct else 50))
            size, agent = rng.randint(200, 9000), rng.choice(BROWSERS)
            out.write(
                f'{ip} - - [{when}] "{method} {target} HTTP/1.1" {status} {size} '
                f'"https://shop.example/" "{agent}" 0.0{rng.randint(10, 99)}\n'
            )


_PROBE = """
import resource, sys, time
sys.path.insert(0, {src!r})
from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.replay import replay_files
from shieldwall.runtime.sources.registry import PARSERS
wall, cpu = time.perf_counter(), time.process_time()
r = replay_files([({log!r}, PARSERS["nginx"])], WatchConfig())
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
s = r.stats
print(s.lines, s.unparsed, len(r.decisions), len(r.detections), wall, cpu, rss, r.buckets)
"""


def shieldwall(log: Path) -> tuple[int, float, float, float, int, int]:
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    code = _PROBE.format(src=str(REPO / "src"), log=str(log))
    out = subprocess.run(
        [*pin, sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    lines, _unparsed, decisions, _det, wall, cpu, rss, buckets = out.stdout.split()
    return int(lines), float(wall), float(cpu), float(rss), int(decisions), int(buckets)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--no-crowdsec", action="store_true")
    parser.add_argument(
        "--crowdsec-lines",
        type=int,
        default=20_000,
        help="CrowdSec replays only the log's first N lines (it reads a few hundred a second "
        "here); shieldwall is timed on the same prefix for the ratio. 0: the whole log.",
    )
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    log = WORK / f"speed.{args.lines}.nginx.log"
    distinct = WORK / f"distinct.{args.lines}.nginx.log"
    if not log.exists():
        write_log(log, args.lines, distinct=False)
    if not distinct.exists():
        write_log(distinct, args.lines, distinct=True)

    lines, wall, cpu, rss, decisions, _ = shieldwall(log)
    print(
        f"shieldwall: {lines} lines in {wall:.2f} s wall, {cpu:.2f} s CPU: "
        f"{lines / wall:,.0f} lines/s wall, {lines / cpu:,.0f} lines/s CPU, "
        f"peak RSS {rss:.0f} MB, {decisions} decisions"
    )
    d_lines, _, d_cpu, d_rss, _, buckets = shieldwall(distinct)
    print(
        f"shieldwall, {d_lines} distinct clients: {d_lines / d_cpu:,.0f} lines/s CPU, "
        f"peak RSS {d_rss:.0f} MB, {buckets} buckets left after sweeps"
    )

    why = "--no-crowdsec" if args.no_crowdsec else crowdsec_missing()
    if why:
        print(f"crowdsec: not run ({why})")
        return 0
    part = log
    if args.crowdsec_lines and args.crowdsec_lines < lines:
        part = WORK / f"speed.{args.lines}.first{args.crowdsec_lines}.nginx.log"
        with log.open() as src, part.open("w") as dst:
            for _, line in zip(range(args.crowdsec_lines), src, strict=False):
                dst.write(line)
    p_lines, p_wall, p_cpu, _, _, _ = shieldwall(part)
    started = time.perf_counter()
    run = run_crowdsec(part, WORK / "crowdsec-speed", port=18401, one_core=True)
    wall_cs = time.perf_counter() - started
    print(
        f"same {p_lines} lines: shieldwall {p_lines / p_cpu:,.0f} lines/s CPU "
        f"({p_wall:.2f} s wall); crowdsec {crowdsec_version()} {p_lines / run.cpu_seconds:,.0f} "
        f"lines/s CPU ({wall_cs:.2f} s wall, start-up included), peak RSS "
        f"{run.peak_rss_mb:.0f} MB, {len(run.alerts)} alerts"
    )
    print(f"ratio shieldwall/crowdsec: {run.cpu_seconds / p_cpu:.1f}x (CPU per line)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
