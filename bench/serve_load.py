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
import resource
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


def _counted(url: str, projects: list[str], table: str) -> int:
    """Rows of the bench's projects, counted in the database itself: `findings`
    stored, or `scans` processed (no longer queued)."""
    from sqlalchemy import func, select

    from shieldwall.service.database import open_engine, sessions
    from shieldwall.service.tables import Finding, Project, Scan

    row = Finding if table == "findings" else Scan
    query = (
        select(func.count())
        .select_from(row)
        .join(Project, Project.id == row.project_id)
        .where(Project.name.in_(projects))
    )
    if row is Scan:
        query = query.where(Scan.status != "queued")
    engine = open_engine(url)
    with sessions(engine)() as session:
        count = session.scalar(query)
    engine.dispose()
    return int(count or 0)


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


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
    print(f"load average before: {_load()}", file=sys.stderr)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    token = subprocess.run(
        [sys.executable, "-m", "shieldwall", "serve", "token", "create", "--database", url,
         "--role", "admin", *[a for p in projects for a in ("--project", p)]],
        capture_output=True, text=True, env=env, check=True,
    ).stdout.strip()  # fmt: skip
    port = args.port or free_port()
    separate = ["--no-worker"] if args.job_workers else []
    server = subprocess.Popen(
        [sys.executable, "-m", "shieldwall", "serve", "--database", url,
         "--listen", f"127.0.0.1:{port}", "--workers", str(args.workers), *separate],
        env=env,
    )  # fmt: skip
    job_workers = [
        subprocess.Popen(
            [sys.executable, "-m", "shieldwall", "serve", "worker", "--database", url], env=env
        )
        for _ in range(args.job_workers)
    ]
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
                """Polls the database itself: asking the loaded API would time the
                progress check, not the service."""
                while await asyncio.to_thread(_counted, url, projects, "scans") < len(projects):
                    await asyncio.sleep(0.5)
                return time.perf_counter()

            start = time.perf_counter()
            readers = [asyncio.create_task(reader(i)) for i in range(args.readers)]
            await asyncio.gather(*(uploader(i) for i in range(len(projects))))
            accepted = time.perf_counter()
            finished = await processed()
            done.set()
            await asyncio.gather(*readers)
            stored = await asyncio.to_thread(_counted, url, projects, "findings")
    finally:
        for process in [server, *job_workers]:
            process.terminate()
        for process in [server, *job_workers]:
            try:
                process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if not args.sqlite:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    sent = args.uploaders * args.findings
    backend = "SQLite" if args.sqlite else "PostgreSQL"
    jobs = f"{args.job_workers} `serve worker`" if args.job_workers else "jobs in the API's"
    print(
        f"shieldwall serve on {backend}, {args.workers} API process(es), {jobs} process(es): "
        f"{args.uploaders} uploaders x {args.findings} findings, {args.readers} readers"
    )
    print(f"{'endpoint':<42} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8}")
    for label, values in sorted(latencies.items()):
        p50, p99 = statistics.median(values) * 1000, percentile(values, 0.99) * 1000
        print(f"{label:<42} {len(values):>8} {errors[label]:>6} {p50:>8.1f} {p99:>8.1f}")
    total = finished - start
    print(f"all uploads accepted after {accepted - start:.2f} s; processed after {total:.2f} s")
    print(f"throughput: {sent / total:,.0f} findings/s stored, "
          f"{sum(len(v) for v in latencies.values()) / total:,.1f} requests/s")  # fmt: skip
    print(f"findings sent {sent}, stored {stored}: {'match' if stored == sent else 'LOST'}")
    mine, served = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    print(f"CPU seconds: service {served.ru_utime + served.ru_stime:.1f} (PostgreSQL not counted), "
          f"bench clients {mine.ru_utime + mine.ru_stime:.1f}; load average {_load()}")  # fmt: skip
    return 0 if stored == sent else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploaders", type=int, default=50)
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--job-workers",
        type=int,
        default=0,
        help="jobs in this many `serve worker` processes, the API's own left out (0: in the API's)",
    )
    parser.add_argument("--port", type=int, default=0, help="the service's port (default: free)")
    parser.add_argument("--sqlite", action="store_true", help="an SQLite file, not PostgreSQL")
    sys.exit(asyncio.run(main(parser.parse_args())))
