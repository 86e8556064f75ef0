"""Load on the findings service: concurrent uploaders of large reports and
dashboard readers, on PostgreSQL (or an SQLite file with --sqlite).

Starts `shieldwall serve` in a subprocess on a fresh database, then N uploaders
each POST one report of F findings (each its own project, so every finding is
distinct) while R readers loop over the dashboard and a project's findings until
every upload is processed. Prints p50/p99 per endpoint, throughput, and whether
the stored counts match what was sent (nothing lost).

    .venv/bin/python bench/serve_load.py                       # 50 x 10,000 + 100 readers
    .venv/bin/python bench/serve_load.py --uploaders 5 --findings 2000 --readers 10

No peer is run: the nearest (DefectDojo) needs Django, Celery and a broker; see README.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

import httpx
import orjson

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def report(n: int, tag: str) -> bytes:
    findings = [
        {
            "fingerprint": f"{tag}-{i}",
            "rule": f"K8S-RULE-{i % 40}",
            "analyzer": "config",
            "control": ["least-privilege", "isolation", "encryption", "secrets"][i % 4],
            "severity": ["critical", "high", "medium", "low", "info"][i % 5],
            "title": "A finding",
            "message": f"resource {i} of {tag} is misconfigured",
            "location": {"path": f"k8s/app{i % 100}.yaml", "start_line": i, "end_line": i},
            "resource": f"Deployment/shop/app{i}",
            "cwe": ["CWE-250"],
            "references": [],
            "remediation": "fix it",
            "suppressed": False,
        }
        for i in range(n)
    ]
    return orjson.dumps({"schema": "shieldwall/report/v1", "tool": {"name": "shieldwall"},
                         "target": ".", "findings": findings, "diff_base": None})  # fmt: skip


def _stored(url: str, projects: list[str]) -> int:
    """Findings the service stored for the bench's projects, counted in the database."""
    from sqlalchemy import func, select

    from shieldwall.service.database import open_engine, sessions
    from shieldwall.service.tables import Finding, Project

    engine = open_engine(url)
    with sessions(engine)() as session:
        count = session.scalar(
            select(func.count())
            .select_from(Finding)
            .join(Project, Project.id == Finding.project_id)
            .where(Project.name.in_(projects))
        )
    engine.dispose()
    return int(count or 0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(args: argparse.Namespace) -> int:
    import psycopg

    name = f"sw_bench_{uuid.uuid4().hex[:10]}"
    tmp = Path(tempfile.mkdtemp())
    if args.sqlite:
        url = str(tmp / "serve.db")
    else:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    projects = [f"load{i}" for i in range(args.uploaders)]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    token = subprocess.run(
        [sys.executable, "-m", "shieldwall", "serve", "token", "create", "--database", url,
         "--role", "admin", *[a for p in projects for a in ("--project", p)]],
        capture_output=True, text=True, env=env, check=True,
    ).stdout.strip()  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "shieldwall", "serve", "--database", url,
         "--listen", f"127.0.0.1:{port}", "--workers", str(args.workers)],
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/api/v1"
    headers = {"Authorization": f"Bearer {token}"}
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    try:
        async with httpx.AsyncClient(timeout=600, limits=httpx.Limits(max_connections=400)) as c:
            for _ in range(300):
                try:
                    if (await c.get(f"{base}/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            bodies = [report(args.findings, p) for p in projects]
            done = asyncio.Event()

            async def timed(label: str, method: str, url: str, **kw: object) -> None:
                """One request; a dropped connection is an error, and tried again
                (an upload is idempotent, so trying again loses and doubles nothing)."""
                for _attempt in range(5):
                    start = time.perf_counter()
                    try:
                        response = await c.request(method, url, headers=headers, **kw)  # type: ignore[arg-type]
                    except httpx.TransportError:
                        errors[label] += 1
                        continue
                    latencies[label].append(time.perf_counter() - start)
                    if response.status_code >= 400:
                        errors[label] += 1
                    return

            async def uploader(i: int) -> None:
                await timed("POST /projects/{p}/scans", "POST",
                            f"{base}/projects/{projects[i]}/scans",
                            params={"commit": "c1"}, content=bodies[i])  # fmt: skip

            async def reader(i: int) -> None:
                while not done.is_set():
                    await timed("GET /dashboard", "GET", f"{base}/dashboard")
                    p = projects[i % len(projects)]
                    await timed("GET /projects/{p}/findings?limit=100", "GET",
                                f"{base}/projects/{p}/findings",
                                params={"severity": "critical,high", "limit": 100})  # fmt: skip

            async def processed() -> float:
                while True:
                    states = []
                    for p in projects:
                        try:
                            r = await c.get(f"{base}/projects/{p}/scans", headers=headers)
                        except httpx.TransportError:
                            states.append("queued")  # ask again
                            continue
                        states.extend(s["status"] for s in r.json()["scans"])
                    if len(states) == len(projects) and all(s != "queued" for s in states):
                        return time.perf_counter()
                    await asyncio.sleep(0.5)

            start = time.perf_counter()
            readers = [asyncio.create_task(reader(i)) for i in range(args.readers)]
            await asyncio.gather(*(uploader(i) for i in range(len(projects))))
            accepted = time.perf_counter()
            finished = await processed()
            done.set()
            await asyncio.gather(*readers)
            stored = await asyncio.to_thread(_stored, url, projects)
    finally:
        server.terminate()
        try:
            server.wait(timeout=120)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if not args.sqlite:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    sent = args.uploaders * args.findings
    backend = "SQLite" if args.sqlite else "PostgreSQL"
    print(f"shieldwall serve on {backend}, {args.workers} process(es): {args.uploaders} "
          f"uploaders x {args.findings} findings, {args.readers} readers")  # fmt: skip
    print(f"{'endpoint':<42} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8}")
    for label, values in sorted(latencies.items()):
        p50, p99 = statistics.median(values) * 1000, percentile(values, 0.99) * 1000
        print(f"{label:<42} {len(values):>8} {errors[label]:>6} {p50:>8.1f} {p99:>8.1f}")
    total = finished - start
    print(f"all uploads accepted after {accepted - start:.2f} s; processed after {total:.2f} s")
    print(f"throughput: {sent / total:,.0f} findings/s stored, "
          f"{sum(len(v) for v in latencies.values()) / total:,.1f} requests/s")  # fmt: skip
    print(f"findings sent {sent}, stored {stored}: {'match' if stored == sent else 'LOST'}")
    return 0 if stored == sent else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploaders", type=int, default=50)
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sqlite", action="store_true", help="an SQLite file, not PostgreSQL")
    sys.exit(asyncio.run(main(parser.parse_args())))
