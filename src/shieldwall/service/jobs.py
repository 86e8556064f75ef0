"""The job queue, a table of the service's own database: an upload is stored with
a job and answered at once; a worker (a thread in each replica, or `serve worker`)
takes jobs one at a time (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers never
take the same one), retries a failing job with a growing delay, and gives up after
`MAX_ATTEMPTS`: the job stays `failed` (the dead letters, payload kept, `serve jobs
retry ID` queues one again) and the scan says why.

A running job holds a lease (`locked_until`) that its worker renews while it
works; a worker that dies leaves the lease to run out, and the job is taken again.
A job's work and its `done` commit in one transaction, and only while the lease
is still the worker's own, so a job interrupted anywhere is done exactly once."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from shieldwall.errors import ShieldwallError
from shieldwall.service.ingest import process
from shieldwall.service.monitor import Notify, rematch, schedule
from shieldwall.service.tables import Job, Scan, utcnow

MAX_ATTEMPTS = 3
LEASE_SECONDS = 60.0
LOG = logging.getLogger("shieldwall.serve")
Handler = Callable[[Session, Job], None]


def _ingest(session: Session, job: Job) -> None:
    scan = session.get(Scan, job.scan_id)
    if scan is None or job.payload is None:
        return
    process(session, scan, job.payload)
    job.payload = None  # the findings hold it now
    if scan.kind == "cyclonedx":
        try:  # what is known today is no news: matched without notifying
            rematch(session, None, scan.id)
        except ShieldwallError as exc:  # no vulnerability database yet
            LOG.info("SBOM %s not matched: %s", scan.id, exc.message)


def handlers(notify: Notify | None = None) -> dict[str, Handler]:
    def _rematch(session: Session, _job: Job) -> None:
        rematch(session, notify)

    return {"ingest": _ingest, "rematch": _rematch}


HANDLERS: dict[str, Handler] = handlers()


def _take(session: Session) -> Job | None:
    now = utcnow()
    return session.scalar(
        select(Job)
        .where(
            or_(
                (Job.state == "queued") & (Job.run_after <= now),
                (Job.state == "running") & (Job.locked_until < now),  # its worker died
            )
        )
        .order_by(Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def run_one(
    factory: sessionmaker[Session],
    handlers: dict[str, Handler] | None = None,
    lease_seconds: float = LEASE_SECONDS,
) -> bool:
    """Take and run one job; False when there was none to take."""
    handlers = handlers or HANDLERS
    lease = dt.timedelta(seconds=lease_seconds)
    with factory() as session:
        job = _take(session)
        if job is None:
            session.rollback()
            return False
        if job.state == "running" and job.attempts >= MAX_ATTEMPTS:
            _give_up(session, job, "its worker stopped before finishing, every attempt")
            session.commit()
            return True
        mine = uuid.uuid4().hex
        job.state, job.locked_by, job.locked_until = "running", mine, utcnow() + lease
        job.attempts += 1
        session.commit()
        job_id = job.id
    with _renewing(factory, job_id, mine, lease), factory() as session:
        job = session.get(Job, job_id)
        assert job is not None
        try:
            handlers[job.kind](session, job)
            if not _still_mine(session, job_id, mine):
                session.rollback()  # another worker took it over: its result counts
                return True
            job.state, job.locked_by, job.locked_until = "done", "", None
            session.commit()
        except Exception as exc:
            session.rollback()
            _failed(factory, job_id, exc, mine)
    return True


def _still_mine(session: Session, job_id: int, mine: str) -> bool:
    """Lock the job's row for this transaction and check the lease is still ours."""
    holder = session.scalar(select(Job.locked_by).where(Job.id == job_id).with_for_update())
    return holder == mine


@contextmanager
def _renewing(
    factory: sessionmaker[Session], job_id: int, mine: str, lease: dt.timedelta
) -> Iterator[None]:
    """Renew the job's lease every third of it until the block ends."""
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(lease.total_seconds() / 3):
            try:
                with factory() as session:
                    session.execute(
                        update(Job)
                        .where(Job.id == job_id, Job.locked_by == mine)
                        .values(locked_until=utcnow() + lease)
                    )
                    session.commit()
            except Exception:  # the database went away: the lease may run out
                LOG.exception("cannot renew the lease of job %s", job_id)

    thread = threading.Thread(target=renew, name=f"shieldwall-lease-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _failed(factory: sessionmaker[Session], job_id: int, exc: Exception, mine: str) -> None:
    detail = exc.message if isinstance(exc, ShieldwallError) else f"{type(exc).__name__}: {exc}"
    final = isinstance(exc, ShieldwallError)  # bad input: retrying gives the same answer
    with factory() as session:
        job = session.get(Job, job_id, with_for_update=True)
        assert job is not None
        if mine and job.locked_by != mine:
            session.rollback()  # taken over meanwhile: the other worker decides
            return
        if final or job.attempts >= MAX_ATTEMPTS:
            _give_up(session, job, detail)
        else:
            job.error = detail[:4000]
            job.locked_by, job.locked_until = "", None
            job.state = "queued"
            job.run_after = utcnow() + dt.timedelta(seconds=2**job.attempts)
        session.commit()
    LOG.warning("job %s failed (attempt %s): %s", job_id, job.attempts, detail)


def _give_up(session: Session, job: Job, detail: str) -> None:
    """The job becomes a dead letter (payload kept); its scan says why."""
    job.state, job.error = "failed", detail[:4000]
    job.locked_by, job.locked_until = "", None
    scan = session.get(Scan, job.scan_id) if job.scan_id else None
    if scan is not None:
        scan.status, scan.error = "failed", job.error


def retry(session: Session, job_id: int) -> bool:
    """Queue a failed job again (after fixing what made it fail); False if not failed."""
    job = session.get(Job, job_id)
    if job is None or job.state != "failed":
        return False
    job.state, job.attempts, job.error, job.run_after = "queued", 0, "", utcnow()
    scan = session.get(Scan, job.scan_id) if job.scan_id else None
    if scan is not None and scan.status == "failed":
        scan.status, scan.error = "queued", ""
    return True


class Worker:
    """A thread running jobs until stopped; `wake()` after queueing one."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        poll_seconds: float = 1.0,
        notify: Notify | None = None,
        monitor_seconds: float = 300.0,
        lease_seconds: float = LEASE_SECONDS,
    ) -> None:
        self._factory = factory
        self._lease = lease_seconds
        self._poll = poll_seconds
        self._handlers = handlers(notify)
        self._monitor = monitor_seconds
        self._checked = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="shieldwall-jobs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._watch_database()
                busy = run_one(self._factory, self._handlers, self._lease)
            except Exception:  # the database went away: wait and try again
                LOG.exception("job queue unavailable")
                busy = False
            if not busy:
                self._wake.wait(self._poll)
                self._wake.clear()

    def _watch_database(self) -> None:
        """Every `monitor_seconds`: a changed vulnerability database queues a re-match."""
        if time.monotonic() - self._checked < self._monitor:
            return
        self._checked = time.monotonic()
        with self._factory() as session:
            schedule(session)
