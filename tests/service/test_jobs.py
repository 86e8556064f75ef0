"""The job queue: leases, a worker that dies mid-job, dead letters and retrying them."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from shieldwall.service import jobs
from shieldwall.service.database import migrate, open_engine, sessions
from shieldwall.service.ingest import accept
from shieldwall.service.tables import Finding, FindingEvent, Job, ProjectCount, Scan, utcnow

from .conftest import PgDatabases, Service, finding, report

SRC = Path(jobs.__file__).parents[2]


def _job_of(session: Any, scan_id: int) -> Job:
    job = session.scalar(select(Job).where(Job.scan_id == scan_id))
    assert job is not None
    return job


def _wait(predicate: Any, what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_a_worker_killed_mid_job_leaves_it_to_another_and_nothing_is_lost_or_doubled(
    pg_databases: PgDatabases,
) -> None:
    import psycopg

    url = pg_databases.new()
    engine = open_engine(url)
    migrate(engine)
    factory = sessions(engine)
    body = json.dumps(report([finding(n) for n in range(2000)])).encode()
    with factory() as session:
        scan_id = accept(session, "killed", body, commit="c1").scan.id
    holder = psycopg.connect(url)  # holds the project row: the worker blocks mid-job
    holder.execute("SELECT id FROM projects WHERE name = 'killed' FOR UPDATE")
    worker = subprocess.Popen(
        [sys.executable, "-m", "shieldwall", "serve", "worker", "--database", url,
         "--lease-seconds", "2"],
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )  # fmt: skip
    try:

        def blocked() -> bool:
            with psycopg.connect(url, autocommit=True) as watcher:  # a fresh view each time
                row = watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                ).fetchone()
            return bool(row and row[0])

        _wait(blocked, "the worker to block while writing the findings")
        with factory() as session:
            job = _job_of(session, scan_id)
            assert (job.state, job.attempts) == ("running", 1)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
        holder.rollback()
        holder.close()
    time.sleep(2.5)  # the dead worker's lease runs out
    assert jobs.run_one(factory, lease_seconds=2)
    with factory() as session:
        job = _job_of(session, scan_id)
        assert (job.state, job.attempts) == ("done", 2)
        assert session.get(Scan, scan_id).status == "done"  # type: ignore[union-attr]
        assert session.scalar(select(func.count()).select_from(Finding)) == 2000
        assert session.scalar(select(func.count()).select_from(FindingEvent)) == 2000
        assert session.scalar(select(func.sum(ProjectCount.count))) == 2000
    engine.dispose()


def _running(service: Service, project: str, commit: str, **job: Any) -> tuple[str, int]:
    """A token and the id of an uploaded scan whose job is set running as `job` says."""
    token = service.token({project: "triager"})
    response = service.upload(token, project, report([finding(1)]), process=False, commit=commit)
    scan_id = int(response.json()["scan"]["id"])
    with service.app.state.factory() as session:
        session.execute(update(Job).where(Job.scan_id == scan_id).values(state="running", **job))
        session.commit()
    return token, scan_id


def test_a_job_whose_workers_all_died_becomes_a_dead_letter_that_can_be_retried(
    service: Service, project: str
) -> None:
    token, scan_id = _running(
        service,
        project,
        "d",
        attempts=jobs.MAX_ATTEMPTS,
        locked_by="gone",
        locked_until=utcnow() - dt.timedelta(seconds=1),
    )
    factory = service.app.state.factory
    service.drain()
    scan = service.get(token, f"/api/v1/projects/{project}/scans/{scan_id}").json()["scan"]
    assert scan["status"] == "failed"
    assert "stopped before finishing" in scan["error"]
    with factory() as session:
        assert _job_of(session, scan_id).state == "failed"
        assert jobs.retry(session, _job_of(session, scan_id).id)
        session.commit()
    service.drain()
    scan = service.get(token, f"/api/v1/projects/{project}/scans/{scan_id}").json()["scan"]
    assert (scan["status"], scan["findings"]) == ("done", 1)


def test_a_running_job_whose_lease_holds_is_not_taken_again(service: Service, project: str) -> None:
    _token, scan_id = _running(
        service,
        project,
        "l",
        attempts=1,
        locked_by="alive",
        locked_until=utcnow() + dt.timedelta(minutes=5),
    )
    factory = service.app.state.factory
    service.drain()
    with factory() as session:
        assert (_job_of(session, scan_id).state, _job_of(session, scan_id).attempts) == (
            "running",
            1,
        )


def test_a_worker_whose_job_was_taken_over_discards_its_work(
    service: Service, project: str
) -> None:
    token = service.token({project: "triager"})
    scan_id = service.upload(token, project, report([finding(1)]), process=False, commit="t")
    scan_id = scan_id.json()["scan"]["id"]
    factory = service.app.state.factory
    ingest = service.app.state.handlers["ingest"]

    def overtaken(session: Any, job: Job) -> None:
        if job.scan_id != scan_id:
            return ingest(session, job)  # type: ignore[no-any-return]
        with factory() as other:  # another worker took the job over meanwhile
            other.execute(update(Job).where(Job.id == job.id).values(locked_by="other"))
            other.commit()
        ingest(session, job)

    with factory() as session:
        session.execute(update(Job).values(run_after=utcnow()))
        session.commit()
    while jobs.run_one(factory, {**service.app.state.handlers, "ingest": overtaken}):
        pass
    with factory() as session:
        assert _job_of(session, scan_id).state == "running"  # the other worker finishes it
        assert session.get(Scan, scan_id).status == "queued"  # type: ignore[union-attr]
        kept = select(func.count()).select_from(Finding).where(Finding.last_scan_id == scan_id)
        assert session.scalar(kept) == 0


def test_serve_jobs_lists_the_dead_letters_and_queues_one_again(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from shieldwall.cli.main import cli

    url = str(tmp_path / "serve.db")
    engine = open_engine(url)
    migrate(engine)
    with sessions(engine)() as session:
        scan_id = accept(session, "dead", json.dumps(report([finding(1)])).encode()).scan.id
        job = _job_of(session, scan_id)
        job.state, job.attempts, job.error = "failed", 3, "RuntimeError: disk full"
        session.commit()
        job_id = job.id
    engine.dispose()
    listed = CliRunner().invoke(cli, ["serve", "jobs", "--database", url])
    assert listed.exit_code == 0, listed.output
    assert (
        f"{job_id}\tingest\tscan {scan_id}\t3 attempt(s)\tRuntimeError: disk full" in listed.output
    )
    again = CliRunner().invoke(cli, ["serve", "jobs", "--database", url, "--retry", str(job_id)])
    assert again.exit_code == 0, again.output
    unknown = CliRunner().invoke(cli, ["serve", "jobs", "--database", url, "--retry", str(job_id)])
    assert unknown.exit_code != 0
    assert f"job {job_id} is not a failed job" in unknown.output
    engine = open_engine(url)
    with sessions(engine)() as session:
        assert (_job_of(session, scan_id).state, _job_of(session, scan_id).attempts) == (
            "queued",
            0,
        )
    engine.dispose()
